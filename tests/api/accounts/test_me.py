from backend.accounts.tables import User
from backend.lib.auth import issue_token
from tests.conftest import DEMO, SECRET, error_code


async def test_me_shows_profile_with_region_in_the_readers_script(client, auth):
    response = await client.get("/api/v1/me", headers=await auth.role("resident"))
    assert response.status_code == 200
    me = response.json()
    assert me["name"] == "王秀英"
    assert me["role"] == "resident"
    assert me["region"] == {"code": "990101001001001", "level": "grid", "name": "东山村第一网格"}
    assert me["flags"] == ["elderly", "lives_alone"]
    assert me["created_at"].endswith("Z") or "+" in me["created_at"]


async def test_saved_locale_wins_over_accept_language(client, auth):
    headers = await auth.role("resident", lang="zh-CN")
    patched = await client.patch("/api/v1/me", json={"locale": "zh-Hant", "elder_mode": True}, headers=headers)
    assert patched.status_code == 200
    assert patched.json()["locale"] == "zh-Hant" and patched.json()["elder_mode"] is True
    me = (await client.get("/api/v1/me", headers=headers)).json()
    assert me["region"]["name"] == "東山村第一網格"
    bad = await client.patch("/api/v1/me", json={"locale": "en"}, headers=headers)
    assert bad.status_code == 400
    assert bad.json()["error"]["message"] == "“locale”填寫得不對，請檢查後重試。"


async def test_a_locale_is_chosen_once_saved_and_then_answers_every_request(client, auth, sms):
    phone = "13912345670"
    await client.post("/api/v1/auth/otp", json={"phone": phone})
    login = await client.post("/api/v1/auth/login", json={"phone": phone, "code": sms.last_code(phone)})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert login.json()["user"]["locale_chosen"] is False and login.json()["user"]["locale"] == "zh-Hans"
    # Never chosen, the name does not make it chosen; the script does.
    named = await client.patch("/api/v1/me", json={"name": "陳秀蘭"}, headers=headers)
    assert named.json()["locale_chosen"] is False
    chosen = await client.patch("/api/v1/me", json={"locale": "zh-Hant"}, headers=headers)
    assert chosen.json()["locale_chosen"] is True and chosen.json()["locale"] == "zh-Hant"
    # Saved, it answers whatever the request's Accept-Language says; a stranger gets theirs.
    refused = await client.patch("/api/v1/me", json={"locale": "en"}, headers={**headers, "Accept-Language": "zh-CN"})
    assert refused.json()["error"]["message"] == "“locale”填寫得不對，請檢查後重試。"
    anonymous = await client.get("/api/v1/me", headers={"Accept-Language": "zh-TW"})
    assert anonymous.status_code == 401 and anonymous.json()["error"]["message"] == "請先登錄。"


async def test_patch_me_changes_only_what_was_sent(client, auth):
    headers = await auth.role("resident")
    await client.patch("/api/v1/me", json={"name": "  王秀英（奶奶） "}, headers=headers)
    me = (await client.get("/api/v1/me", headers=headers)).json()
    assert me["name"] == "王秀英（奶奶）" and me["locale"] == "zh-Hans" and me["elder_mode"] is False


async def test_patch_me_refuses_fields_a_user_may_not_set(client, auth):
    headers = await auth.role("resident")
    response = await client.patch("/api/v1/me", json={"role": "admin"}, headers=headers)
    assert response.status_code == 400
    assert error_code(response) == "request.unknown_field"
    assert (await client.get("/api/v1/me", headers=headers)).json()["role"] == "resident"


async def test_id_number_is_encrypted_at_rest_and_masked_in_the_api(client, auth):
    raw = await User.raw("SELECT id_number_enc, id_number_masked FROM app_user WHERE phone = {}", DEMO["resident"])
    stored = raw[0]["id_number_enc"]
    assert stored.startswith("v1:")
    assert "99010119440315002X" not in stored and "1944" not in stored
    me = (await client.get("/api/v1/me", headers=await auth.role("resident"))).json()
    assert me["id_number"] == "990***********002X"


async def test_me_needs_a_token(client):
    response = await client.get("/api/v1/me")
    assert response.status_code == 401
    assert error_code(response) == "auth.required"


async def test_garbage_or_foreign_token_is_refused(client, clock):
    foreign = issue_token(1, "another-secret-" * 4, 1, now=clock.now())
    for header in ("Bearer not-a-token", "Basic abc", f"Bearer {foreign}"):
        response = await client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert error_code(response) == "auth.invalid_token"


async def test_token_of_a_deleted_user_is_refused(client, auth):
    headers = await auth.role("resident")
    await User.delete().where(User.phone == DEMO["resident"])
    response = await client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert error_code(response) == "auth.invalid_token"


async def test_expired_token_is_refused(client, auth, clock):
    found = await User.select(User.id).where(User.phone == DEMO["resident"]).first()
    expired = issue_token(found["id"], SECRET, -1, now=clock.now())
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
