"""Finding a user in the admin's list (GET /users?q=) and seeing whether the account is on."""

from tests.conftest import DEMO, error_code


async def _create(client, headers, phone: str, name: str, region: str = "990101001002001") -> dict:
    response = await client.post(
        "/api/v1/users", json={"phone": phone, "name": name, "region": region}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_admin_finds_a_user_by_the_whole_phone_its_last_four_digits_or_the_name_in_either_script(client, auth):
    admin = await auth.role("admin")
    await _create(client, admin, "13912345678", "赵国强")

    def found(q):
        return client.get("/api/v1/users", params={"q": q}, headers=admin)

    assert [u["phone"] for u in (await found("5678")).json()["items"]] == ["139****5678"]
    assert [u["phone"] for u in (await found("139 1234 5678")).json()["items"]] == ["139****5678"]
    assert [u["name"] for u in (await found("国强")).json()["items"]] == ["赵国强"]
    assert [u["name"] for u in (await found("國強")).json()["items"]] == ["赵国强"]
    assert (await found("没有这个人")).json()["items"] == []
    assert (await found("%")).status_code == 200


async def test_search_stays_inside_the_callers_scope(client, auth):
    admin, staff = await auth.role("admin"), await auth.role("staff")
    await _create(client, admin, "13912340000", "白石乡居民", region="990101002001001")
    assert (await client.get("/api/v1/users", params={"q": "13912340000"}, headers=staff)).json()["items"] == []
    staff_found = (await client.get("/api/v1/users", params={"q": DEMO["staff"]}, headers=staff)).json()["items"]
    assert staff_found == []  # staff manage residents only, not each other


async def test_a_switched_off_account_shows_as_inactive(client, auth):
    admin = await auth.role("admin")
    user = await _create(client, admin, "13912349999", "钱阿姨")
    assert user["active"] is True
    off = await client.patch(f"/api/v1/users/{user['id']}", json={"active": False}, headers=admin)
    assert off.status_code == 200 and off.json()["active"] is False
    [listed] = (await client.get("/api/v1/users", params={"q": "13912349999"}, headers=admin)).json()["items"]
    assert listed["active"] is False


async def test_an_admin_cannot_switch_off_or_demote_themselves(client, auth):
    admin = await auth.role("admin", "zh-TW")
    me = (await client.get("/api/v1/me", headers=admin)).json()
    for body in ({"active": False}, {"role": "staff", "region": "990101001"}):
        response = await client.patch(f"/api/v1/users/{me['id']}", json=body, headers=admin)
        assert response.status_code == 409 and error_code(response) == "user.self_change", response.text
    assert (await client.get("/api/v1/me", headers=admin)).json()["role"] == "admin"
    renamed = await client.patch(f"/api/v1/users/{me['id']}", json={"name": "陈明明"}, headers=admin)
    assert renamed.status_code == 200 and renamed.json()["name"] == "陈明明"
