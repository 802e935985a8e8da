"""Where photo bytes live: a small interface, and local files behind it.

Keys are content addresses (``ab/abcdef….jpg``, from the sha256 of the bytes),
so the same photo uploaded twice is stored once and a key never changes meaning.
An S3-compatible backend would implement the same four methods.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path
from typing import Protocol

import anyio.to_thread

from backend.settings import Settings

_KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{64}\.[a-z]{3,4}$")


class Storage(Protocol):
    async def put(self, data: bytes, suffix: str) -> str:
        """Store ``data`` (once per content) and return its key."""

    async def get(self, key: str) -> bytes | None:
        """The bytes under ``key``, or None if there are none."""

    async def delete(self, key: str) -> None:
        """Remove ``key``; a missing key is not an error."""

    async def exists(self, key: str) -> bool: ...


def content_key(data: bytes, suffix: str) -> str:
    """The key ``data`` is stored under.

    >>> content_key(b"", ".jpg")
    'e3/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.jpg'
    """
    digest = hashlib.sha256(data).hexdigest()
    return f"{digest[:2]}/{digest}{suffix}"


class LocalStorage:
    """Files under one directory, written atomically (temporary file, fsync, rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        # Keys come from our own database, but a path is never built from anything else.
        if not _KEY.fullmatch(key):
            raise ValueError(f"not a media key: {key!r}")
        return self.root / key

    async def put(self, data: bytes, suffix: str) -> str:
        key = content_key(data, suffix)
        await anyio.to_thread.run_sync(self._write, self._path(key), data)
        return key

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        # Residents' photos: readable by this user only, whatever the umask.
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # Two writers of the same content may race here; both renames leave the same bytes.
        os.replace(tmp, path)

    async def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            return await anyio.to_thread.run_sync(path.read_bytes)
        except FileNotFoundError:
            return None

    async def delete(self, key: str) -> None:
        await anyio.to_thread.run_sync(lambda: self._path(key).unlink(missing_ok=True))

    async def exists(self, key: str) -> bool:
        return await anyio.to_thread.run_sync(self._path(key).exists)


def from_settings(settings: Settings) -> Storage:
    """The storage the settings ask for (local files under ``<data dir>/media``)."""
    return LocalStorage(settings.data_dir / "media")
