"""Hostile input gets a clear, localized 4xx in the one error shape and changes nothing:
deep JSON, huge bodies, NUL characters, broken UTF-8, wrong content types, ids no
object can have. (Slow bodies against a real server: tests/faults/test_slow_body.py.)"""

import json

import pytest

from tests.api.cases.helpers import GRID_A
from tests.api.media.helpers import upload
from tests.conftest import error_code
from tests.unit.media.pictures import jpeg

CASE = {"kind": "request", "service_code": "AST-001", "title": "申请低保", "description": "家里困难", "region": GRID_A}


async def _post_case(client, headers, content: bytes | object, content_type: str | None = "application/json", **extra):
    headers = {**headers, **({"Content-Type": content_type} if content_type else {})}
    return await client.post("/api/v1/cases", content=content, headers={**headers, **extra})


async def _no_cases(client, headers) -> None:
    listed = await client.get("/api/v1/cases", headers=headers)
    assert listed.status_code == 200 and listed.json()["items"] == [], listed.text


@pytest.mark.parametrize(
    "body",
    [b"[" * 10_000 + b"]" * 10_000, b'{"title":' * 10_000 + b"1" + b"}" * 10_000],
    ids=["arrays", "objects"],
)
async def test_json_nested_ten_thousand_levels_deep_is_refused(client, auth, body):
    resident = await auth.role("resident")
    response = await _post_case(client, resident, body)
    assert response.status_code == 400
    assert error_code(response) == "request.too_deep"
    assert response.json()["error"]["message"] == "提交的内容层层嵌套太深，无法处理。"
    await _no_cases(client, resident)


async def test_ten_megabyte_string_is_refused_from_content_length_before_it_is_read(client, auth):
    resident = await auth.role("resident")
    sent = 0

    async def body():
        nonlocal sent
        prefix = json.dumps({**CASE, "description": ""}).encode()[:-2]
        for chunk in (prefix, *([b"x" * 1_000_000] * 10), b'"}'):
            sent += len(chunk)
            yield chunk

    length = len(json.dumps({**CASE, "description": "x" * 10_000_000}).encode())
    response = await _post_case(client, resident, body(), **{"Content-Length": str(length)})
    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"
    assert sent == 0  # not one byte of the body was asked for
    await _no_cases(client, resident)


async def test_oversized_body_without_content_length_is_cut_off_while_reading(client, auth, settings):
    resident = await auth.role("resident")
    sent = 0

    async def body():  # sent chunked: no Content-Length to go by
        nonlocal sent
        for _ in range(10):
            sent += 1_000_000
            yield b"x" * 1_000_000

    response = await _post_case(client, resident, body())
    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"
    assert sent <= settings.max_body_bytes + 1_000_000
    await _no_cases(client, resident)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", "/api/v1/me"),
        ("POST", "/api/v1/auth/otp"),
        ("PUT", "/api/v1/holidays"),
        ("POST", "/api/v1/push/subscriptions"),
        ("POST", "/api/v1/services/import"),
    ],
)
async def test_every_route_refuses_a_body_over_the_limit(client, auth, method, path):
    response = await client.request(
        method,
        path,
        content=b"x" * (1024 * 1024 + 1),
        headers={**await auth.role("admin"), "Content-Type": "application/json"},
    )
    assert response.status_code == 413, response.text
    assert error_code(response) == "payload_too_large"


@pytest.mark.parametrize("settings", [{"max_body_bytes": 4096}], indirect=True)
async def test_photo_uploads_keep_their_own_larger_limit(client, auth):
    resident = await auth.role("resident")
    assert (
        await _post_case(client, resident, json.dumps({**CASE, "description": "x" * 5000}).encode())
    ).status_code == 413
    photo = jpeg((800, 600))
    assert len(photo) > 4096
    response = await upload(client, resident, photo)
    assert response.status_code == 201, response.text


async def test_nul_in_a_text_field_is_refused_on_both_databases(client, auth):
    resident = await auth.role("resident")
    response = await _post_case(client, resident, json.dumps({**CASE, "title": "申请\x00低保"}).encode())
    assert response.status_code == 400
    assert error_code(response) == "request.nul_character"
    assert response.json()["error"]["details"] == {"field": "title"}
    assert response.json()["error"]["message"] == "提交的内容里有不允许的空字符（NUL），请删掉后重试。"
    await _no_cases(client, resident)


async def test_nul_deep_inside_a_body_names_its_place(client, auth):
    worker = await auth.role("grid_worker")
    body = {"items": [{"name": "户口簿", "count": 1}, {"name": "身份证\x00", "count": 1}], "direction": "received"}
    response = await client.post(
        "/api/v1/cases/1/handovers",
        content=json.dumps(body).encode(),
        headers={**worker, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"field": "items.1.name"}


async def test_nul_in_a_profile_change_leaves_the_profile_as_it_was(client, auth):
    resident = await auth.role("resident")
    before = (await client.get("/api/v1/me", headers=resident)).json()
    response = await client.patch(
        "/api/v1/me", content=b'{"name": "\\u0000"}', headers={**resident, "Content-Type": "application/json"}
    )
    assert response.status_code == 400 and error_code(response) == "request.nul_character"
    assert (await client.get("/api/v1/me", headers=resident)).json() == before


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/services?q=%E5%8C%BB%00",
        "/api/v1/services/AST%00001",
        "/api/v1/cases/lookup?receipt_no=BM%00&phone=13800000001",
    ],
)
async def test_nul_in_the_url_is_refused(client, url):
    response = await client.get(url, headers={"Accept-Language": "zh-TW"})
    assert response.status_code == 400
    assert error_code(response) == "request.nul_character"
    assert response.json()["error"]["message"] == "提交的內容裡有不允許的空字符（NUL），請刪掉後重試。"


async def test_nul_in_a_header_is_refused(client, auth):
    resident = await auth.role("resident")
    response = await _post_case(client, resident, json.dumps(CASE).encode(), **{"Idempotency-Key": "key\x00"})
    assert response.status_code == 400
    assert error_code(response) == "request.nul_character"
    await _no_cases(client, resident)


async def test_invalid_utf8_is_refused(client, auth):
    resident = await auth.role("resident")
    body = json.dumps(CASE, ensure_ascii=False).encode().replace("申请低保".encode(), b"\xff\xfe\xc3(")
    response = await _post_case(client, resident, body)
    assert response.status_code == 400
    assert error_code(response) == "request.invalid_encoding"
    assert response.json()["error"]["message"] == "提交的内容不是有效的 UTF-8 文字。"
    await _no_cases(client, resident)


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
)
async def test_json_routes_refuse_other_content_types(client, auth, content_type):
    resident = await auth.role("resident")
    response = await _post_case(client, resident, json.dumps(CASE).encode(), content_type)
    assert response.status_code == 415
    assert error_code(response) == "request.json_required"
    assert response.json()["error"]["message"] == "请以 JSON 格式提交（Content-Type: application/json）。"
    await _no_cases(client, resident)


async def test_a_wrong_content_type_is_explained_in_the_readers_script(client, sms):
    headers = {"Content-Type": "text/plain", "Accept-Language": "zh-HK"}
    response = await client.post("/api/v1/auth/otp", content=b'{"phone": "13800000001"}', headers=headers)
    assert response.status_code == 415
    assert response.json()["error"]["message"] == "請以 JSON 格式提交（Content-Type: application/json）。"
    assert sms.sent == []


async def test_json_with_a_charset_is_still_json(client, auth):
    response = await _post_case(
        client, await auth.role("resident"), json.dumps(CASE).encode(), "application/json; charset=utf-8"
    )
    assert response.status_code == 201, response.text


async def test_ids_no_object_can_have_are_refused_before_the_database(client, auth):
    staff = await auth.role("staff")
    too_big = 2**63
    body = json.dumps({**CASE, "resident_id": too_big, "identity_check": "phone"}).encode()
    created = await _post_case(client, staff, body)
    assert created.status_code == 400 and created.json()["error"]["details"]["field"] == "resident_id"
    for url in (
        f"/api/v1/cases/{too_big}",
        f"/api/v1/bookings/{too_big * too_big}",
        f"/api/v1/media/{2**31}/{'0' * 24}",
    ):
        response = await client.get(url, headers=staff)
        assert response.status_code == 404 and error_code(response) == "not_found", url
    listed = await client.get("/api/v1/cases", params={"cursor": str(2**31)}, headers=staff)
    assert listed.status_code == 400 and error_code(listed) == "request.invalid_parameter"
    await _no_cases(client, staff)
