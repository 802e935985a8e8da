"""Who else on the machine can read the residents' data: nobody. A real `bianmin serve` on
its own SQLite file, started on a data directory an older version left readable by all,
then a photo uploaded: the directory is 0700, the database with its -wal and -shm files,
the keys and every photo 0600, and the start said once what it tightened."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import httpx

from backend.settings import Settings
from tests.processes import BIANMIN, Server, process_env
from tests.unit.media.pictures import jpeg


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_the_data_directory_and_everything_in_it_is_private(tmp_path):
    data_dir = tmp_path / "data"
    old_photo = data_dir / "media" / "ab" / "old-photo.jpg"
    old_photo.parent.mkdir(parents=True, mode=0o755)
    for directory in (data_dir, data_dir / "media", old_photo.parent):
        directory.chmod(0o755)
    old_photo.write_bytes(jpeg((64, 48)))
    old_photo.chmod(0o644)

    env = process_env(Settings(data_dir=data_dir), data_dir, BIANMIN_DEMO="on")
    server = Server(env, tmp_path / "server.log")
    server.start()
    try:
        server.wait_until_healthy()
        token = subprocess.run(
            [BIANMIN, "token", "13800000001"], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        with httpx.Client(base_url=server.url, timeout=10) as http:
            response = http.post(
                "/api/v1/media",
                files={"file": ("IMG_0001.jpg", jpeg((640, 480)), "image/jpeg")},
                headers={"Authorization": f"Bearer {token}"},
            )
        assert response.status_code == 201, response.text
        database = data_dir / "bianmin.sqlite3"
        wal, shm = database.with_name("bianmin.sqlite3-wal"), database.with_name("bianmin.sqlite3-shm")
        assert database.exists() and wal.exists() and shm.exists()
        # While the server runs: SQLite removes -wal and -shm when its last connection closes.
        modes = {str(path.relative_to(data_dir)): _mode(path) for path in [data_dir, *data_dir.rglob("*")]}
    finally:
        server.stop()

    assert modes["."] == 0o700
    for name in ("bianmin.sqlite3", "bianmin.sqlite3-wal", "bianmin.sqlite3-shm", "vapid_private_key.pem"):
        assert modes[name] == 0o600, name
    assert _mode(old_photo) == 0o600
    photos = [path for path in (data_dir / "media").rglob("*") if path.is_file() and path != old_photo]
    assert len(photos) >= 2  # the photo and its thumbnail
    assert {name: mode for name, mode in modes.items() if mode & 0o077} == {}
    tightened = [line for line in server.log().splitlines() if "已改为仅本用户可读写" in line]
    assert tightened == [f"数据目录 {data_dir} 里有 4 个文件或目录别的系统用户也能读取，已改为仅本用户可读写。"]
