"""Mending a data directory an older version left readable by other users."""

import stat

from backend.lib import private_files


def _mode(path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_tighten_takes_group_and_other_access_off_and_never_follows_links(tmp_path):
    root = tmp_path / "data"
    (root / "media" / "ab").mkdir(parents=True)
    photo = root / "media" / "ab" / "photo.jpg"
    photo.write_bytes(b"jpeg")
    private_key = root / "secret_key"
    private_key.write_bytes(b"k")
    outside = tmp_path / "shared.txt"
    outside.write_bytes(b"not ours")
    (root / "link").symlink_to(outside)
    for path, mode in [(root, 0o755), (root / "media", 0o775), (root / "media" / "ab", 0o755)]:
        path.chmod(mode)
    photo.chmod(0o644)
    private_key.chmod(0o600)
    outside.chmod(0o644)

    assert private_files.tighten(root) == 4
    assert [_mode(p) for p in (root, root / "media", root / "media" / "ab")] == [0o700] * 3
    assert (_mode(photo), _mode(private_key), _mode(outside)) == (0o600, 0o600, 0o644)
    assert private_files.tighten(root) == 0  # said once
    assert private_files.tighten(tmp_path / "missing") == 0


def test_a_new_database_file_is_created_private_whatever_the_umask(tmp_path):
    path = tmp_path / "new" / "bianmin.sqlite3"
    private_files.create_private(path)
    assert _mode(path) == 0o600 and _mode(path.parent) & 0o077 == 0
    path.write_bytes(b"data")
    private_files.create_private(path)  # an existing file is left as it is
    assert path.read_bytes() == b"data"
