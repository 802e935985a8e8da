"""时限中止: request_info stops the case clock, supply_info restarts it and moves the deadline."""

from datetime import UTC, datetime

from backend.cases.jobs import run_timers

from .helpers import move, submit, user_id
from .test_supervision import _service_with_limit, end_of_day_utc, parse


async def _in_progress(client, auth, clock, when: datetime, days: int = 5) -> tuple[int, dict, dict]:
    code = await _service_with_limit(client, auth, days)
    clock.set(when)
    resident, staff, worker = await auth.role("resident"), await auth.role("staff"), await auth.role("grid_worker")
    case_id = (await submit(client, resident, service_code=code)).json()["id"]
    assert (await move(client, staff, case_id, "accept")).status_code == 200
    assert (await move(client, staff, case_id, "assign", assignee_id=await user_id(client, worker))).status_code == 200
    assert (await move(client, worker, case_id, "start")).status_code == 200
    return case_id, resident, worker


async def _detail(client, headers, case_id) -> dict:
    response = await client.get(f"/api/v1/cases/{case_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_pause_over_a_weekend_and_a_holiday_moves_the_deadline_by_its_working_days(client, auth, clock):
    # The county closes on Monday 30 November 2026 (an admin's override).
    put = await client.put(
        "/api/v1/holidays",
        json={"year": 2026, "items": [{"date": "2026-11-30", "is_workday": False, "note": "县里放假"}]},
        headers=await auth.role("admin"),
    )
    assert put.status_code == 200, put.text
    # Accepted Monday 23 November (10:00 local), 5 working days: 24, 25, 26, 27 Nov and 1 Dec.
    case_id, resident, worker = await _in_progress(client, auth, clock, datetime(2026, 11, 23, 2, tzinfo=UTC))
    staff = await auth.role("staff")
    assert parse((await _detail(client, staff, case_id))["deadline"]) == end_of_day_utc(2026, 12, 1)
    assert (await _detail(client, staff, case_id))["remaining_working_days"] == 5  # today not counted
    clock.set(datetime(2026, 11, 26, 2, tzinfo=UTC))  # Thursday
    assert (await move(client, worker, case_id, "request_info", note="请补充户口簿照片")).status_code == 200
    paused = await _detail(client, staff, case_id)
    assert paused["paused"] is True and paused["signal"] == "paused"
    assert paused["pauses"] == [
        {"started_at": "2026-11-26T02:00:00Z", "ended_at": None, "working_days": None, "hours": None}
    ]
    assert paused["remaining_working_days"] == 2  # Friday and Tuesday (Monday is off), as on Thursday

    # Past the old deadline while paused: neither overdue nor due soon, in no such list, no timer fires.
    clock.set(datetime(2026, 12, 2, 1, tzinfo=UTC))
    paused = await _detail(client, staff, case_id)
    assert (paused["overdue"], paused["due_soon"], paused["silent"]) == (False, False, False)
    assert paused["remaining_working_days"] == 2  # frozen while paused
    for query in ("overdue=true", "due_soon=true", "signal=overdue", "signal=silent", "signal=on_track"):
        listed = (await client.get(f"/api/v1/cases?{query}", headers=staff)).json()["items"]
        assert case_id not in [case["id"] for case in listed], query
    assert [
        case["id"] for case in (await client.get("/api/v1/cases?signal=paused", headers=staff)).json()["items"]
    ] == [case_id]
    assert case_id in [
        c["id"] for c in (await client.get("/api/v1/cases?overdue=false", headers=staff)).json()["items"]
    ]
    report = await run_timers(clock.now())
    assert (report.reminded, report.escalated, report.silent) == (0, 0, 0)

    # Supplied on Wednesday 2 December: Friday 27, Tuesday 1 and Wednesday 2 count (the weekend and
    # the county's holiday do not): the deadline moves 3 working days, from 1 to 4 December.
    clock.set(datetime(2026, 12, 2, 3, tzinfo=UTC))
    supplied = await move(client, resident, case_id, "supply_info", note="已经拍好了")
    assert supplied.status_code == 200, supplied.text
    resumed = await _detail(client, staff, case_id)
    assert parse(resumed["deadline"]) == end_of_day_utc(2026, 12, 4)
    assert resumed["paused"] is False and resumed["signal"] in ("on_track", "due_soon")
    assert resumed["pauses"][0]["working_days"] == 3 and resumed["pauses"][0]["ended_at"] == "2026-12-02T03:00:00Z"
    assert resumed["remaining_working_days"] == 2
    assert (await run_timers(clock.now())).escalated == 0


async def test_a_pause_within_one_day_moves_nothing_and_friday_to_monday_moves_one(client, auth, clock):
    case_id, resident, worker = await _in_progress(client, auth, clock, datetime(2026, 11, 16, 2, tzinfo=UTC))
    staff = await auth.role("staff")
    before = (await _detail(client, staff, case_id))["deadline"]
    clock.set(datetime(2026, 11, 17, 1, tzinfo=UTC))
    await move(client, worker, case_id, "request_info", note="请补充")
    clock.set(datetime(2026, 11, 17, 8, tzinfo=UTC))
    assert (await move(client, resident, case_id, "supply_info", note="补好了")).status_code == 200
    same_day = await _detail(client, staff, case_id)
    assert same_day["deadline"] == before and same_day["pauses"][0]["working_days"] == 0

    clock.set(datetime(2026, 11, 20, 8, tzinfo=UTC))  # Friday 16:00 local
    await move(client, worker, case_id, "request_info", note="还差一张照片")
    clock.set(datetime(2026, 11, 23, 1, tzinfo=UTC))  # Monday 09:00 local
    assert (await move(client, resident, case_id, "supply_info", note="照片在这里")).status_code == 200
    weekend = await _detail(client, staff, case_id)
    assert [p["working_days"] for p in weekend["pauses"]] == [0, 1]
    # 16 Nov + 5 working days is the 23rd; one working day later, the 24th.
    assert parse(before) == end_of_day_utc(2026, 11, 23)
    assert parse(weekend["deadline"]) == end_of_day_utc(2026, 11, 24)


async def test_a_reminder_still_due_after_a_pause_does_not_fire_twice(client, auth, clock):
    # Accepted Monday 16 Nov, 5 days: deadline end of Monday 23 Nov, due soon 80 % of the way.
    case_id, resident, worker = await _in_progress(client, auth, clock, datetime(2026, 11, 16, 2, tzinfo=UTC))
    staff = await auth.role("staff")
    clock.set(datetime(2026, 11, 23, 2, tzinfo=UTC))
    assert (await run_timers(clock.now())).reminded == 1
    await move(client, worker, case_id, "request_info", note="请补充")
    clock.set(datetime(2026, 11, 30, 2, tzinfo=UTC))  # a week later: 5 working days paused
    assert (await run_timers(clock.now())).reminded == 0
    await move(client, resident, case_id, "supply_info", note="补好了")
    moved = await _detail(client, staff, case_id)
    assert parse(moved["deadline"]) == end_of_day_utc(2026, 11, 30)
    assert moved["due_soon"] is True  # 80 % of the way from acceptance to the new deadline has passed too
    assert (await run_timers(clock.now())).reminded == 0
