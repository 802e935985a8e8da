"""GET /cases/{id} lists the moves the reader may make now; GET /cases/steps and
GET /bookings/steps give the rules themselves, for the field area's offline outbox."""

import pytest

from tests.api.ratings.helpers import rate

from .helpers import GRID_A, add_user, move, submit, user_id


async def _actions(client, headers, case_id):
    response = await client.get(f"/api/v1/cases/{case_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["actions"]


async def test_each_role_is_offered_exactly_its_moves_as_the_case_goes_along(client, auth):
    resident, staff, worker = await auth.role("resident"), await auth.role("staff"), await auth.role("grid_worker")
    case_id = (await submit(client, resident)).json()["id"]

    async def offered():
        return [await _actions(client, headers, case_id) for headers in (resident, staff, worker)]

    assert await offered() == [["cancel"], ["accept", "reject", "handover"], []]
    # An open case may be extended (延期) by staff in scope and by its assignee.
    await move(client, staff, case_id, "accept")
    assert await offered() == [[], ["assign", "handover", "remind", "extend"], []]
    await move(client, staff, case_id, "assign", assignee_id=await user_id(client, worker))
    assert await offered() == [[], ["reassign", "handover", "remind", "extend"], ["start", "extend"]]
    await move(client, worker, case_id, "start")
    assert await offered() == [[], ["reassign", "handover", "remind", "extend"], ["request_info", "resolve", "extend"]]
    await move(client, worker, case_id, "request_info", note="请补充户口簿照片")
    assert await offered() == [["supply_info"], ["reassign", "handover", "remind", "extend"], ["extend"]]
    await move(client, resident, case_id, "supply_info", note="已经拍好了")
    await move(client, worker, case_id, "resolve", note="已办好")
    assert await offered() == [["reopen"], [], []]


async def test_every_offered_move_goes_through(client, auth):
    resident, staff = await auth.role("resident"), await auth.role("staff")
    case_id = (await submit(client, resident)).json()["id"]
    for action in await _actions(client, staff, case_id):
        if action == "accept":
            assert (await move(client, staff, case_id, action)).status_code == 200
    assert await _actions(client, resident, case_id) == []
    refused = await move(client, resident, case_id, "cancel")
    assert refused.status_code == 409


async def test_a_linked_relative_is_offered_the_residents_moves_and_others_none(client, auth):
    mother = await auth.role("resident")
    _, son = await add_user(client, auth, "resident", GRID_A)
    link = await client.post("/api/v1/family-links", json={"phone": "13800000001", "relation": "母亲"}, headers=son)
    case_id = (await submit(client, mother)).json()["id"]
    assert (await client.get(f"/api/v1/cases/{case_id}", headers=son)).status_code == 404  # not confirmed yet
    confirmed = await client.post(f"/api/v1/family-links/{link.json()['id']}/confirm", json={}, headers=mother)
    assert confirmed.status_code == 200
    assert await _actions(client, son, case_id) == ["cancel"]
    assert (await move(client, son, case_id, "cancel")).json()["status"] == "cancelled"


async def test_reopen_is_offered_only_within_its_limits(client, auth, clock):
    resident, staff, worker = await auth.role("resident"), await auth.role("staff"), await auth.role("grid_worker")

    async def resolved():
        case_id = (await submit(client, resident)).json()["id"]
        await move(client, staff, case_id, "accept")
        await move(client, staff, case_id, "assign", assignee_id=await user_id(client, worker))
        await move(client, worker, case_id, "start")
        await move(client, worker, case_id, "resolve", note="已办好")
        return case_id

    good, bad, late = await resolved(), await resolved(), await resolved()
    assert (await rate(client, resident, good, score=5)).status_code == 201
    assert (await rate(client, resident, bad, score=1)).status_code == 201
    assert await _actions(client, resident, good) == []
    assert await _actions(client, resident, bad) == ["reopen"]
    clock.travel(days=6)
    assert await _actions(client, resident, late) == ["reopen"]
    clock.travel(days=10)
    assert await _actions(client, resident, late) == []
    assert (await move(client, resident, late, "reopen", note="还没办好")).status_code == 409


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
async def test_the_step_tables_are_public_and_match_the_rules(client, lang):
    cases = await client.get("/api/v1/cases/steps", headers={"Accept-Language": lang})
    assert cases.status_code == 200
    steps = {item["action"]: item for item in cases.json()["items"]}
    assert steps["start"] == {
        "action": "start",
        "from": ["assigned"],
        "to": "in_progress",
        "party": "assignee",
        "note_required": False,
    }
    assert steps["resolve"]["from"] == ["in_progress"] and steps["resolve"]["note_required"] is True
    assert steps["remind"]["to"] is None
    assert len(steps) == 12
    visits = await client.get("/api/v1/bookings/steps", headers={"Accept-Language": lang})
    assert visits.status_code == 200
    assert visits.json()["items"] == [
        {"action": "check_in", "from": ["booked"], "to": "checked_in", "party": "worker", "note_required": False},
        {"action": "check_out", "from": ["checked_in"], "to": "done", "party": "worker", "note_required": False},
    ]
