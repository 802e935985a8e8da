"""The on-time rate uses the case clock: a deadline moved by a pause or an agreed extension counts.

Period 2026-11-23 … 2026-11-30 (Beijing time), service TST-005 (5 working days), all accepted
Monday 11-23 10:00, so due at the end of Monday 11-30:

case  clock                                              resolved (BJ)   on time  extended
P     paused Tue 11-24 → Thu 11-26 (2 working days)      Tue 12-01       yes (due Wed 12-02)
L     —                                                  Tue 12-01       no
E     extension of 3 days agreed                         Wed 12-02       yes (due Thu 12-03)
D     extension declined                                 —               —        no

resolved 3 · on time 2 · extended 1 → on-time rate 0.6667
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from tests.api.cases.helpers import move, submit, user_id

PERIOD = {"region": "990101001", "from": "2026-11-23", "to": "2026-11-30"}


def bj(day: int, hour: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)


async def test_a_paused_case_finished_within_its_moved_deadline_is_on_time(client, auth, clock):
    resident, staff, admin = await auth.role("resident"), await auth.role("staff"), await auth.role("admin")
    worker = await auth.role("grid_worker")
    worker_id = await user_id(client, worker)
    created = await client.post(
        "/api/v1/services",
        json={
            "code": "TST-005",
            "category": "civil_affairs",
            "name_hans": "五日办",
            "description_hans": "测试",
            "materials_hans": ["身份证"],
            "time_limit_days": 5,
            "channels": ["online"],
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    clock.set(bj(23, 10))
    cases = {}
    for name in "PLED":
        case_id = (await submit(client, resident, service_code="TST-005", title=f"案件{name}")).json()["id"]
        await move(client, staff, case_id, "accept")
        await move(client, staff, case_id, "assign", assignee_id=worker_id)
        await move(client, worker, case_id, "start")
        cases[name] = case_id

    async def ask(case_id: int, agree: bool) -> None:
        asked = await client.post(
            f"/api/v1/cases/{case_id}/extensions", json={"days": 3, "reason": "需要上级审批"}, headers=staff
        )
        assert asked.status_code == 201, asked.text
        answered = await client.post(
            f"/api/v1/cases/{case_id}/extensions/{asked.json()['id']}/answer", json={"agree": agree}, headers=resident
        )
        assert answered.status_code == 200, answered.text

    clock.set(bj(24, 10))
    await move(client, worker, cases["P"], "request_info", note="请补充证明")
    await ask(cases["E"], True)
    await ask(cases["D"], False)
    clock.set(bj(26, 16))
    await move(client, resident, cases["P"], "supply_info", note="证明已上传")
    clock.set(bj(1, 10, month=12))
    for name in "PL":
        assert (await move(client, worker, cases[name], "resolve", note="已办结")).status_code == 200
    clock.set(bj(2, 10, month=12))
    assert (await move(client, worker, cases["E"], "resolve", note="已办结")).status_code == 200

    summary = (await client.get("/api/v1/stats/summary", params=PERIOD, headers=staff)).json()
    totals = summary["totals"]
    assert (totals["resolved"], totals["resolved_on_time"], totals["extended"]) == (3, 2, 1)
    assert totals["on_time_rate"] == 0.6667
    grouped = (
        await client.get("/api/v1/stats/summary", params={**PERIOD, "group_by": "village"}, headers=staff)
    ).json()["groups"]
    assert [(group["resolved_on_time"], group["extended"]) for group in grouped] == [(2, 1)]
