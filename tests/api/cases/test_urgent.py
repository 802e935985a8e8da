"""加急: an urgent case's limit is in hours; it is reminded at 80 % and overdue after them, and leads every list."""

from datetime import UTC, datetime, timedelta

import pytest

from backend.cases.jobs import run_timers
from tests.conftest import error_code

from .helpers import move, submit, user_id
from .test_clock_pause import _detail
from .test_supervision import parse

START = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)  # Friday 15:00 local: hours run through the weekend


async def _complaint(client, headers, **fields):
    fields = {
        "kind": "complaint",
        "service_code": None,
        "title": "整条街停水",
        "description": "从早上开始停水。",
    } | fields
    return await submit(client, headers, **fields)


async def _urgent_service(client, auth, hours: int = 4, code: str = "URG-001") -> str:
    response = await client.post(
        "/api/v1/services",
        json={
            "code": code,
            "category": "civil_affairs",
            "name_hans": "燃气泄漏报修",
            "description_hans": "测试",
            "materials_hans": ["无"],
            "time_limit_days": 5,
            "urgent_hours": hours,
            "channels": ["online"],
        },
        headers=await auth.role("admin"),
    )
    assert response.status_code == 201, response.text
    return code


async def test_an_urgent_complaint_is_reminded_at_80_percent_and_overdue_after_its_hours(client, auth, clock):
    clock.set(START)
    resident, staff = await auth.role("resident"), await auth.role("staff")
    filed = await _complaint(client, resident, urgent=True)
    assert filed.status_code == 201, filed.text
    assert (filed.json()["urgent"], filed.json()["time_limit_hours"]) == (True, 24)  # BIANMIN_URGENT_HOURS
    case_id = filed.json()["id"]
    accepted = (await move(client, staff, case_id, "accept")).json()
    assert parse(accepted["deadline"]) == START + timedelta(hours=24)  # calendar hours, over a Saturday
    clock.set(START + timedelta(hours=19))
    assert (await run_timers(clock.now())).reminded == 0
    detail = await _detail(client, staff, case_id)
    assert detail["remaining_hours"] == 5 and detail["remaining_working_days"] is None
    assert detail["signal"] == "on_track"
    clock.set(START + timedelta(hours=19, minutes=13))  # past 80 % (19 h 12 min)
    assert (await run_timers(clock.now())).reminded == 1
    assert (await _detail(client, staff, case_id))["signal"] == "due_soon"
    clock.set(START + timedelta(hours=24))
    assert (await _detail(client, staff, case_id))["overdue"] is False  # on the instant itself: not yet
    assert (await run_timers(clock.now())).escalated == 0
    clock.set(START + timedelta(hours=24, seconds=1))
    overdue = await _detail(client, staff, case_id)
    assert overdue["overdue"] is True and overdue["signal"] == "overdue" and overdue["remaining_hours"] is None
    assert (await run_timers(clock.now())).escalated == 1
    listed = (await client.get("/api/v1/cases?signal=overdue", headers=staff)).json()["items"]
    assert [case["id"] for case in listed] == [case_id]


async def test_only_complaints_may_be_filed_urgent(client, auth):
    resident = await auth.role("resident")
    refused = await submit(client, resident, urgent=True)  # a request under a catalog entry
    assert refused.status_code == 400 and error_code(refused) == "case.urgent_not_allowed"
    suggestion = await _complaint(client, resident, kind="suggestion", urgent=True)
    assert suggestion.status_code == 400
    assert (await _complaint(client, resident, urgent=False)).json()["urgent"] is False


async def test_an_urgent_catalog_entry_makes_its_cases_urgent_in_its_hours(client, auth, clock):
    admin = await auth.role("admin")
    for hours in (0, 721):
        bad = await client.post(
            "/api/v1/services",
            json={
                "code": "URG-009",
                "category": "civil_affairs",
                "name_hans": "坏",
                "description_hans": "测试",
                "materials_hans": ["无"],
                "time_limit_days": 5,
                "urgent_hours": hours,
                "channels": ["online"],
            },
            headers=admin,
        )
        assert bad.status_code == 400, hours
    code = await _urgent_service(client, auth, hours=4)
    assert (await client.get(f"/api/v1/services/{code}")).json()["urgent_hours"] == 4
    managed = (await client.get("/api/v1/services/manage", headers=admin)).json()["items"]
    assert next(item for item in managed if item["code"] == code)["urgent_hours"] == 4
    clock.set(START)
    case = (await submit(client, await auth.role("resident"), service_code=code)).json()
    assert (case["urgent"], case["time_limit_hours"]) == (True, 4)
    accepted = (await move(client, await auth.role("staff"), case["id"], "accept")).json()
    assert parse(accepted["deadline"]) == START + timedelta(hours=4)


async def test_staff_mark_or_clear_urgent_at_accept_only(client, auth, clock):
    clock.set(START)
    resident, staff = await auth.role("resident"), await auth.role("staff")
    request = (await submit(client, resident)).json()
    marked = (await move(client, staff, request["id"], "accept", urgent=True)).json()
    assert (marked["urgent"], marked["time_limit_hours"]) == (True, 24)
    assert parse(marked["deadline"]) == START + timedelta(hours=24)
    complaint = (await _complaint(client, resident, urgent=True)).json()
    cleared = (await move(client, staff, complaint["id"], "accept", urgent=False)).json()
    assert (cleared["urgent"], cleared["time_limit_hours"]) == (False, None)
    assert parse(cleared["deadline"]) > START + timedelta(days=7)  # 15 working days (the complaint default)
    late = await move(client, staff, request["id"], "remind", urgent=False)
    assert late.status_code == 400 and error_code(late) == "case.urgent_accept_only"


async def test_an_urgent_case_pauses_by_the_hours_waited(client, auth, clock):
    clock.set(START)
    resident, staff, worker = await auth.role("resident"), await auth.role("staff"), await auth.role("grid_worker")
    case_id = (await _complaint(client, resident, urgent=True)).json()["id"]
    await move(client, staff, case_id, "accept")
    await move(client, staff, case_id, "assign", assignee_id=await user_id(client, worker))
    await move(client, worker, case_id, "start")
    clock.set(START + timedelta(hours=2))
    await move(client, worker, case_id, "request_info", note="请拍一下水表")
    clock.set(START + timedelta(hours=7, minutes=30))
    assert (await _detail(client, staff, case_id))["remaining_hours"] == 22  # frozen at the pause
    await move(client, resident, case_id, "supply_info", note="拍好了")
    detail = await _detail(client, staff, case_id)
    assert parse(detail["deadline"]) == START + timedelta(hours=29, minutes=30)
    assert detail["pauses"][0]["hours"] == 5 and detail["pauses"][0]["working_days"] is None


@pytest.mark.parametrize("limit", [1, 2, 3])
async def test_urgent_cases_lead_the_list_and_paging_stays_exact(client, auth, clock, limit):
    clock.set(START)
    resident, staff = await auth.role("resident"), await auth.role("staff")
    plain = [(await submit(client, resident)).json()["id"] for _ in range(3)]
    urgent = [(await _complaint(client, resident, urgent=True)).json()["id"] for _ in range(2)]
    plain += [(await submit(client, resident)).json()["id"] for _ in range(2)]
    done = (await _complaint(client, resident, urgent=True)).json()["id"]
    await move(client, staff, done, "reject", note="重复投诉")  # urgent but done: back among the others
    seen, cursor = [], None
    while True:
        page = (
            await client.get(
                "/api/v1/cases", params={"limit": limit} | ({"cursor": cursor} if cursor else {}), headers=staff
            )
        ).json()
        seen += [case["id"] for case in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    expected = sorted(urgent, reverse=True) + sorted([*plain, done], reverse=True)
    assert seen == expected
    assert (await client.get("/api/v1/cases", params={"cursor": "x1"}, headers=staff)).status_code == 400
