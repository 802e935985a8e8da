import pytest

from backend.lib.privacy import mask_phone
from tests.conftest import DEMO, error_code

PHONE = DEMO["resident"]


async def test_resident_signs_in_with_the_code_sent_by_sms(client, sms):
    sent = await client.post("/api/v1/auth/otp", json={"phone": PHONE})
    assert sent.status_code == 202
    assert sent.json() == {"expires_in": 300, "resend_after": 60}
    login = await client.post("/api/v1/auth/login", json={"phone": PHONE, "code": sms.last_code(PHONE)})
    assert login.status_code == 200
    body = login.json()
    assert body["user"]["phone"] == PHONE and body["user"]["role"] == "resident"
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.json()["name"] == "王秀英"


async def test_phone_is_accepted_as_people_type_it(client, sms):
    sent = await client.post("/api/v1/auth/otp", json={"phone": "+86 138-0000-0001"})
    assert sent.status_code == 202
    assert sms.sent[-1]["phone"] == PHONE


async def test_sms_text_is_in_the_users_saved_script(client, sms, auth):
    await client.patch("/api/v1/me", json={"locale": "zh-Hant"}, headers=await auth.headers(PHONE))
    await client.post("/api/v1/auth/otp", json={"phone": PHONE})
    assert "驗證碼" in sms.sent[-1]["text"]


async def test_new_phone_becomes_a_resident_on_first_sign_in(client, sms):
    phone = "13912345678"
    await client.post("/api/v1/auth/otp", json={"phone": phone}, headers={"Accept-Language": "zh-TW"})
    assert "驗證碼" in sms.sent[-1]["text"]
    login = await client.post(
        "/api/v1/auth/login",
        json={"phone": phone, "code": sms.last_code(phone)},
        headers={"Accept-Language": "zh-TW"},
    )
    assert login.status_code == 200
    user = login.json()["user"]
    assert user["role"] == "resident" and user["locale"] == "zh-Hant" and user["region"] is None
    # The phone's script, not yet the person's choice: the app saves it (PATCH /me) to make it one.
    assert user["locale_chosen"] is False


async def test_wrong_code_is_refused(client, sms):
    await client.post("/api/v1/auth/otp", json={"phone": PHONE})
    wrong = "000000" if sms.last_code(PHONE) != "000000" else "111111"
    response = await client.post("/api/v1/auth/login", json={"phone": PHONE, "code": wrong})
    assert response.status_code == 401
    assert error_code(response) == "auth.code_wrong"
    assert response.json()["error"]["message"] == "验证码不正确，请核对后重新输入。"


@pytest.mark.parametrize("settings", [{"otp_ttl_seconds": 1}], indirect=True)
async def test_expired_code_is_refused(client, sms, clock):
    await client.post("/api/v1/auth/otp", json={"phone": PHONE})
    code = sms.last_code(PHONE)
    clock.travel(seconds=1.2)
    response = await client.post("/api/v1/auth/login", json={"phone": PHONE, "code": code})
    assert response.status_code == 401
    assert error_code(response) == "auth.code_expired"


async def test_code_works_only_once(client, sms):
    await client.post("/api/v1/auth/otp", json={"phone": PHONE})
    code = sms.last_code(PHONE)
    first = await client.post("/api/v1/auth/login", json={"phone": PHONE, "code": code})
    second = await client.post("/api/v1/auth/login", json={"phone": PHONE, "code": code})
    assert first.status_code == 200
    assert second.status_code == 401


async def test_only_the_newest_code_works(client, sms):
    await client.post("/api/v1/auth/otp", json={"phone": PHONE})
    old = sms.last_code(PHONE)
    await client.post("/api/v1/auth/otp", json={"phone": PHONE})
    new = sms.last_code(PHONE)
    if old != new:
        assert (await client.post("/api/v1/auth/login", json={"phone": PHONE, "code": old})).status_code == 401
    assert (await client.post("/api/v1/auth/login", json={"phone": PHONE, "code": new})).status_code == 200


async def test_sixth_code_request_within_15_minutes_is_limited(client, sms):
    for _ in range(5):
        assert (await client.post("/api/v1/auth/otp", json={"phone": PHONE})).status_code == 202
    limited = await client.post("/api/v1/auth/otp", json={"phone": PHONE})
    assert limited.status_code == 429
    assert error_code(limited) == "auth.too_many_attempts"
    assert 800 < int(limited.headers["Retry-After"]) <= 900
    assert len(sms.sent) == 5


async def test_code_requests_are_limited_per_ip_across_phones(client):
    phones = [f"1391111000{i}" for i in range(6)]
    statuses = [(await client.post("/api/v1/auth/otp", json={"phone": p})).status_code for p in phones]
    assert statuses == [202] * 5 + [429]


async def test_five_wrong_codes_lock_the_phone_even_for_the_right_code(client, sms):
    await client.post("/api/v1/auth/otp", json={"phone": PHONE})
    right = sms.last_code(PHONE)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        response = await client.post("/api/v1/auth/login", json={"phone": PHONE, "code": wrong})
        assert response.status_code == 401
    locked = await client.post("/api/v1/auth/login", json={"phone": PHONE, "code": right})
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0


async def test_rate_limit_message_follows_the_script(client):
    for _ in range(5):
        await client.post("/api/v1/auth/otp", json={"phone": PHONE})
    limited = await client.post("/api/v1/auth/otp", json={"phone": PHONE}, headers={"Accept-Language": "zh-HK"})
    assert limited.json()["error"]["message"].startswith("嘗試次數太多")


@pytest.mark.parametrize("phone", ["123", "23800000001", "1380000000a", ""])
async def test_malformed_phone_is_refused_naming_the_field(client, sms, phone):
    response = await client.post("/api/v1/auth/otp", json={"phone": phone})
    assert response.status_code == 400
    assert error_code(response) == "auth.phone_invalid"
    assert response.json()["error"]["details"] == {"field": "phone"}
    assert sms.sent == []


async def test_unknown_json_field_is_refused(client, sms):
    response = await client.post("/api/v1/auth/otp", json={"phone": PHONE, "admin": True})
    assert response.status_code == 400
    assert error_code(response) == "request.unknown_field"
    assert response.json()["error"]["details"]["field"] == "admin"
    assert sms.sent == []


async def test_wrong_type_is_refused_naming_the_field(client):
    response = await client.post("/api/v1/auth/login", json={"phone": PHONE, "code": 123456})
    assert response.status_code == 400
    assert error_code(response) == "request.invalid_field"
    assert response.json()["error"]["details"]["field"] == "code"
    assert "code" in response.json()["error"]["message"]


async def test_missing_field_is_refused_naming_it(client):
    response = await client.post("/api/v1/auth/login", json={"phone": PHONE}, headers={"Accept-Language": "zh-TW"})
    assert response.status_code == 400
    assert error_code(response) == "request.missing_field"
    assert response.json()["error"]["message"] == "請填寫“code”。"


async def test_malformed_json_is_refused(client):
    response = await client.post("/api/v1/auth/otp", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert error_code(response).startswith("request.")


async def test_removed_user_cannot_sign_in(client, sms, auth):
    admin = await auth.role("admin")
    users = (await client.get("/api/v1/users?role=resident", headers=admin)).json()["items"]
    resident = next(u for u in users if u["phone"] == mask_phone(PHONE))  # lists mask phones
    await client.patch(f"/api/v1/users/{resident['id']}", json={"active": False}, headers=admin)
    await client.post("/api/v1/auth/otp", json={"phone": PHONE})
    response = await client.post("/api/v1/auth/login", json={"phone": PHONE, "code": sms.last_code(PHONE)})
    assert response.status_code == 401
