"""限时办结 and 督办: working-day deadlines, due-soon reminders, the overdue list, timers."""

import asyncio
from datetime import UTC, datetime

import pytest

from backend.cases.jobs import run_timers
from backend.notifications import service as notifications

from .helpers import move, submit, user_id

SHANGHAI_END_OF_DAY = (15, 59, 59, 999999)  # 23:59:59.999999 in Asia/Shanghai, as UTC


def end_of_day_utc(year, month, day):
    return datetime(year, month, day, *SHANGHAI_END_OF_DAY, tzinfo=UTC)


async def _service_with_limit(client, auth, days: int) -> str:
    code = f"TST-{days:03d}"
    response = await client.post(
        "/api/v1/services",
        json={
            "code": code,
            "category": "civil_affairs",
            "name_hans": f"{days}日事项",
            "description_hans": "测试",
            "materials_hans": ["身份证"],
            "time_limit_days": days,
            "channels": ["online"],
        },
        headers=await auth.role("admin"),
    )
    assert response.status_code in (201, 409), response.text  # 409: made by an earlier step
    return code


async def _accepted(client, auth, clock, when: datetime, days: int) -> dict:
    code = await _service_with_limit(client, auth, days)
    clock.set(when)
    case = (await submit(client, await auth.role("resident"), service_code=code)).json()
    accepted = await move(client, await auth.role("staff"), case["id"], "accept")
    assert accepted.status_code == 200, accepted.text
    return accepted.json()


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.mark.parametrize(
    ("accepted_local", "days", "deadline"),
    [
        # Friday 16:00 in Shanghai, 1 working day: the weekend does not count.
        (datetime(2026, 11, 20, 8, 0, tzinfo=UTC), 1, (2026, 11, 23)),
        # National Day 2026: Oct 1-7 off, Oct 8, 9 and Saturday Oct 10 (make-up day) count.
        (datetime(2026, 9, 30, 2, 0, tzinfo=UTC), 3, (2026, 10, 10)),
        (datetime(2026, 9, 30, 2, 0, tzinfo=UTC), 4, (2026, 10, 12)),
        # Into 2027, beyond the national calendar's data: Monday-Friday.
        (datetime(2026, 12, 28, 2, 0, tzinfo=UTC), 10, (2027, 1, 11)),
    ],
)
async def test_deadline_counts_mainland_working_days(client, auth, clock, accepted_local, days, deadline):
    case = await _accepted(client, auth, clock, accepted_local, days)
    assert parse(case["deadline"]) == end_of_day_utc(*deadline)


async def test_admin_holiday_override_moves_the_deadline(client, auth, clock):
    admin = await auth.role("admin")
    put = await client.put(
        "/api/v1/holidays",
        json={"year": 2027, "items": [{"date": "2027-01-01", "is_workday": False, "note": "元旦"}]},
        headers=admin,
    )
    assert put.status_code == 200, put.text
    assert (await client.get("/api/v1/holidays?year=2027", headers=admin)).json()["items"][0]["note"] == "元旦"
    case = await _accepted(client, auth, clock, datetime(2026, 12, 28, 2, 0, tzinfo=UTC), 10)
    assert parse(case["deadline"]) == end_of_day_utc(2027, 1, 12)


async def test_holidays_are_for_admins_and_checked(client, auth):
    staff = await auth.role("staff")
    assert (await client.get("/api/v1/holidays?year=2027", headers=staff)).status_code == 403
    admin = await auth.role("admin")
    wrong = await client.put(
        "/api/v1/holidays", json={"year": 2027, "items": [{"date": "2026-12-31", "is_workday": False}]}, headers=admin
    )
    assert wrong.status_code == 400
    twice = await client.put(
        "/api/v1/holidays",
        json={
            "year": 2027,
            "items": [{"date": "2027-02-01", "is_workday": False}, {"date": "2027-02-01", "is_workday": True}],
        },
        headers=admin,
    )
    assert twice.status_code == 400
    assert (await client.get("/api/v1/holidays?year=2027", headers=admin)).json()["items"] == []


async def _assigned_case(client, auth, clock, days: int = 5):
    case = await _accepted(client, auth, clock, datetime(2026, 11, 23, 2, 0, tzinfo=UTC), days)
    worker = await auth.role("grid_worker")
    worker_id = await user_id(client, worker)
    await move(client, await auth.role("staff"), case["id"], "assign", assignee_id=worker_id)
    return case, worker_id


async def test_due_soon_reminder_reaches_the_assignee_once_at_80_percent(client, auth, clock):
    case, worker_id = await _assigned_case(client, auth, clock)
    # Accepted Monday 10:00; 5 working days end Monday Nov 30 23:59:59 (Shanghai).
    assert parse(case["deadline"]) == end_of_day_utc(2026, 11, 30)
    clock.set(datetime(2026, 11, 28, 0, 0, tzinfo=UTC))  # before 80%
    assert (await run_timers(clock.now())).reminded == 0
    clock.set(datetime(2026, 11, 29, 12, 0, tzinfo=UTC))  # past 80% of the span
    assert (await run_timers(clock.now())).reminded == 1
    assert (await run_timers(clock.now())).reminded == 0
    reminders = await notifications.for_user(worker_id, "case.due_soon")
    assert len(reminders) == 1
    detail = (await client.get(f"/api/v1/cases/{case['id']}", headers=await auth.role("grid_worker"))).json()
    assert detail["due_soon"] is True and detail["overdue"] is False
    assert detail["timeline"][-1]["action"] == "due_soon"


async def test_overdue_cases_fill_the_supervision_list_and_escalate_once(client, auth, clock):
    case, _ = await _assigned_case(client, auth, clock)
    other = (await submit(client, await auth.role("resident"), title="不会超期")).json()
    staff = await auth.role("staff")
    assert (await client.get("/api/v1/cases?overdue=true", headers=staff)).json()["items"] == []
    clock.set(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))
    overdue = (await client.get("/api/v1/cases?overdue=true", headers=staff)).json()["items"]
    assert [c["id"] for c in overdue] == [case["id"]] and overdue[0]["overdue"] is True
    not_overdue = (await client.get("/api/v1/cases?overdue=false", headers=staff)).json()["items"]
    assert other["id"] in [c["id"] for c in not_overdue] and case["id"] not in [c["id"] for c in not_overdue]
    report = await run_timers(clock.now())
    assert report.escalated == 1
    assert (await run_timers(clock.now())).escalated == 0
    owner_id = case["owner"]["id"]
    assert len(await notifications.for_user(owner_id, "case.overdue")) == 1
    detail = (await client.get(f"/api/v1/cases/{case['id']}", headers=staff)).json()
    assert detail["timeline"][-1]["action"] == "escalate" and detail["timeline"][-1]["actor"] is None
    # Resolving takes it off the list.
    worker = await auth.role("grid_worker")
    await move(client, worker, case["id"], "start")
    await move(client, worker, case["id"], "resolve", note="办好了")
    assert (await client.get("/api/v1/cases?overdue=true", headers=staff)).json()["items"] == []


async def test_two_timer_runners_at_once_fire_each_reminder_once(client, auth, clock):
    cases = []
    for _ in range(3):
        case, _worker_id = await _assigned_case(client, auth, clock)
        cases.append(case)
    clock.set(datetime(2026, 12, 2, 0, 0, tzinfo=UTC))
    reports = await asyncio.gather(run_timers(clock.now()), run_timers(clock.now()))
    assert sum(r.escalated for r in reports) == 3
    assert len(await notifications.for_user(cases[0]["owner"]["id"], "case.overdue")) == 3
    for case in cases:
        detail = (await client.get(f"/api/v1/cases/{case['id']}", headers=await auth.role("staff"))).json()
        assert [e["action"] for e in detail["timeline"]].count("escalate") == 1


async def test_resolved_cases_close_after_seven_days_without_a_rating(client, auth, clock):
    case, _ = await _assigned_case(client, auth, clock)
    worker = await auth.role("grid_worker")
    await move(client, worker, case["id"], "start")
    await move(client, worker, case["id"], "resolve", note="办好了")
    clock.travel(days=6, hours=23)
    assert (await run_timers(clock.now())).closed == 0
    clock.travel(hours=2)
    assert (await run_timers(clock.now())).closed == 1
    detail = (await client.get(f"/api/v1/cases/{case['id']}", headers=await auth.role("resident"))).json()
    assert detail["status"] == "closed"
