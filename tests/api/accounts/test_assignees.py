"""GET /users/assignees: whom staff may dispatch a case to (the desk's 派单 picker)."""

import pytest

from tests.api.cases.helpers import GRID_A, GRID_B, GRID_OTHER_TOWN, add_user, move, submit
from tests.conftest import error_code

VILLAGE_A = GRID_A[:12]


async def test_staff_see_the_grid_workers_and_staff_of_their_township_only(client, auth):
    other_worker, _ = await add_user(client, auth, "grid_worker", GRID_OTHER_TOWN, "白石网格员")
    worker_b, _ = await add_user(client, auth, "grid_worker", GRID_B, "西塘网格员")
    listing = await client.get("/api/v1/users/assignees", headers=await auth.role("staff"))
    assert listing.status_code == 200, listing.text
    items = listing.json()["items"]
    ids = {item["id"] for item in items}
    assert worker_b in ids and other_worker not in ids
    assert {item["role"] for item in items} == {"grid_worker", "staff"}
    # Grid workers first, and no phone numbers in the picker.
    assert [item["role"] for item in items] == sorted(
        (item["role"] for item in items), key=["grid_worker", "staff"].index
    )
    assert all("phone" not in item for item in items)


async def test_a_region_narrows_the_list_to_who_may_take_a_case_there(client, auth):
    worker_b, _ = await add_user(client, auth, "grid_worker", GRID_B, "西塘网格员")
    village_worker, _ = await add_user(client, auth, "grid_worker", VILLAGE_A, "东山村网格员")
    staff = await auth.role("staff")
    items = (await client.get(f"/api/v1/users/assignees?region={GRID_A}", headers=staff)).json()["items"]
    ids = {item["id"] for item in items}
    assert village_worker in ids and worker_b not in ids
    assert any(item["role"] == "staff" for item in items)
    # Everyone offered is accepted by the assign transition.
    case = (await submit(client, await auth.role("resident"))).json()
    assert (await move(client, staff, case["id"], "accept")).status_code == 200
    assigned = await move(client, staff, case["id"], "assign", assignee_id=village_worker)
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["assignee"]["id"] == village_worker


async def test_a_region_outside_the_township_is_not_found(client, auth):
    response = await client.get(f"/api/v1/users/assignees?region={GRID_OTHER_TOWN}", headers=await auth.role("staff"))
    assert response.status_code == 404


async def test_admins_see_the_whole_county(client, auth):
    other_worker, _ = await add_user(client, auth, "grid_worker", GRID_OTHER_TOWN, "白石网格员")
    items = (await client.get("/api/v1/users/assignees", headers=await auth.role("admin"))).json()["items"]
    assert other_worker in {item["id"] for item in items}


async def test_inactive_users_are_not_offered(client, auth):
    worker_b, _ = await add_user(client, auth, "grid_worker", GRID_B, "离职网格员")
    patched = await client.patch(f"/api/v1/users/{worker_b}", json={"active": False}, headers=await auth.role("admin"))
    assert patched.status_code == 200, patched.text
    items = (await client.get("/api/v1/users/assignees", headers=await auth.role("staff"))).json()["items"]
    assert worker_b not in {item["id"] for item in items}


@pytest.mark.parametrize("role", ["resident", "grid_worker"])
async def test_residents_and_grid_workers_cannot_list_assignees(client, auth, role):
    response = await client.get("/api/v1/users/assignees", headers=await auth.role(role))
    assert response.status_code == 403
    assert error_code(response) == "auth.forbidden"
