"""上门服务 / 全程代办: capacity, eligibility, family links, leave, the document ledger."""

import asyncio
import io
from datetime import UTC, datetime

from PIL import Image

from backend.bookings.jobs import remind_tomorrow
from backend.notifications import service as notifications
from tests.api.cases.helpers import GRID_A, add_user, move, user_id
from tests.conftest import error_code

DAY = "2026-11-25"  # a Wednesday, two days after the test clock's Monday
SERVICE = "OLD-001"


async def _service_code(client) -> str:
    items = (await client.get("/api/v1/services", params={"channel": "door_to_door"})).json()["items"]
    return items[0]["code"]


async def _slot(client, headers, capacity=1, kind="visit", day=DAY, half="am"):
    response = await client.post(
        "/api/v1/slots", json={"date": day, "half_day": half, "kind": kind, "capacity": capacity}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def _book(client, headers, slot_id, service, key=None, **fields):
    extra = {"Idempotency-Key": key} if key else {}
    body = {"slot_id": slot_id, "kind": "visit", "service_code": service, **fields}
    return await client.post("/api/v1/bookings", json=body, headers={**headers, **extra})


async def _proxy_booking(client, resident, worker) -> dict:
    """The resident books a full proxy service in a fresh slot of capacity 1."""
    service = (await client.get("/api/v1/services", params={"channel": "proxy"})).json()["items"][0]["code"]
    slot = await _slot(client, worker, capacity=1, kind="proxy")
    response = await client.post(
        "/api/v1/bookings", json={"slot_id": slot["id"], "kind": "proxy", "service_code": service}, headers=resident
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_elderly_resident_books_a_visit_which_creates_its_case(client, auth):
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    service = await _service_code(client)
    slot = await _slot(client, worker, capacity=2)
    response = await _book(client, resident, slot["id"], service, note="腿脚不便，请上门")
    assert response.status_code == 201, response.text
    booking = response.json()
    assert booking["status"] == "booked" and booking["slot"]["free"] == 1
    case = (await client.get(f"/api/v1/cases/{booking['case_id']}", headers=resident)).json()
    assert case["kind"] == "visit" and case["service_code"] == service and case["region"]["code"] == GRID_A
    assert [e["action"] for e in case["timeline"]] == ["submit", "booking_made"]
    free = (await client.get("/api/v1/slots", params={"from": DAY, "to": DAY}, headers=resident)).json()["items"]
    assert [s["free"] for s in free] == [1]


async def test_twenty_people_racing_for_the_last_place_leaves_one_booking(client, auth):
    worker, staff = await auth.role("grid_worker"), await auth.role("staff")
    service = await _service_code(client)
    slot = await _slot(client, worker, capacity=1)
    residents = []
    for _ in range(20):
        _, headers = await add_user(client, auth, "resident", GRID_A)
        resident_id = await user_id(client, headers)
        await client.patch(f"/api/v1/users/{resident_id}", json={"flags": ["elderly"]}, headers=staff)
        residents.append(headers)
    responses = await asyncio.gather(*(_book(client, h, slot["id"], service) for h in residents))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 19
    refused = next(r for r in responses if r.status_code == 409)
    assert error_code(refused) == "booking.slot_full" and "约满" in refused.json()["error"]["message"]
    slots = (await client.get("/api/v1/slots", params={"from": DAY, "to": DAY}, headers=worker)).json()["items"]
    assert slots == []  # full: no longer offered
    cases = (await client.get("/api/v1/cases?kind=visit&limit=100", headers=staff)).json()["items"]
    assert len(cases) == 1


async def test_cancel_frees_the_place_and_withdraws_the_case_then_rebook(client, auth):
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    service = await _service_code(client)
    slot = await _slot(client, worker, capacity=1)
    first = (await _book(client, resident, slot["id"], service)).json()
    assert (await _book(client, resident, slot["id"], service)).status_code == 409
    cancelled = await client.post(f"/api/v1/bookings/{first['id']}/cancel", headers=resident)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    case = (await client.get(f"/api/v1/cases/{first['case_id']}", headers=resident)).json()
    assert case["status"] == "cancelled" and case["timeline"][-1]["action"] == "cancel"
    again = await client.post(f"/api/v1/bookings/{first['id']}/cancel", headers=resident)
    assert again.status_code == 409
    rebooked = await _book(client, resident, slot["id"], service)
    assert rebooked.status_code == 201


async def test_residents_without_flags_need_a_staff_exception(client, auth):
    worker, staff = await auth.role("grid_worker"), await auth.role("staff")
    service = await _service_code(client)
    slot = await _slot(client, worker, capacity=3)
    young_id, young = await add_user(client, auth, "resident", GRID_A)
    refused = await _book(client, young, slot["id"], service)
    assert refused.status_code == 403 and error_code(refused) == "booking.not_eligible"
    assert "申请例外" in refused.json()["error"]["message"]
    no_reason = await client.post(
        "/api/v1/bookings/eligibility-overrides", json={"resident_id": young_id, "reason": ""}, headers=staff
    )
    assert no_reason.status_code == 400
    granted = await client.post(
        "/api/v1/bookings/eligibility-overrides",
        json={"resident_id": young_id, "reason": "术后卧床三个月"},
        headers=staff,
    )
    assert granted.status_code == 204
    assert (await _book(client, young, slot["id"], service)).status_code == 201


async def test_son_in_the_city_acts_for_his_mother_only_after_confirmation(client, auth):
    mother, worker = await auth.role("resident"), await auth.role("grid_worker")
    mother_id = await user_id(client, mother)
    service = await _service_code(client)
    slot = await _slot(client, worker, capacity=2)
    _, son = await add_user(client, auth, "resident", "990101002001001", name="王志强")
    link = (
        await client.post("/api/v1/family-links", json={"phone": "13800000001", "relation": "母亲"}, headers=son)
    ).json()
    assert link["status"] == "pending"
    early = await _book(client, son, slot["id"], service, resident_id=mother_id)
    assert early.status_code == 400 and error_code(early) == "booking.not_linked"
    assert (await client.post(f"/api/v1/family-links/{link['id']}/confirm", json={}, headers=son)).status_code == 409
    no_check = await client.post(f"/api/v1/family-links/{link['id']}/confirm", json={}, headers=worker)
    assert no_check.status_code == 400
    confirmed = await client.post(
        f"/api/v1/family-links/{link['id']}/confirm", json={"identity_check": "home_visit"}, headers=worker
    )
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "active"
    booked = await _book(client, son, slot["id"], service, resident_id=mother_id)
    assert booked.status_code == 201, booked.text
    case_id = booked.json()["case_id"]
    # The mother sees it as hers; the son follows it; someone unlinked does not.
    assert (await client.get(f"/api/v1/cases/{case_id}", headers=mother)).json()["resident"]["name"] == "王秀英"
    assert case_id in [c["id"] for c in (await client.get("/api/v1/cases", headers=son)).json()["items"]]
    _, stranger = await add_user(client, auth, "resident", GRID_A)
    assert (await client.get(f"/api/v1/cases/{case_id}", headers=stranger)).status_code == 404
    # The son may do what the mother may (cancel), but not what staff do.
    assert (await move(client, son, case_id, "accept")).status_code == 409
    assert (await client.post(f"/api/v1/bookings/{booked.json()['id']}/cancel", headers=son)).status_code == 200


async def test_relative_confirms_the_link_herself(client, auth):
    mother = await auth.role("resident")
    _, son = await add_user(client, auth, "resident", GRID_A)
    link = (
        await client.post("/api/v1/family-links", json={"phone": "13800000001", "relation": "母亲"}, headers=son)
    ).json()
    mine = (await client.get("/api/v1/family-links", headers=mother)).json()["items"]
    assert [item["id"] for item in mine] == [link["id"]]
    confirmed = await client.post(f"/api/v1/family-links/{link['id']}/confirm", json={}, headers=mother)
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "active"
    dup = await client.post("/api/v1/family-links", json={"phone": "13800000001", "relation": "妈妈"}, headers=son)
    assert dup.status_code == 409


async def test_leave_moves_bookings_to_the_backup_or_flags_them(client, auth):
    resident, worker, staff = await auth.role("resident"), await auth.role("grid_worker"), await auth.role("staff")
    service = await _service_code(client)
    backup_id, _backup = await add_user(client, auth, "grid_worker", "990101001001002", name="AB岗赵敏")
    pattern = await client.put("/api/v1/slots/pattern", json={"items": [], "backup_id": backup_id}, headers=worker)
    assert pattern.status_code == 200, pattern.text
    slot = await _slot(client, worker, capacity=2)
    booking = (await _book(client, resident, slot["id"], service)).json()
    closed = await client.patch(
        f"/api/v1/slots/{slot['id']}", json={"status": "closed", "reason": "病假"}, headers=worker
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    moved = (await client.get(f"/api/v1/bookings/{booking['id']}", headers=resident)).json()
    assert moved["slot"]["worker_id"] == backup_id and moved["slot"]["date"] == DAY and moved["status"] == "booked"
    assert [n["kind"] for n in await notifications.for_user(backup_id)] == ["booking.covering"]
    case = (await client.get(f"/api/v1/cases/{booking['case_id']}", headers=resident)).json()
    assert case["timeline"][-1]["action"] == "booking_moved"
    # Without a backup, the booking waits for staff.
    _lone_id, lone = await add_user(client, auth, "grid_worker", GRID_A, name="无备岗")
    lone_slot = await _slot(client, lone, capacity=1, half="pm")
    lone_booking = (await _book(client, resident, lone_slot["id"], service)).json()
    await client.patch(f"/api/v1/slots/{lone_slot['id']}", json={"status": "closed"}, headers=lone)
    waiting = (await client.get("/api/v1/bookings?status=needs_slot", headers=staff)).json()["items"]
    assert [b["id"] for b in waiting] == [lone_booking["id"]]


async def test_document_ledger_with_confirmation_and_supervision(client, auth, clock):
    resident, worker, staff = await auth.role("resident"), await auth.role("grid_worker"), await auth.role("staff")
    booking = await _proxy_booking(client, resident, worker)
    case_id = booking["case_id"]
    clock.set(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))
    assert (
        await client.post(f"/api/v1/bookings/{booking['id']}/check-in", json={"note": "到家"}, headers=worker)
    ).status_code == 200
    received = await client.post(
        f"/api/v1/cases/{case_id}/handovers",
        json={"items": [{"name": "户口簿", "count": 1}, {"name": "身份证复印件", "count": 2}], "direction": "received"},
        headers=worker,
    )
    assert received.status_code == 201, received.text
    handover = received.json()
    assert handover["direction_label"] == "收取材料" and handover["confirmed_at"] is None
    # A reader of Traditional sees the typed document names in Traditional too.
    assert (await client.patch("/api/v1/me", json={"locale": "zh-Hant"}, headers=resident)).status_code == 200
    hant = (await client.get(f"/api/v1/cases/{case_id}/handovers", headers=resident)).json()
    assert [item["name"] for item in hant["items"][0]["items"]] == ["戶口簿", "身份證複印件"]
    assert (await client.patch("/api/v1/me", json={"locale": "zh-Hans"}, headers=resident)).status_code == 200
    assert (
        await client.post(f"/api/v1/bookings/{booking['id']}/check-out", json={"note": "材料已带走"}, headers=worker)
    ).status_code == 200
    clock.travel(days=1)
    assert (await client.get("/api/v1/handovers/unconfirmed", headers=staff)).json()["items"] == []
    clock.travel(days=2)
    late = (await client.get("/api/v1/handovers/unconfirmed", headers=staff)).json()["items"]
    assert [h["id"] for h in late] == [handover["id"]]
    assert (
        await client.post(f"/api/v1/cases/{case_id}/handovers/{handover['id']}/confirm", headers=worker)
    ).status_code == 409
    confirmed = await client.post(f"/api/v1/cases/{case_id}/handovers/{handover['id']}/confirm", headers=resident)
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_at"] is not None
    assert (await client.get("/api/v1/handovers/unconfirmed", headers=staff)).json()["items"] == []
    timeline = (await client.get(f"/api/v1/cases/{case_id}", headers=resident)).json()["timeline"]
    assert [e["action"] for e in timeline] == [
        "submit",
        "booking_made",
        "visit_check_in",
        "handover_received",
        "visit_check_out",
        "handover_confirmed",
    ]
    assert timeline[3]["note"] == "户口簿×1、身份证复印件×2"


async def test_reminder_the_day_before_fires_once(client, auth, clock):
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    service = await _service_code(client)
    slot = await _slot(client, worker, capacity=1)
    booking = (await _book(client, resident, slot["id"], service)).json()
    tz = __import__("zoneinfo").ZoneInfo("Asia/Shanghai")
    assert await remind_tomorrow(clock.now(), tz) == 0  # Monday: the visit is Wednesday
    clock.set(datetime(2026, 11, 24, 1, 0, tzinfo=UTC))  # Tuesday 09:00 in Beijing
    counts = await asyncio.gather(remind_tomorrow(clock.now(), tz), remind_tomorrow(clock.now(), tz))
    assert sum(counts) == 1
    reminders = await notifications.for_user(booking["resident_id"], "booking.reminder")
    assert len(reminders) == 1


async def test_weekly_pattern_makes_slots_on_working_days(client, auth):
    worker = await auth.role("grid_worker")
    pattern = {"items": [{"weekday": 1, "half_day": "pm", "kind": "visit", "capacity": 3}]}  # Tuesdays
    assert (await client.put("/api/v1/slots/pattern", json=pattern, headers=worker)).status_code == 200
    slots = (
        await client.get("/api/v1/slots", params={"from": "2026-11-23", "to": "2026-12-07"}, headers=worker)
    ).json()
    assert [(s["date"], s["half_day"], s["capacity"]) for s in slots["items"]] == [
        ("2026-11-24", "pm", 3),
        ("2026-12-01", "pm", 3),
    ]
    again = await client.put("/api/v1/slots/pattern", json=pattern, headers=worker)
    assert again.status_code == 200
    assert (
        len(
            (
                await client.get("/api/v1/slots", params={"from": "2026-11-23", "to": "2026-12-07"}, headers=worker)
            ).json()["items"]
        )
        == 2
    )


async def test_grid_worker_books_for_a_resident_recording_the_identity_check(client, auth):
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    resident_id = await user_id(client, resident)
    service = await _service_code(client)
    slot = await _slot(client, worker, capacity=1)
    no_check = await _book(client, worker, slot["id"], service, resident_id=resident_id)
    assert no_check.status_code == 400 and error_code(no_check) == "case.identity_check_required"
    booked = await _book(client, worker, slot["id"], service, resident_id=resident_id, identity_check="phone")
    assert booked.status_code == 201, booked.text
    case = (await client.get(f"/api/v1/cases/{booked.json()['case_id']}", headers=resident)).json()
    assert case["identity_check"] == "phone" and case["submitted_by"]["role"] == "grid_worker"
    assert booked.json()["resident_id"] == resident_id
    for_self = await _book(client, worker, slot["id"], service)
    assert for_self.status_code == 400


async def test_check_out_carries_the_visit_photos_onto_the_timeline(client, auth):
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    service = await _service_code(client)
    slot = await _slot(client, worker, capacity=1)
    booking = (await _book(client, resident, slot["id"], service)).json()
    picture = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 120, 40)).save(picture, "JPEG")
    upload = await client.post(
        "/api/v1/media", files={"file": ("visit.jpg", picture.getvalue(), "image/jpeg")}, headers=worker
    )
    assert upload.status_code == 201, upload.text
    photo_id, photo_url = upload.json()["id"], upload.json()["url"]
    await client.post(f"/api/v1/bookings/{booking['id']}/check-in", json={}, headers=worker)
    done = await client.post(
        f"/api/v1/bookings/{booking['id']}/check-out",
        json={"note": "已帮老人填表", "media": [photo_id]},
        headers=worker,
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    last = (await client.get(f"/api/v1/cases/{booking['case_id']}", headers=resident)).json()["timeline"][-1]
    assert last["action"] == "visit_check_out" and last["media"] == [photo_id]
    photo = await client.get(photo_url.split("?")[0], headers=resident)
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"


async def test_reminder_text_names_the_service_and_the_half_day(client, auth, clock, sms):
    resident = await auth.role("resident")
    service = await _service_code(client)
    slot = await _slot(client, await auth.role("grid_worker"), capacity=1, half="pm")
    booking = (await _book(client, resident, slot["id"], service)).json()
    clock.set(datetime(2026, 11, 24, 1, 0, tzinfo=UTC))
    await remind_tomorrow(clock.now(), __import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    payload = (await notifications.for_user(booking["resident_id"], "booking.reminder"))[0]["payload"]
    assert '"when":"2026-11-25 下午"' in payload.replace(" ", " ") and '"title"' in payload
    inbox = (await client.get("/api/v1/notifications", headers=resident)).json()["items"]
    assert inbox[0]["body"].startswith("事项 BM-") and "2026-11-25" in inbox[0]["body"]


async def test_handover_confirmation_repeated_with_its_key_answers_the_same_and_logs_once(client, auth):
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    booking = await _proxy_booking(client, resident, worker)
    case_id = booking["case_id"]
    handover = (
        await client.post(
            f"/api/v1/cases/{case_id}/handovers",
            json={"items": [{"name": "户口簿", "count": 1}], "direction": "returned"},
            headers=worker,
        )
    ).json()
    url = f"/api/v1/cases/{case_id}/handovers/{handover['id']}/confirm"
    keyed = {**resident, "Idempotency-Key": "phone-outbox-1"}
    first = await client.post(url, headers=keyed)
    retry = await client.post(url, headers=keyed)
    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json() and first.json()["confirmed_at"] is not None
    assert (await client.post(url, headers=resident)).status_code == 409  # a new confirmation, not a retry
    timeline = (await client.get(f"/api/v1/cases/{case_id}", headers=resident)).json()["timeline"]
    assert [e["action"] for e in timeline].count("handover_confirmed") == 1
