"""Local photo storage: addressed by content, written atomically, never outside its folder."""

import pytest

from backend.media._storage import LocalStorage, content_key


async def test_the_same_bytes_are_stored_once_under_their_hash(tmp_path):
    storage = LocalStorage(tmp_path / "media")
    first = await storage.put(b"photo bytes", ".jpg")
    again = await storage.put(b"photo bytes", ".jpg")
    other = await storage.put(b"other bytes", ".jpg")
    assert first == again == content_key(b"photo bytes", ".jpg") != other
    assert first.startswith(first[3:5] + "/") and first.endswith(".jpg")
    files = sorted(p.relative_to(tmp_path / "media").as_posix() for p in (tmp_path / "media").rglob("*") if p.is_file())
    assert files == sorted([first, other])  # no temporary files left behind
    assert await storage.get(first) == b"photo bytes"


async def test_missing_keys_read_as_none_and_delete_quietly(tmp_path):
    storage = LocalStorage(tmp_path / "media")
    key = await storage.put(b"x", ".jpg")
    assert await storage.exists(key)
    await storage.delete(key)
    await storage.delete(key)
    assert not await storage.exists(key)
    assert await storage.get(key) is None


@pytest.mark.parametrize("key", ["../../etc/passwd", "ab/../../secret_key", "/etc/passwd", "e3/short.jpg", ""])
async def test_anything_but_a_content_key_is_refused(tmp_path, key):
    storage = LocalStorage(tmp_path / "media")
    with pytest.raises(ValueError, match="not a media key"):
        await storage.get(key)
    with pytest.raises(ValueError, match="not a media key"):
        await storage.delete(key)
