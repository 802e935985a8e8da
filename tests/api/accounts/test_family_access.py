"""Ending a family link ends the relative's access to what they filed for the elder.

The attack: a son files a case and books a visit for his mother, the link is revoked
(she ended it, or he did), and he keeps reading her case — later steps, the worker's
photos, her address and phone — and her booking. Access comes from a live link only.
"""

from tests.api.cases.helpers import GRID_A, add_user, move, submit, user_id
from tests.api.media.helpers import photo

MISSING = 987654321
DAY = "2026-11-25"  # a Wednesday, two days after the test clock's Monday


async def _link(client, son, mother) -> int:
    link = await client.post("/api/v1/family-links", json={"phone": "13800000001", "relation": "母亲"}, headers=son)
    assert link.status_code == 201, link.text
    confirmed = await client.post(f"/api/v1/family-links/{link.json()['id']}/confirm", json={}, headers=mother)
    assert confirmed.status_code == 200, confirmed.text
    return link.json()["id"]


async def _reads(client, son, case_id: int, booking_id: int, photo_url: str) -> dict[str, int]:
    """Every read of the elder's case and booking, by status (lists: 200 listed, 404 absent)."""
    listed_cases = [c["id"] for c in (await client.get("/api/v1/cases?limit=100", headers=son)).json()["items"]]
    listed_bookings = [b["id"] for b in (await client.get("/api/v1/bookings", headers=son)).json()["items"]]
    return {
        "case": (await client.get(f"/api/v1/cases/{case_id}", headers=son)).status_code,
        "case list": 200 if case_id in listed_cases else 404,
        "rating": (await client.get(f"/api/v1/cases/{case_id}/rating", headers=son)).status_code,
        "handovers": (await client.get(f"/api/v1/cases/{case_id}/handovers", headers=son)).status_code,
        "photo link": (await client.get(photo_url)).status_code,
        "photo": (await client.get(photo_url.split("?")[0], headers=son)).status_code,
        "booking": (await client.get(f"/api/v1/bookings/{booking_id}", headers=son)).status_code,
        "booking list": 200 if booking_id in listed_bookings else 404,
    }


async def test_a_revoked_link_ends_every_read_of_what_the_relative_filed(client, auth):
    mother, worker, staff = await auth.role("resident"), await auth.role("grid_worker"), await auth.role("staff")
    mother_id, worker_id = await user_id(client, mother), await user_id(client, worker)
    son_id, son = await add_user(client, auth, "resident", GRID_A, name="王志强")
    link_id = await _link(client, son, mother)
    picture = await photo(client, son)
    case = await submit(client, son, resident_id=mother_id, media=[picture["id"]], address="东山村3组12号")
    assert case.status_code == 201, case.text
    case_id = case.json()["id"]
    assert case.json()["resident"]["id"] == mother_id and case.json()["submitted_by"]["id"] == son_id
    service = (await client.get("/api/v1/services", params={"channel": "door_to_door"})).json()["items"][0]["code"]
    slot = await client.post(
        "/api/v1/slots", json={"date": DAY, "half_day": "am", "kind": "visit", "capacity": 2}, headers=worker
    )
    booking = await client.post(
        "/api/v1/bookings",
        json={"slot_id": slot.json()["id"], "kind": "visit", "service_code": service, "resident_id": mother_id},
        headers=son,
    )
    assert booking.status_code == 201, booking.text
    booking_id = booking.json()["id"]
    seen = (await client.get(f"/api/v1/cases/{case_id}", headers=son)).json()
    photo_url = seen["timeline"][0]["photos"][0]["url"]
    assert set((await _reads(client, son, case_id, booking_id, photo_url)).values()) == {200}

    gone = await client.delete(f"/api/v1/family-links/{link_id}", headers=mother)
    assert gone.status_code == 204
    # Later steps: accepted, assigned, a worker's photo and a request for information.
    worker_photo = await photo(client, worker)
    for who, action, extra in (
        (staff, "accept", {}),
        (staff, "assign", {"assignee_id": worker_id}),
        (worker, "start", {"media": [worker_photo["id"]]}),
        (worker, "request_info", {"note": "请补充户口簿"}),
    ):
        moved = await move(client, who, case_id, action, **extra)
        assert moved.status_code == 200, moved.text

    reads = await _reads(client, son, case_id, booking_id, photo_url)
    assert reads == dict.fromkeys(reads, 404), reads
    # Exactly what a case, booking and photo that do not exist answer.
    for path in (f"/api/v1/cases/{case_id}", f"/api/v1/bookings/{booking_id}", f"/api/v1/media/{picture['id']}"):
        answer = await client.get(path, headers=son)
        missing = await client.get(path.rsplit("/", 1)[0] + f"/{MISSING}", headers=son)
        assert (answer.status_code, answer.content) == (missing.status_code, missing.content), path
    worker_picture = await client.get(f"/api/v1/media/{worker_photo['id']}", headers=son)
    assert worker_picture.status_code == 404
    # Nothing about the later steps reaches him; his mother is told.
    inbox = (await client.get("/api/v1/notifications", headers=son)).json()["items"]
    assert [n for n in inbox if n["case_id"] == case_id] == []
    hers = (await client.get("/api/v1/notifications", headers=mother)).json()["items"]
    assert {"case.accept", "case.request_info"} <= {n["kind"] for n in hers if n["case_id"] == case_id}
    # Acting goes too: he can no longer supply the information or cancel the booking.
    assert (await move(client, son, case_id, "supply_info", note="已补")).status_code == 404
    assert (await client.post(f"/api/v1/bookings/{booking_id}/cancel", headers=son)).status_code == 404

    # Linked again (she confirms once more), he follows her case again.
    await _link(client, son, mother)
    assert set((await _reads(client, son, case_id, booking_id, photo_url)).values()) == {200}
    again = (await client.get(f"/api/v1/cases/{case_id}", headers=son)).json()
    assert [e["action"] for e in again["timeline"]][-1] == "request_info"


async def test_a_relative_who_ends_the_link_himself_keeps_nothing_either(client, auth):
    mother = await auth.role("resident")
    mother_id = await user_id(client, mother)
    _, son = await add_user(client, auth, "resident", GRID_A)
    link_id = await _link(client, son, mother)
    case_id = (await submit(client, son, resident_id=mother_id)).json()["id"]
    assert (await client.delete(f"/api/v1/family-links/{link_id}", headers=son)).status_code == 204
    assert (await client.get(f"/api/v1/cases/{case_id}", headers=son)).status_code == 404
    assert (await client.get("/api/v1/cases", headers=son)).json()["items"] == []
    # The elder keeps her case, and it still says who filed it.
    hers = (await client.get(f"/api/v1/cases/{case_id}", headers=mother)).json()
    assert hers["submitted_by"]["name"].startswith("resident-")
