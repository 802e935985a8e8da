"""督办: the due-soon list (GET /cases?due_soon=true) agrees with each case's own flags."""

from datetime import UTC, datetime

from .helpers import add_user, move, submit, user_id


async def _assigned(client, auth, clock) -> dict:
    admin = await auth.role("admin")
    await client.post(
        "/api/v1/services",
        json={
            "code": "TST-005",
            "category": "civil_affairs",
            "name_hans": "五日事项",
            "description_hans": "测试",
            "materials_hans": ["身份证"],
            "time_limit_days": 5,
            "channels": ["online"],
        },
        headers=admin,
    )
    clock.set(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # Monday 10:00 in Shanghai
    case = (await submit(client, await auth.role("resident"), service_code="TST-005")).json()
    staff = await auth.role("staff")
    assert (await move(client, staff, case["id"], "accept")).status_code == 200
    worker = await user_id(client, await auth.role("grid_worker"))
    assert (await move(client, staff, case["id"], "assign", assignee_id=worker)).status_code == 200
    return case


async def test_due_soon_list_holds_open_cases_past_80_percent_until_they_are_overdue(client, auth, clock):
    case = await _assigned(client, auth, clock)
    staff = await auth.role("staff")

    async def listed(**query) -> list[dict]:
        params = "&".join(f"{key}={value}" for key, value in query.items())
        return (await client.get(f"/api/v1/cases?{params}", headers=staff)).json()["items"]

    clock.set(datetime(2026, 11, 28, 0, 0, tzinfo=UTC))  # before 80 % of the span
    assert await listed(due_soon="true") == []
    clock.set(datetime(2026, 11, 29, 12, 0, tzinfo=UTC))  # past 80 %, deadline Nov 30 23:59 Shanghai
    soon = await listed(due_soon="true")
    assert [c["id"] for c in soon] == [case["id"]]
    assert soon[0]["due_soon"] is True and soon[0]["overdue"] is False
    assert await listed(overdue="true") == []
    clock.set(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))  # the deadline has passed
    assert await listed(due_soon="true") == []
    assert [c["id"] for c in await listed(overdue="true")] == [case["id"]]


async def test_due_soon_list_is_scoped_to_the_callers_township(client, auth, clock):
    await _assigned(client, auth, clock)
    clock.set(datetime(2026, 11, 29, 12, 0, tzinfo=UTC))
    resident = await auth.role("resident")
    mine = (await client.get("/api/v1/cases?due_soon=true", headers=resident)).json()["items"]
    assert len(mine) == 1  # the resident's own case
    _, other_staff = await add_user(client, auth, "staff", "990101002")
    assert (await client.get("/api/v1/cases?due_soon=true", headers=other_staff)).json()["items"] == []
