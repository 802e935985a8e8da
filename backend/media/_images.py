"""Turning a phone photo into what we keep: upright, small, and without metadata.

``process`` is plain, blocking Pillow work; the service runs it in a small thread
pool. The content decides the format (JPEG, PNG or WebP), never the file name
or the declared type. Whatever comes in, one progressive JPEG goes out (longest
side ≤ 1600 px) with a 320 px thumbnail, and nothing but pixels survives: EXIF
(with GPS), XMP, ICC profiles and comments are dropped, colours converted to sRGB.

>>> out = process(open("IMG_0042.jpg", "rb").read())
>>> out.width, out.height, len(out.image)
(1200, 1600, 231804)
"""

from __future__ import annotations

import hashlib
import io
import math

import msgspec
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from backend.lib.errors import AppError

#: Formats we decode. HEIC is not among them: this Pillow has no HEIF plugin, and
#: iOS hands web pages a JPEG anyway (the PWA also shrinks photos to JPEG first).
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
MAX_SIDE = 1600
THUMB_SIDE = 320
#: Refused before decoding: 40 MP is above any phone's default mode and keeps one
#: decode under ~160 MB. Checked on the declared size, so a small file claiming
#: 30000×30000 never gets its pixels allocated.
MAX_PIXELS = 40_000_000
JPEG_QUALITY = 82
CONTENT_TYPE = "image/jpeg"
SUFFIX = ".jpg"

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class Processed(msgspec.Struct, frozen=True):
    image: bytes
    thumb: bytes
    width: int
    height: int
    #: sha256 of ``image``: its content address.
    sha256: str
    #: sha256 of the upload as received (an Idempotency-Key's request hash).
    source_sha256: str


def process(data: bytes) -> Processed:
    """Decode, check, straighten, shrink and re-encode one uploaded photo.

    Raises ``AppError``: 415 ``media.unsupported_type`` for anything that is not a
    JPEG, PNG or WebP; 422 ``media.too_many_pixels`` above ``MAX_PIXELS``; 422
    ``media.unreadable`` for truncated or corrupt files.
    """
    try:
        source = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except UnidentifiedImageError:
        raise AppError(415, "media.unsupported_type") from None
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except Exception:  # noqa: BLE001 - decoders fail on hostile input in many ways
        raise _unreadable() from None
    with source:
        width, height = source.size
        if width * height > MAX_PIXELS:
            raise _too_many_pixels()
        if source.format == "JPEG" and max(width, height) > MAX_SIDE:
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale: a quarter or less of the
            # memory and time for a phone photo, and still at least MAX_SIDE wide.
            scale = MAX_SIDE / max(width, height)
            source.draft(None, (math.ceil(width * scale), math.ceil(height * scale)))
        try:
            source.load()
            ImageOps.exif_transpose(source, in_place=True)
            picture = _to_srgb(_fit(_flatten(source), MAX_SIDE))
        except Exception:  # noqa: BLE001 - truncated data surfaces here, as OSError and others
            raise _unreadable() from None
        image = _jpeg(picture)
        return Processed(
            image=image,
            thumb=_jpeg(_fit(picture, THUMB_SIDE)),
            width=picture.width,
            height=picture.height,
            sha256=hashlib.sha256(image).hexdigest(),
            source_sha256=hashlib.sha256(data).hexdigest(),
        )


def _unreadable() -> AppError:
    return AppError(422, "media.unreadable")


def _too_many_pixels() -> AppError:
    return AppError(422, "media.too_many_pixels", limit=MAX_PIXELS // 10_000)


def _flatten(image: Image.Image) -> Image.Image:
    """RGB, greyscale or CMYK pixels; transparency laid over white (a document photo's background)."""
    if image.mode in ("RGB", "L", "CMYK"):
        return image
    if image.mode.startswith("I") or image.mode == "F":
        # 16-bit greyscale PNG: keep the top 8 bits instead of clipping at 255.
        return image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, "white")
        white.paste(rgba, mask=rgba.getchannel("A"))
        white.info = dict(image.info)  # keeps the ICC profile for the sRGB step
        return white
    converted = image.convert("RGB")
    converted.info = dict(image.info)
    return converted


def _to_srgb(image: Image.Image) -> Image.Image:
    """Colours as the profile meant them, in sRGB (what every browser assumes without one)."""
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "CMYK"):
        try:
            converted = ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(io.BytesIO(icc)), _SRGB, outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken profile: keep the numbers as they are, as a browser would
        else:
            if converted is not None:  # None is for a conversion in place, not asked for here
                return converted
    return image if image.mode in ("RGB", "L") else image.convert("RGB")


def _fit(image: Image.Image, side: int) -> Image.Image:
    longest = max(image.size)
    if longest <= side:
        return image
    scale = side / longest
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _jpeg(image: Image.Image) -> bytes:
    # Pillow falls back to the source's info for some markers (the comment); start clean.
    image.info = {}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True)
    return out.getvalue()
