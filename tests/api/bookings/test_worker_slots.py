"""The grid worker's own week (GET /slots/mine) and visits recorded from an offline outbox."""

import uuid

from tests.api.bookings.test_bookings import DAY, _book, _service_code, _slot
from tests.api.cases.helpers import GRID_A, add_user
from tests.conftest import error_code


async def test_my_slots_show_full_and_closed_ones_that_the_free_list_leaves_out(client, auth):
    worker, resident = await auth.role("grid_worker"), await auth.role("resident")
    service = await _service_code(client)
    full = await _slot(client, worker, capacity=1, half="am")
    closed = await _slot(client, worker, capacity=2, half="pm")
    assert (await _book(client, resident, full["id"], service)).status_code == 201
    await client.patch(f"/api/v1/slots/{closed['id']}", json={"status": "closed", "reason": "病假"}, headers=worker)

    free = (await client.get("/api/v1/slots", params={"from": DAY, "to": DAY}, headers=worker)).json()["items"]
    assert free == []
    mine = await client.get("/api/v1/slots/mine", params={"from": DAY, "to": DAY}, headers=worker)
    assert mine.status_code == 200, mine.text
    assert [(s["half_day"], s["status"], s["booked"]) for s in mine.json()["items"]] == [
        ("am", "open", 1),
        ("pm", "closed", 0),
    ]
    # Without dates: from today for the two weeks the pattern fills.
    assert len((await client.get("/api/v1/slots/mine", headers=worker)).json()["items"]) == 2


async def test_my_slots_are_only_mine_and_only_for_grid_workers(client, auth):
    worker = await auth.role("grid_worker")
    await _slot(client, worker)
    _, colleague = await add_user(client, auth, "grid_worker", GRID_A)
    assert (await client.get("/api/v1/slots/mine", headers=colleague)).json()["items"] == []
    refused = await client.get("/api/v1/slots/mine", headers=await auth.role("resident"))
    assert refused.status_code == 403 and error_code(refused) == "auth.forbidden"


async def test_a_check_in_and_check_out_resent_with_their_keys_get_the_first_answer(client, auth):
    worker, resident = await auth.role("grid_worker"), await auth.role("resident")
    slot = await _slot(client, worker, capacity=1)
    booking = (await _book(client, resident, slot["id"], await _service_code(client))).json()
    for step, status in (("check-in", "checked_in"), ("check-out", "done")):
        key = {"Idempotency-Key": str(uuid.uuid4())}
        body = {"note": f"{step} 记录"}
        first = await client.post(f"/api/v1/bookings/{booking['id']}/{step}", json=body, headers={**worker, **key})
        again = await client.post(f"/api/v1/bookings/{booking['id']}/{step}", json=body, headers={**worker, **key})
        assert first.status_code == again.status_code == 200, again.text
        assert first.json() == again.json() and again.json()["status"] == status
    case = (await client.get(f"/api/v1/cases/{booking['case_id']}", headers=worker)).json()
    steps = [event["action"] for event in case["timeline"]]
    assert steps.count("visit_check_in") == 1 and steps.count("visit_check_out") == 1
    # Without a key a second check-out is still refused.
    twice = await client.post(f"/api/v1/bookings/{booking['id']}/check-out", json={}, headers=worker)
    assert twice.status_code == 409
