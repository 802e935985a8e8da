"""API answers are never kept by a browser's or a proxy's cache (``Cache-Control: no-store``),
except the photos, which say so themselves, and the PWA's own files."""

import io

import msgspec
import pytest
from PIL import Image

from backend.app import create_app
from tests.api.cases.helpers import submit
from tests.conftest import seeded_client


async def test_every_kind_of_api_answer_is_no_store(client, auth):
    resident, staff = await auth.role("resident"), await auth.role("staff")
    case = (await submit(client, resident)).json()
    answers = [
        await client.get("/api/v1/me", headers=resident),
        await client.get("/api/v1/cases", headers=staff),
        await client.get(f"/api/v1/cases/{case['id']}", headers=staff),
        await client.get("/api/v1/users", params={"q": "13800000001"}, headers=staff),
        await client.get("/api/v1/services"),  # public
        await client.post("/api/v1/cases", json={"kind": "nonsense"}, headers=resident),  # 400
        await client.get("/api/v1/me"),  # 401
        await client.get("/api/v1/cases/lookup", params={"receipt_no": "BM-1", "phone": "13800000001"}),  # 404
        await client.get("/api/v1/no-such-thing"),  # no route
        await client.delete("/api/v1/regions"),  # 405
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 200, 400, 401, 404, 404, 405]
    assert [a.headers.get("cache-control") for a in answers] == ["no-store"] * len(answers)


async def test_a_photo_keeps_its_own_caching(client, auth):
    resident = await auth.role("resident")
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(picture, "JPEG")
    photo = (
        await client.post(
            "/api/v1/media", files={"file": ("a.jpg", picture.getvalue(), "image/jpeg")}, headers=resident
        )
    ).json()
    served = await client.get(photo["url"])
    assert served.status_code == 200 and served.headers["cache-control"] == "private, max-age=31536000, immutable"


@pytest.mark.parametrize("path", ["/", "/index.html", "/app.js"])
async def test_the_pwa_files_are_revalidated_not_refused_to_the_cache(settings, sms, clock, tmp_path, path):
    pwa = tmp_path / "pwa"
    pwa.mkdir()
    (pwa / "index.html").write_text("<!doctype html><title>便民</title>", encoding="utf-8")
    (pwa / "app.js").write_text("console.log(1);", encoding="utf-8")
    app = create_app(msgspec.structs.replace(settings, pwa_dir=pwa), sms=sms, clock=clock)
    async with seeded_client(app, settings) as pwa_client:
        response = await pwa_client.get(path)
    assert response.status_code == 200 and response.headers["cache-control"] == "no-cache"
