"""Shared steps for photo tests: uploading, and what ended up on disk."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

from PIL import Image

from backend.settings import Settings
from tests.unit.media.pictures import jpeg


async def upload(
    client, headers, data: bytes, *, name: str = "IMG_0001.jpg", kind: str = "image/jpeg", key: str | None = None
):
    extra = {"Idempotency-Key": key} if key else {}
    return await client.post("/api/v1/media", files={"file": (name, data, kind)}, headers={**headers, **extra})


async def photo(client, headers, data: bytes | None = None) -> dict:
    """Upload a photo (a fresh one unless ``data`` is given); return the answer."""
    response = await upload(client, headers, data if data is not None else jpeg((640, 480)))
    assert response.status_code == 201, response.text
    return response.json()


def path_of(photo: dict) -> str:
    """A photo's path (``/api/v1/media/<id>/<key>``), for a bearer-token request."""
    return urlsplit(photo["url"]).path


def stored_files(settings: Settings) -> set[str]:
    root = settings.data_dir / "media"
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size
