"""Re-encoding photos: upright, small, pixels only; everything else refused with a reason."""

import io

import pytest
from PIL import Image

from backend.lib.errors import AppError
from backend.media._images import MAX_PIXELS, process
from tests.unit.media.pictures import (
    assert_pixels_only,
    bomb_png,
    encoded,
    halves,
    jpeg,
    phone_jpeg,
)

#: What a phone does to upright pixels before writing Orientation n (the inverse of exif_transpose).
_SIDEWAYS = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def _decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _refused(data: bytes) -> AppError:
    with pytest.raises(AppError) as refused:
        process(data)
    return refused.value


@pytest.mark.parametrize("orientation", sorted(_SIDEWAYS))
def test_every_exif_orientation_comes_out_upright(orientation):
    upright = Image.new("RGB", (80, 40), "blue")
    upright.paste("red", (0, 0, 40, 20))  # the top-left corner marks which way is up
    turn = _SIDEWAYS[orientation]
    stored = upright if turn is None else upright.transpose(turn)
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = _decoded(process(encoded(stored, "JPEG", exif=exif, quality=95)).image)
    assert out.size == (80, 40)
    corners = [out.getpixel(xy) for xy in ((10, 10), (70, 10), (10, 30), (70, 30))]
    assert [pixel[0] > 200 and pixel[2] < 60 for pixel in corners] == [True, False, False, False], corners


def test_only_pixels_survive_of_a_phone_photo():
    out = process(phone_jpeg((2000, 1500), orientation=6))
    assert_pixels_only(out.image)
    assert_pixels_only(out.thumb)
    assert (out.width, out.height) == (1200, 1600)
    assert _decoded(out.image).info.get("progressive") == 1


@pytest.mark.parametrize(
    ("size", "kept", "thumb"),
    [
        ((6000, 4000), (1600, 1067), (320, 213)),
        ((3000, 4000), (1200, 1600), (240, 320)),
        ((800, 600), (800, 600), (320, 240)),
        ((200, 100), (200, 100), (200, 100)),
    ],
)
def test_longest_side_is_at_most_1600_and_the_thumbnail_320(size, kept, thumb):
    out = process(jpeg(size))
    assert (out.width, out.height) == kept == _decoded(out.image).size
    assert _decoded(out.thumb).size == thumb


@pytest.mark.parametrize(
    "picture",
    [
        Image.new("P", (50, 50), 3),
        Image.new("LA", (50, 50), (80, 128)),
        Image.new("1", (50, 50), 1),
        Image.new("L", (50, 50), 90),
        Image.new("RGBA", (50, 50), (10, 200, 10, 255)),
    ],
    ids=lambda image: image.mode,
)
@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_any_pixel_format_becomes_a_jpeg(picture, fmt):
    if fmt == "WEBP" and picture.mode in ("P", "1", "LA"):
        picture = picture.convert("RGBA")
    out = _decoded(process(encoded(picture, fmt)).image)
    assert out.format == "JPEG" and out.mode in ("RGB", "L") and out.size == (50, 50)


def test_transparency_is_laid_over_white_and_cmyk_and_16_bit_are_converted():
    clear = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    assert _decoded(process(encoded(clear, "PNG")).image).getpixel((10, 10)) >= (250, 250, 250)
    cmyk = Image.new("CMYK", (20, 20), (0, 255, 255, 0))  # red in ink
    red = _decoded(process(encoded(cmyk, "JPEG")).image).getpixel((10, 10))
    assert red[0] > 200 and red[1] < 60 and red[2] < 60, red
    grey16 = Image.new("I;16", (20, 20), 32768)  # half-way grey in 16 bits
    assert 120 <= _decoded(process(encoded(grey16, "PNG")).image).getpixel((10, 10)) <= 136


def test_a_broken_colour_profile_is_ignored_not_fatal():
    out = process(encoded(halves((40, 40)), "JPEG", icc_profile=b"not a profile at all"))
    assert_pixels_only(out.image)


def test_animated_webp_keeps_its_first_frame():
    frames = [Image.new("RGB", (30, 30), colour) for colour in ("red", "blue", "green")]
    data = encoded(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    first = _decoded(process(data).image).getpixel((15, 15))
    assert first[0] > 200 and first[2] < 60


def test_the_same_photo_always_gives_the_same_bytes():
    data = jpeg((1000, 800))
    assert process(data).sha256 == process(data).sha256


@pytest.mark.parametrize(
    "data",
    [
        b"hello, this is text",
        b"",
        encoded(halves((20, 20)), "GIF"),
        encoded(halves((20, 20)), "BMP"),
        encoded(halves((20, 20)), "TIFF"),
        b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 64,
    ],
    ids=["text", "empty", "gif", "bmp", "tiff", "heic"],
)
def test_only_jpeg_png_and_webp_are_taken(data):
    refused = _refused(data)
    assert (refused.status, refused.key) == (415, "media.unsupported_type")


# Pillow warns about 89–179 MP before our own check refuses them; the warning is not
# turned into an error around the decode because warning filters are process-wide
# (not thread-safe before Python 3.14) and decoding runs in a thread pool.
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_pixels_past_the_limit_are_refused_before_decoding():
    assert MAX_PIXELS < 8000 * 5001
    for bomb in (bomb_png(8000, 5001), bomb_png(10000, 10000), bomb_png(30000, 30000), bomb_png(65535, 65535)):
        refused = _refused(bomb)
        assert (refused.status, refused.key) == (422, "media.too_many_pixels")


def test_truncated_and_garbled_photos_are_unreadable():
    whole = jpeg((600, 400))
    png = encoded(halves((64, 64)), "PNG")
    for data in (whole[:2000], whole[: len(whole) - 5000], png[:-40], png[:60] + b"\x00" * 30 + png[90:]):
        refused = _refused(data)
        assert (refused.status, refused.key) == (422, "media.unreadable")
