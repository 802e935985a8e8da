from tests.conftest import error_code

NOTICE = {"region": "990101001001", "title_hans": "东山村医保缴费通知", "body_hans": "请于月底前到村委会缴纳医保费用。"}


async def test_staff_publish_and_residents_read_in_their_script(client, auth):
    staff = await auth.role("staff")
    published = await client.post("/api/v1/notices", json=NOTICE, headers=staff)
    assert published.status_code == 201, published.text
    hant = (await client.get("/api/v1/notices?region=990101001001001", headers={"Accept-Language": "zh-TW"})).json()
    assert hant["items"][0]["title"] == "東山村醫保繳費通知"
    assert hant["items"][0]["region"]["name"] == "東山村"


async def test_residents_see_their_village_and_township_newest_first(client, auth):
    staff = await auth.role("staff")
    admin = await auth.role("admin")
    for notice in (
        {"region": "990101001", "title_hans": "清河镇通知", "body_hans": "镇里的事"},
        NOTICE,
        {"region": "990101001002", "title_hans": "西塘村通知", "body_hans": "别的村"},
    ):
        assert (await client.post("/api/v1/notices", json=notice, headers=staff)).status_code == 201
    assert (
        await client.post(
            "/api/v1/notices",
            json={"region": "990101002", "title_hans": "白石乡通知", "body_hans": "别的乡"},
            headers=admin,
        )
    ).status_code == 201
    mine = (await client.get("/api/v1/notices", headers=await auth.role("resident"))).json()["items"]
    assert [n["title"] for n in mine] == ["东山村医保缴费通知", "清河镇通知"]
    everyone = (await client.get("/api/v1/notices")).json()["items"]
    assert len(everyone) == 4


async def test_notices_are_paged(client, auth):
    staff = await auth.role("staff")
    for i in range(23):
        await client.post("/api/v1/notices", json={**NOTICE, "title_hans": f"通知{i}"}, headers=staff)
    first = (await client.get("/api/v1/notices?region=990101001001")).json()
    assert len(first["items"]) == 20 and first["next_cursor"]
    second = (await client.get(f"/api/v1/notices?region=990101001001&cursor={first['next_cursor']}")).json()
    assert [n["title"] for n in second["items"]] == ["通知2", "通知1", "通知0"] and second["next_cursor"] is None


async def test_staff_cannot_post_outside_their_township_or_to_a_grid(client, auth):
    staff = await auth.role("staff")
    elsewhere = await client.post("/api/v1/notices", json={**NOTICE, "region": "990101002001"}, headers=staff)
    assert elsewhere.status_code == 403
    grid = await client.post("/api/v1/notices", json={**NOTICE, "region": "990101001001001"}, headers=staff)
    assert grid.status_code == 400


async def test_residents_cannot_post_notices(client, auth):
    response = await client.post("/api/v1/notices", json=NOTICE, headers=await auth.role("resident"))
    assert response.status_code == 403 and error_code(response) == "auth.forbidden"


async def test_unknown_region_is_not_found(client):
    assert (await client.get("/api/v1/notices?region=990101009")).status_code == 404
