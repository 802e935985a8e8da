"""Who sees which case: two townships, two grids, two residents. Out of scope is 404."""

import pytest

from tests.conftest import error_code

from .helpers import GRID_A, GRID_B, GRID_OTHER_TOWN, add_user, move, submit


@pytest.fixture
async def world(client, auth):
    people = {
        "resident_a": await auth.role("resident"),
        "worker_a": await auth.role("grid_worker"),
        "staff_1": await auth.role("staff"),
        "admin": await auth.role("admin"),
    }
    _, people["resident_b"] = await add_user(client, auth, "resident", GRID_B)
    _, people["worker_b"] = await add_user(client, auth, "grid_worker", GRID_B)
    _, people["resident_c"] = await add_user(client, auth, "resident", GRID_OTHER_TOWN)
    _, people["staff_2"] = await add_user(client, auth, "staff", "990101002")
    cases = {
        "a": (await submit(client, people["resident_a"], region=GRID_A)).json(),
        "b": (await submit(client, people["resident_b"], region=GRID_B)).json(),
        "c": (await submit(client, people["resident_c"], region=GRID_OTHER_TOWN)).json(),
    }
    return people, cases


async def _ids(client, headers):
    return {c["id"] for c in (await client.get("/api/v1/cases", headers=headers)).json()["items"]}


async def test_each_role_lists_exactly_its_scope(client, world):
    people, cases = world
    ids = {name: case["id"] for name, case in cases.items()}
    assert await _ids(client, people["resident_a"]) == {ids["a"]}
    assert await _ids(client, people["resident_b"]) == {ids["b"]}
    assert await _ids(client, people["worker_a"]) == {ids["a"]}
    assert await _ids(client, people["worker_b"]) == {ids["b"]}
    assert await _ids(client, people["staff_1"]) == {ids["a"], ids["b"]}
    assert await _ids(client, people["staff_2"]) == {ids["c"]}
    assert await _ids(client, people["admin"]) == set(ids.values())


async def test_out_of_scope_case_is_404_for_reading_and_moving(client, world):
    people, cases = world
    for who, case in (("resident_a", "b"), ("worker_a", "b"), ("staff_1", "c"), ("staff_2", "a"), ("resident_c", "a")):
        case_id = cases[case]["id"]
        read = await client.get(f"/api/v1/cases/{case_id}", headers=people[who])
        assert read.status_code == 404 and error_code(read) == "not_found", (who, case)
        moved = await move(client, people[who], case_id, "accept")
        assert moved.status_code == 404, (who, case)
    missing = await client.get("/api/v1/cases/999999", headers=people["admin"])
    assert missing.status_code == 404


async def test_filters_narrow_the_list(client, world):
    people, cases = world
    staff = people["staff_1"]
    await move(client, staff, cases["a"]["id"], "accept")
    accepted = (await client.get("/api/v1/cases?status=accepted", headers=staff)).json()["items"]
    assert [c["id"] for c in accepted] == [cases["a"]["id"]]
    by_region = (await client.get(f"/api/v1/cases?region={GRID_B[:12]}", headers=staff)).json()["items"]
    assert [c["id"] for c in by_region] == [cases["b"]["id"]]
    assert (await client.get("/api/v1/cases?kind=complaint", headers=staff)).json()["items"] == []


async def test_lists_are_cursor_paged_newest_first(client, auth):
    resident = await auth.role("resident")
    for i in range(5):
        await submit(client, resident, title=f"第{i}件")
    first = (await client.get("/api/v1/cases?limit=2", headers=resident)).json()
    assert [c["title"] for c in first["items"]] == ["第4件", "第3件"] and first["next_cursor"]
    second = (await client.get(f"/api/v1/cases?limit=2&cursor={first['next_cursor']}", headers=resident)).json()
    assert [c["title"] for c in second["items"]] == ["第2件", "第1件"]
    third = (await client.get(f"/api/v1/cases?limit=2&cursor={second['next_cursor']}", headers=resident)).json()
    assert [c["title"] for c in third["items"]] == ["第0件"] and third["next_cursor"] is None


async def test_list_items_carry_no_phone_numbers(client, world):
    people, cases = world
    items = (await client.get("/api/v1/cases", headers=people["staff_1"])).json()["items"]
    assert items and all(item["resident"]["phone"] is None for item in items)
    detail = (await client.get(f"/api/v1/cases/{cases['a']['id']}", headers=people["staff_1"])).json()
    assert detail["resident"]["phone"] == "13800000001"
