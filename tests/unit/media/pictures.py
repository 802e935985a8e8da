"""Photos built at test time: what phones send, and what attackers send."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image, ImageCms

#: Where somebody lives, as a phone writes it into a photo.
HOME = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (30.0, 15.0, 10.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (120.0, 10.0, 5.0),
}
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'


def halves(size: tuple[int, int], left: str = "red", right: str = "blue") -> Image.Image:
    """Left half one colour, right half another: shows which way the picture was turned."""
    image = Image.new("RGB", size, right)
    image.paste(left, (0, 0, size[0] // 2, size[1]))
    return image


def phone_jpeg(size: tuple[int, int] = (400, 300), orientation: int = 6) -> bytes:
    """A JPEG as a phone writes it: sideways pixels plus Orientation, GPS, XMP, an ICC profile, a comment."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Phone"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(HOME)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    halves(size).save(out, "JPEG", quality=90, exif=exif, xmp=XMP, icc_profile=icc, comment=b"Zhang San's home")
    return out.getvalue()


def jpeg(size: tuple[int, int], quality: int = 85) -> bytes:
    """A photo-like JPEG (noise over a gradient compresses like a real photo, 2 to 4 bits a pixel).

    The noise is drawn afresh on every call, so two calls give two different photos.
    """
    noise = Image.effect_noise(size, 30)
    gradient = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", [noise, gradient, noise.transpose(Image.Transpose.FLIP_LEFT_RIGHT)])
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def encoded(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _zeros(blocks: int, block: int) -> bytes:
    """A zlib stream of ``blocks`` × ``block`` zero bytes, from one block compressed once.

    After a full flush deflate forgets what it has seen, so every further identical
    block compresses to the same bytes; and the Adler-32 of n zeros is (n mod 65521) << 16 | 1.
    """
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = raw.compress(b"\0" * block) + raw.flush(zlib.Z_FULL_FLUSH)
    adler = ((blocks * block) % 65521) << 16 | 1
    return b"\x78\xda" + segment * blocks + raw.flush() + struct.pack(">I", adler)


def bomb_png(width: int = 30000, height: int = 30000) -> bytes:
    """Under 1 MB that decodes to ``width`` × ``height`` greyscale pixels (900 MB for the default).

    Complete and valid, so a decoder that tried would really fill the memory.
    """
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows_per_block = next(n for n in (1000, 100, 10, 1) if height % n == 0)
    pixels = _zeros(height // rows_per_block, (width + 1) * rows_per_block)  # each row: filter byte + pixels
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")


def jpeg_markers(data: bytes) -> list[int]:
    """The marker codes of a JPEG's header segments, up to the start of the scan."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    markers, at = [], 2
    while at < len(data):
        assert data[at] == 0xFF, f"bad marker at {at}"
        marker = data[at + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: the header is over
            break
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        at += 2 + length
    return markers


def assert_pixels_only(data: bytes) -> None:
    """No EXIF, GPS, XMP, ICC profile or comment: only JFIF (APP0) and the image itself."""
    markers = jpeg_markers(data)
    extra = [hex(m) for m in markers if 0xE1 <= m <= 0xEF or m == 0xFE]
    assert not extra, f"metadata segments left: {extra}"
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert not image.getexif(), "EXIF left"
        assert not set(image.info) & {"exif", "xmp", "icc_profile", "comment", "photoshop"}, image.info
