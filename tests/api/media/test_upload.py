"""Uploading photos: what is kept (upright pixels, small) and what is refused."""

import io

import pytest
from PIL import Image

from tests.conftest import error_code
from tests.unit.media.pictures import (
    assert_pixels_only,
    bomb_png,
    encoded,
    halves,
    jpeg,
    phone_jpeg,
)

from .helpers import size_of, stored_files, upload


async def test_phone_photo_comes_back_upright_and_without_any_metadata(client, auth):
    resident = await auth.role("resident")
    sent = phone_jpeg((400, 300), orientation=6)  # sideways pixels, GPS of the home in EXIF
    response = await upload(client, resident, sent)
    assert response.status_code == 201, response.text
    answer = response.json()
    assert set(answer) == {"id", "url", "thumb_url", "width", "height"}
    assert (answer["width"], answer["height"]) == (300, 400)
    for url in (answer["url"], answer["thumb_url"]):
        served = await client.get(url, headers=resident)
        assert served.status_code == 200
        assert_pixels_only(served.content)
    with Image.open(io.BytesIO((await client.get(answer["url"], headers=resident)).content)) as image:
        assert image.size == (300, 400)
        top, bottom = image.getpixel((150, 10)), image.getpixel((150, 390))
    assert top[0] > 200 and top[2] < 50, top  # the left (red) half is now on top
    assert bottom[2] > 200 and bottom[0] < 50, bottom


async def test_large_photo_is_shrunk_to_1600_with_a_320_thumbnail(client, auth):
    resident = await auth.role("resident")
    answer = (await upload(client, resident, jpeg((6000, 4000)))).json()
    assert (answer["width"], answer["height"]) == (1600, 1067)
    image = await client.get(answer["url"], headers=resident)
    thumb = await client.get(answer["thumb_url"], headers=resident)
    assert size_of(image.content) == (1600, 1067)
    assert size_of(thumb.content) == (320, 213)
    for served in (image, thumb):
        assert served.headers["content-type"] == "image/jpeg"
        assert served.headers["cache-control"] == "private, max-age=31536000, immutable"
        assert served.headers["x-content-type-options"] == "nosniff"


async def test_png_and_webp_are_accepted_and_kept_as_jpeg_on_white(client, auth):
    resident = await auth.role("resident")
    document = Image.new("RGBA", (200, 100), (0, 0, 0, 0))  # a scan with a transparent background
    document.paste((0, 0, 0, 255), (50, 25, 150, 75))
    served = {}
    for data, name in ((encoded(document, "PNG"), "scan.png"), (encoded(halves((200, 100)), "WEBP"), "x.webp")):
        response = await upload(client, resident, data, name=name, kind="application/octet-stream")
        assert response.status_code == 201, (name, response.text)
        served[name] = (await client.get(response.json()["url"], headers=resident)).content
        assert_pixels_only(served[name])
    with Image.open(io.BytesIO(served["scan.png"])) as kept:
        assert kept.getpixel((5, 5)) > (240, 240, 240)  # transparent became white, not black
        assert kept.getpixel((100, 50)) < (30, 30, 30)


async def test_what_is_not_a_photo_is_refused_whatever_its_name(client, auth, settings):
    resident = await auth.role("resident")
    for data, name, kind in (
        ("这不是照片，是一段文字。".encode(), "photo.jpg", "image/jpeg"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "scan.jpg", "image/jpeg"),
        (encoded(halves((20, 20)), "GIF"), "moving.jpg", "image/jpeg"),
        # An iPhone HEIC: this Pillow has no HEIF decoder, so it is refused like any unknown type.
        (b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 64, "IMG_0001.HEIC", "image/heic"),
    ):
        response = await upload(client, resident, data, name=name, kind=kind)
        assert response.status_code == 415, name
        assert error_code(response) == "media.unsupported_type"
    assert stored_files(settings) == set()


async def test_truncated_and_corrupt_photos_are_refused_as_unreadable(client, auth):
    resident = await auth.role("resident")
    whole = jpeg((800, 600))
    corrupt_png = bytearray(encoded(halves((64, 64)), "PNG"))
    corrupt_png[60:80] = b"\xff" * 20  # inside the image data: the checksum no longer matches
    for data in (whole[: len(whole) // 2], bytes(corrupt_png)):
        response = await upload(client, resident, data)
        assert response.status_code == 422, response.text
        assert error_code(response) == "media.unreadable"


def _peak_rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM")


def _reset_peak_rss() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")  # resets VmHWM to the current RSS
    except OSError:
        pass


async def test_decompression_bomb_is_refused_before_its_pixels_exist(client, auth):
    resident = await auth.role("resident")
    bomb = bomb_png(30000, 30000)  # 900 MB of pixels in under 1 MB
    assert len(bomb) < 1_000_000
    _reset_peak_rss()
    before = _peak_rss_kib()
    response = await upload(client, resident, bomb, name="bomb.png", kind="image/png")
    growth_mib = (_peak_rss_kib() - before) / 1024
    assert response.status_code == 422 and error_code(response) == "media.too_many_pixels"
    assert "4000" in response.json()["error"]["message"]
    assert growth_mib < 200, f"memory grew by {growth_mib:.0f} MiB"


BOUNDARY = "bianminboundary"
HEAD = (
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\n'
    "Content-Type: image/jpeg\r\n\r\n"
).encode()
TAIL = f"\r\n--{BOUNDARY}--\r\n".encode()
CHUNK, CHUNKS = 64_000, 100  # 6.4 MB if anyone read it all


@pytest.mark.parametrize("settings", [{"media_max_bytes": 100_000}], indirect=True)
@pytest.mark.parametrize("announced", [True, False], ids=["content-length", "chunked"])
async def test_upload_over_the_limit_is_refused_without_reading_it_all(client, auth, announced):
    resident = await auth.role("resident")
    read = []

    async def body():
        yield HEAD
        for _ in range(CHUNKS):
            read.append(CHUNK)
            yield b"\0" * CHUNK
        yield TAIL

    headers = {**resident, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    if announced:
        headers["Content-Length"] = str(len(HEAD) + CHUNK * CHUNKS + len(TAIL))
    response = await client.post("/api/v1/media", content=body(), headers=headers)
    assert response.status_code == 413 and error_code(response) == "media.too_large"
    assert "MB" in response.json()["error"]["message"]
    assert sum(read) <= (0 if announced else 3 * CHUNK), f"read {sum(read)} bytes before refusing"


async def test_same_photo_uploaded_twice_is_stored_once(client, auth, settings):
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    data = jpeg((1200, 900))
    first = (await upload(client, resident, data)).json()
    files = stored_files(settings)
    assert len(files) == 2  # the photo and its thumbnail
    second = (await upload(client, resident, data)).json()
    third = (await upload(client, worker, data)).json()
    assert len({first["id"], second["id"], third["id"]}) == 3
    assert stored_files(settings) == files


async def test_an_idempotent_retry_answers_with_the_first_upload(client, auth, settings):
    resident = await auth.role("resident")
    data = jpeg((300, 200))
    first = await upload(client, resident, data, key="photo-1")
    again = await upload(client, resident, data, key="photo-1")
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    other = await upload(client, resident, jpeg((300, 200)), key="photo-1")
    assert other.status_code == 422 and error_code(other) == "idempotency.key_reused"


async def test_upload_needs_a_signed_in_user_and_a_file(client, auth):
    signed_out = await upload(client, {}, jpeg((10, 10)))
    assert signed_out.status_code == 401
    resident = await auth.role("resident")
    wrong_field = await client.post("/api/v1/media", files={"photo": ("a.jpg", jpeg((10, 10)))}, headers=resident)
    assert wrong_field.status_code == 400 and error_code(wrong_field) == "media.file_required"
    as_json = await client.post("/api/v1/media", json={"file": "x"}, headers=resident)
    assert as_json.status_code == 400 and error_code(as_json) == "media.file_required"
