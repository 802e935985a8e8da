"""GET /residents: a grid worker finds the residents of their own grids, by phone or name,
for proxy submission (代办); nobody outside them, and no full phone numbers."""

from tests.api.cases.helpers import GRID_A, GRID_B, GRID_OTHER_TOWN, add_user
from tests.conftest import DEMO, error_code


async def _resident(client, auth, region: str, name: str) -> int:
    user_id, _ = await add_user(client, auth, "resident", region, name)
    return user_id


async def test_grid_worker_lists_the_residents_of_their_grid_with_masked_phones(client, auth):
    neighbour = await _resident(client, auth, GRID_A, "刘大娘")
    await _resident(client, auth, GRID_B, "西塘居民")
    await _resident(client, auth, GRID_OTHER_TOWN, "白石居民")
    listing = await client.get("/api/v1/residents", headers=await auth.role("grid_worker"))
    assert listing.status_code == 200, listing.text
    items = listing.json()["items"]
    assert [item["name"] for item in items] == ["王秀英", "刘大娘"]
    demo = items[0]
    assert demo["phone_masked"] == "138****0001"
    assert DEMO["resident"] not in listing.text  # no full number anywhere in the answer
    assert demo["flags"] == ["elderly", "lives_alone"]
    assert demo["region"]["code"] == GRID_A
    assert items[1]["id"] == neighbour
    assert set(demo) == {"id", "name", "phone_masked", "region", "flags"}


async def test_grid_worker_finds_a_resident_by_full_phone_last_digits_or_name(client, auth):
    headers = await auth.role("grid_worker")
    by_phone = (await client.get("/api/v1/residents", params={"q": "138 0000 0001"}, headers=headers)).json()
    assert [item["name"] for item in by_phone["items"]] == ["王秀英"]
    by_tail = (await client.get("/api/v1/residents", params={"q": "0001"}, headers=headers)).json()
    assert [item["name"] for item in by_tail["items"]] == ["王秀英"]
    by_name = (await client.get("/api/v1/residents", params={"q": "秀英"}, headers=headers)).json()
    assert [item["name"] for item in by_name["items"]] == ["王秀英"]
    nobody = (await client.get("/api/v1/residents", params={"q": "%"}, headers=headers)).json()
    assert nobody["items"] == []  # a wildcard is not "everyone"


async def test_residents_outside_the_workers_grids_are_not_found(client, auth):
    await _resident(client, auth, GRID_B, "西塘居民")
    await _resident(client, auth, GRID_OTHER_TOWN, "白石居民")
    headers = await auth.role("grid_worker")
    for query in ("西塘居民", "白石居民"):
        found = await client.get("/api/v1/residents", params={"q": query}, headers=headers)
        assert found.status_code == 200
        assert found.json()["items"] == []
    # Another grid's worker does not see the demo resident either.
    _, other_worker = await add_user(client, auth, "grid_worker", GRID_B)
    other = (await client.get("/api/v1/residents", params={"q": DEMO["resident"]}, headers=other_worker)).json()
    assert other["items"] == []
    assert [item["name"] for item in (await client.get("/api/v1/residents", headers=other_worker)).json()["items"]] == [
        "西塘居民"
    ]


async def test_workers_and_staff_are_not_listed_and_staff_see_their_township(client, auth):
    await _resident(client, auth, GRID_B, "西塘居民")
    await _resident(client, auth, GRID_OTHER_TOWN, "白石居民")
    worker = (await client.get("/api/v1/residents", headers=await auth.role("grid_worker"))).json()
    assert "李建国" not in {item["name"] for item in worker["items"]}
    staff = (await client.get("/api/v1/residents", headers=await auth.role("staff"))).json()
    assert {item["name"] for item in staff["items"]} == {"王秀英", "西塘居民"}


async def test_residents_cannot_look_up_other_residents(client, auth):
    response = await client.get("/api/v1/residents", headers=await auth.role("resident"))
    assert response.status_code == 403
    assert error_code(response) == "auth.forbidden"
    assert (await client.get("/api/v1/residents")).status_code == 401


async def test_the_list_pages_by_cursor(client, auth):
    for index in range(3):
        await _resident(client, auth, GRID_A, f"居民{index}")
    headers = await auth.role("grid_worker")
    first = (await client.get("/api/v1/residents", params={"limit": 2}, headers=headers)).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = (
        await client.get("/api/v1/residents", params={"limit": 2, "cursor": first["next_cursor"]}, headers=headers)
    ).json()
    names = [item["name"] for item in first["items"] + rest["items"]]
    assert names == ["王秀英", "居民0", "居民1", "居民2"]
    assert rest["next_cursor"] is None
