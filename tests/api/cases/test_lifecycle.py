"""The whole 一窗受理 → 派单 → 办理 → 办结 → 完结 path, by the right people only."""

from backend.accounts.tables import Audit
from backend.cases.jobs import run_timers
from backend.notifications import service as notifications
from tests.conftest import error_code

from .helpers import add_user, move, submit, user_id


async def test_case_goes_through_every_state_by_the_right_roles(client, auth, clock):
    resident, staff, worker = await auth.role("resident"), await auth.role("staff"), await auth.role("grid_worker")
    created = await submit(client, resident)
    assert created.status_code == 201, created.text
    case = created.json()
    assert case["status"] == "submitted" and case["status_label"] == "已提交"
    assert case["receipt_no"].startswith("BM-2026-11-")
    case_id = case["id"]

    accepted = (await move(client, staff, case_id, "accept")).json()
    assert accepted["status"] == "accepted"
    assert accepted["owner"]["role"] == "staff"  # 首问负责
    assert accepted["deadline"] is not None and accepted["accepted_at"] is not None

    worker_id = await user_id(client, worker)
    assigned = (await move(client, staff, case_id, "assign", assignee_id=worker_id)).json()
    assert assigned["status"] == "assigned" and assigned["assignee"]["id"] == worker_id

    steps = [
        (worker, "start", {}, "in_progress"),
        (worker, "request_info", {"note": "请补充户口簿照片"}, "waiting_info"),
        (resident, "supply_info", {"note": "已经拍好了"}, "in_progress"),
        (worker, "resolve", {"note": "已上报民政办审核通过"}, "resolved"),
        (resident, "reopen", {"note": "还没收到通知"}, "in_progress"),
        (worker, "resolve", {"note": "已电话告知"}, "resolved"),
    ]
    for headers, action, fields, expected in steps:
        response = await move(client, headers, case_id, action, **fields)
        assert response.status_code == 200, (action, response.text)
        assert response.json()["status"] == expected, action

    clock.travel(days=8)
    report = await run_timers(clock.now())
    assert report.closed == 1
    final = (await client.get(f"/api/v1/cases/{case_id}", headers=resident)).json()
    assert final["status"] == "closed" and final["closed_at"] is not None
    actions = [event["action"] for event in final["timeline"]]
    assert actions == [
        "submit",
        "accept",
        "assign",
        "start",
        "request_info",
        "supply_info",
        "resolve",
        "reopen",
        "resolve",
        "auto_close",
    ]
    assert final["timeline"][0]["actor"]["name"] == "王秀英"
    assert final["timeline"][-1]["actor"] is None  # the system closed it
    assert final["timeline"][4]["note"] == "请补充户口簿照片"
    told = [row["kind"] for row in await notifications.for_user(final["resident"]["id"])]
    assert told[:3] == ["case.accept", "case.start", "case.request_info"]
    assert told[-1] == "case.auto_close"


async def test_staff_reject_with_a_reason_and_resident_cancels_before_acceptance(client, auth):
    resident, staff = await auth.role("resident"), await auth.role("staff")
    first = (await submit(client, resident)).json()
    no_reason = await move(client, staff, first["id"], "reject")
    assert no_reason.status_code == 400 and error_code(no_reason) == "case.note_required"
    rejected = (await move(client, staff, first["id"], "reject", note="不属于本镇办理范围")).json()
    assert rejected["status"] == "rejected" and rejected["status_label"] == "不予受理"

    second = (await submit(client, resident)).json()
    cancelled = (await move(client, resident, second["id"], "cancel")).json()
    assert cancelled["status"] == "cancelled"
    again = await move(client, staff, second["id"], "accept")
    assert again.status_code == 409


async def test_wrong_state_is_a_409_naming_the_current_state_in_the_readers_script(client, auth):
    resident, worker = await auth.role("resident"), await auth.role("grid_worker", lang="zh-TW")
    case = (await submit(client, resident)).json()
    response = await move(client, await auth.role("staff"), case["id"], "resolve", note="x")
    assert response.status_code == 409
    assert error_code(response) == "case.invalid_transition"
    assert "“已提交”" in response.json()["error"]["message"]
    assert response.json()["error"]["details"]["status"] == "submitted"
    await client.patch("/api/v1/me", json={"locale": "zh-Hant"}, headers=worker)
    staff_move = await move(client, worker, case["id"], "accept")
    assert staff_move.status_code == 409
    assert "“已提交”" in staff_move.json()["error"]["message"] and "這個操作" in staff_move.json()["error"]["message"]


async def test_wrong_role_in_scope_is_a_409_and_nothing_changes(client, auth):
    resident, staff, worker = await auth.role("resident"), await auth.role("staff"), await auth.role("grid_worker")
    case = (await submit(client, resident)).json()
    assert (await move(client, resident, case["id"], "accept")).status_code == 409
    await move(client, staff, case["id"], "accept")
    worker_id = await user_id(client, worker)
    await move(client, staff, case["id"], "assign", assignee_id=worker_id)
    assert (await move(client, staff, case["id"], "start")).status_code == 409  # only the assignee starts
    assert (await move(client, resident, case["id"], "start")).status_code == 409
    assert (await move(client, resident, case["id"], "cancel")).status_code == 409
    detail = (await client.get(f"/api/v1/cases/{case['id']}", headers=resident)).json()
    assert detail["status"] == "assigned" and len(detail["timeline"]) == 3


async def test_unknown_action_is_refused(client, auth):
    case = (await submit(client, await auth.role("resident"))).json()
    response = await move(client, await auth.role("staff"), case["id"], "teleport")
    assert response.status_code == 400


async def test_dispatch_to_a_department_lets_the_township_back_office_handle_it(client, auth):
    resident, staff = await auth.role("resident"), await auth.role("staff")
    case = (await submit(client, resident)).json()
    await move(client, staff, case["id"], "accept")
    assigned = (await move(client, staff, case["id"], "assign", department="民政办")).json()
    assert assigned["department"] == "民政办" and assigned["assignee"] is None
    _other_staff_id, other_staff = await add_user(client, auth, "staff", "990101001")
    assert (await move(client, other_staff, case["id"], "start")).json()["status"] == "in_progress"
    _outside_id, outside = await add_user(client, auth, "staff", "990101002")
    assert (await move(client, outside, case["id"], "resolve", note="x")).status_code == 404


async def test_assignee_must_work_where_the_case_is(client, auth):
    resident, staff = await auth.role("resident"), await auth.role("staff")
    case = (await submit(client, resident)).json()
    await move(client, staff, case["id"], "accept")
    far_worker_id, _ = await add_user(client, auth, "grid_worker", "990101001002001")
    response = await move(client, staff, case["id"], "assign", assignee_id=far_worker_id)
    assert response.status_code == 400 and error_code(response) == "case.assignee_invalid"
    missing = await move(client, staff, case["id"], "assign")
    assert missing.status_code == 400 and error_code(missing) == "case.assignee_required"


async def test_owner_stays_until_an_explicit_handover(client, auth):
    resident, staff = await auth.role("resident"), await auth.role("staff")
    second_id, second = await add_user(client, auth, "staff", "990101001", name="刘芳")
    case = (await submit(client, resident)).json()
    first_owner = (await move(client, staff, case["id"], "accept")).json()["owner"]
    worker_id = await user_id(client, await auth.role("grid_worker"))
    after = (await move(client, second, case["id"], "assign", assignee_id=worker_id)).json()
    assert after["owner"] == first_owner  # acting does not take ownership
    not_owner = await move(client, second, case["id"], "handover", assignee_id=second_id)
    assert not_owner.status_code == 409
    handed = (await move(client, staff, case["id"], "handover", assignee_id=second_id, note="我休假")).json()
    assert handed["owner"]["id"] == second_id and handed["status"] == "assigned"
    assert handed["timeline"][-1]["action"] == "handover"


async def test_reopen_only_within_15_days(client, auth, clock):
    resident, staff, worker = await auth.role("resident"), await auth.role("staff"), await auth.role("grid_worker")
    case = (await submit(client, resident, kind="complaint", service_code=None, title="路灯坏了")).json()
    await move(client, staff, case["id"], "accept")
    await move(client, staff, case["id"], "assign", assignee_id=await user_id(client, worker))
    await move(client, worker, case["id"], "start")
    await move(client, worker, case["id"], "resolve", note="已修好")
    clock.travel(days=6)
    await run_timers(clock.now())  # not yet 7 days: stays resolved
    clock.travel(days=10)
    late = await move(client, resident, case["id"], "reopen", note="又坏了")
    assert late.status_code == 409
    assert error_code(late) == "case.reopen_expired"
    assert "15天" in late.json()["error"]["message"]


async def test_staff_can_remind_the_assignee_without_changing_the_case(client, auth):
    resident, staff, worker = await auth.role("resident"), await auth.role("staff"), await auth.role("grid_worker")
    case = (await submit(client, resident)).json()
    await move(client, staff, case["id"], "accept")
    worker_id = await user_id(client, worker)
    await move(client, staff, case["id"], "assign", assignee_id=worker_id)
    reminded = (await move(client, staff, case["id"], "remind", note="请今天处理")).json()
    assert reminded["status"] == "assigned"
    assert [n["kind"] for n in await notifications.for_user(worker_id)] == ["case.assign", "case.remind"]
    inbox = (await client.get("/api/v1/notifications", headers=worker)).json()
    assert inbox["unread"] == 2 and inbox["items"][0]["title"] == "督办提醒"


async def test_every_state_change_is_audited(client, auth):
    resident, staff = await auth.role("resident"), await auth.role("staff")
    case = (await submit(client, resident)).json()
    await move(client, staff, case["id"], "accept")
    rows = await Audit.select(Audit.action).where((Audit.object_type == "case") & (Audit.object_id == str(case["id"])))
    assert [row["action"] for row in rows] == ["case.submit", "case.accept"]
    await client.get(f"/api/v1/cases/{case['id']}", headers=staff)
    reveal = await Audit.select(Audit.action).where(Audit.action == "case.read_personal")
    assert len(reveal) == 1


async def test_a_move_resent_with_its_key_gets_the_first_answer(client, auth):
    resident, staff = await auth.role("resident"), await auth.role("staff")
    case = (await submit(client, resident)).json()
    headers = {**staff, "Idempotency-Key": "accept-1"}
    first = await client.post(f"/api/v1/cases/{case['id']}/transitions", json={"action": "accept"}, headers=headers)
    again = await client.post(f"/api/v1/cases/{case['id']}/transitions", json={"action": "accept"}, headers=headers)
    assert first.status_code == again.status_code == 200 and first.content == again.content
    without_key = await move(client, staff, case["id"], "accept")
    assert without_key.status_code == 409
    timeline = (await client.get(f"/api/v1/cases/{case['id']}", headers=resident)).json()["timeline"]
    assert [e["action"] for e in timeline] == ["submit", "accept"]
