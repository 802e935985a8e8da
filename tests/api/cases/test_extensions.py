"""延期: more working days only with the resident's consent (in the app, or by phone as staff record)."""

import asyncio
from datetime import UTC, datetime

import pytest

from backend.cases.jobs import run_timers
from backend.lib.db import execute
from backend.notifications import service as notifications
from tests.conftest import error_code

from .helpers import GRID_A, add_user, move, user_id
from .test_clock_pause import _detail, _in_progress
from .test_supervision import end_of_day_utc, parse

MONDAY = datetime(2026, 11, 16, 2, tzinfo=UTC)  # accepted 16 Nov, 5 working days: due end of 23 Nov


async def ask(client, headers, case_id, key=None, **body):
    extra = {"Idempotency-Key": key} if key else {}
    payload = {"days": 3, "reason": "需要到县里核实户籍信息"} | body
    return await client.post(f"/api/v1/cases/{case_id}/extensions", json=payload, headers={**headers, **extra})


async def answer(client, headers, case_id, extension_id, agree: bool, key=None):
    extra = {"Idempotency-Key": key} if key else {}
    return await client.post(
        f"/api/v1/cases/{case_id}/extensions/{extension_id}/answer", json={"agree": agree}, headers={**headers, **extra}
    )


async def phone_consent(client, headers, case_id, extension_id, **body):
    return await client.post(
        f"/api/v1/cases/{case_id}/extensions/{extension_id}/phone-consent", json=body, headers=headers
    )


async def test_an_extension_takes_effect_only_when_the_resident_agrees_in_the_app(client, auth, clock):
    case_id, resident, worker = await _in_progress(client, auth, clock, MONDAY)
    staff = await auth.role("staff")
    clock.set(datetime(2026, 11, 18, 2, tzinfo=UTC))
    asked = await ask(client, worker, case_id)  # the assignee may ask
    assert asked.status_code == 201, asked.text
    extension = asked.json()
    assert (
        extension["status"] == "pending" and extension["days"] == 3 and extension["reason"] == "需要到县里核实户籍信息"
    )
    assert extension["requested_by"]["id"] == await user_id(client, worker)
    assert (extension["answered_at"], extension["consent"], extension["agreed_by_name"], extension["recorded_by"]) == (
        None,
        None,
        None,
        None,
    )
    told = await notifications.for_user(await user_id(client, resident), "case.extension_asked")
    assert len(told) == 1
    pending = await _detail(client, staff, case_id)
    assert parse(pending["deadline"]) == end_of_day_utc(2026, 11, 23) and pending["extended_days"] == 0
    assert pending["extensions"] == [extension]
    assert "record_consent" in pending["actions"] and "extend" not in pending["actions"]
    assert "answer_extension" in (await _detail(client, resident, case_id))["actions"]
    assert "answer_extension" not in pending["actions"]
    again = await ask(client, staff, case_id, days=2)
    assert again.status_code == 409 and error_code(again) == "case.extension_pending"

    agreed = await answer(client, resident, case_id, extension["id"], True)
    assert agreed.status_code == 200, agreed.text
    me = (await client.get("/api/v1/me", headers=resident)).json()
    assert agreed.json()["status"] == "agreed" and agreed.json()["consent"] == "app"
    assert agreed.json()["agreed_by_name"] == me["name"] and agreed.json()["answered_at"] == "2026-11-18T02:00:00Z"
    after = await _detail(client, staff, case_id)
    # 23 Nov plus 3 working days.
    assert parse(after["deadline"]) == end_of_day_utc(2026, 11, 26) and after["extended_days"] == 3
    assert [event["action"] for event in after["timeline"]][-2:] == ["extension_asked", "extension_agreed"]
    assert after["timeline"][-2]["action_label"] == "申请延期"
    assert len(await notifications.for_user(await user_id(client, worker), "case.extension_agreed")) == 1
    twice = await answer(client, resident, case_id, extension["id"], False)
    assert twice.status_code == 409 and error_code(twice) == "case.extension_answered"
    # One agreed extension is the default limit (BIANMIN_MAX_EXTENSIONS).
    limit = await ask(client, staff, case_id)
    assert limit.status_code == 409 and error_code(limit) == "case.extension_limit"
    assert "extend" not in (await _detail(client, staff, case_id))["actions"]


async def test_a_declined_extension_changes_nothing(client, auth, clock):
    case_id, resident, _ = await _in_progress(client, auth, clock, MONDAY)
    staff = await auth.role("staff")
    before = await _detail(client, staff, case_id)
    extension = (await ask(client, staff, case_id)).json()
    declined = await answer(client, resident, case_id, extension["id"], False)
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert declined.json()["consent"] is None and declined.json()["agreed_by_name"] is None
    after = await _detail(client, staff, case_id)
    assert (after["deadline"], after["extended_days"]) == (before["deadline"], 0)
    assert after["timeline"][-1]["action"] == "extension_declined"
    # Declined does not count against the limit: staff may ask again.
    assert "extend" in after["actions"]
    assert (await ask(client, staff, case_id, days=1)).status_code == 201


async def test_staff_record_a_phone_consent_with_who_and_when(client, auth, clock):
    case_id, resident, _ = await _in_progress(client, auth, clock, MONDAY)
    staff = await auth.role("staff")
    clock.set(datetime(2026, 11, 18, 2, tzinfo=UTC))
    extension = (await ask(client, staff, case_id, days=2)).json()
    clock.set(datetime(2026, 11, 18, 6, tzinfo=UTC))
    base = f"/api/v1/cases/{case_id}/extensions/{extension['id']}"
    # Staff cannot answer in her place in the app, and a resident cannot record a phone call.
    in_her_place = await answer(client, staff, case_id, extension["id"], True)
    assert in_her_place.status_code == 409 and error_code(in_her_place) == "case.action_not_allowed"
    assert (
        await phone_consent(
            client, resident, case_id, extension["id"], agreed_by="王秀英", agreed_at="2026-11-18T05:00:00Z"
        )
    ).status_code == 403
    for when in (
        "2026-11-18T07:00:00Z",
        "2026-11-18T01:00:00Z",
        "2026-11-18T05:00:00",
    ):  # future, before asking, no zone
        refused = await phone_consent(client, staff, case_id, extension["id"], agreed_by="王秀英", agreed_at=when)
        assert refused.status_code == 400 and error_code(refused) == "case.consent_time_invalid", when
    blank = await phone_consent(
        client, staff, case_id, extension["id"], agreed_by="  ", agreed_at="2026-11-18T05:00:00Z"
    )
    assert blank.status_code == 400
    too_long = await client.post(
        f"{base}/phone-consent", json={"agreed_by": "王" * 51, "agreed_at": "2026-11-18T05:00:00Z"}, headers=staff
    )
    assert too_long.status_code == 400
    assert (await _detail(client, staff, case_id))["extensions"][0]["status"] == "pending"

    recorded = await phone_consent(
        client, staff, case_id, extension["id"], agreed_by="王秀英（女儿代接）", agreed_at="2026-11-18T05:00:00Z"
    )
    assert recorded.status_code == 200, recorded.text
    body = recorded.json()
    assert (body["status"], body["consent"], body["agreed_by_name"], body["answered_at"]) == (
        "agreed",
        "phone",
        "王秀英（女儿代接）",
        "2026-11-18T05:00:00Z",
    )
    assert body["recorded_by"]["id"] == await user_id(client, staff)
    after = await _detail(client, resident, case_id)
    assert parse(after["deadline"]) == end_of_day_utc(2026, 11, 25) and after["extended_days"] == 2
    assert after["extensions"][0]["consent"] == "phone"


async def test_who_may_ask_and_answer(client, auth, clock):
    case_id, resident, worker = await _in_progress(client, auth, clock, MONDAY)
    staff = await auth.role("staff")
    _, other_town_staff = await add_user(client, auth, "staff", "990101002")
    _, stranger = await add_user(client, auth, "resident", GRID_A)
    _, other_worker = await add_user(client, auth, "grid_worker", GRID_A)
    by_resident = await ask(client, resident, case_id)
    assert by_resident.status_code == 409 and error_code(by_resident) == "case.action_not_allowed"
    not_assignee = await ask(client, other_worker, case_id)  # sees the grid's cases, is not the assignee
    assert not_assignee.status_code == 409
    assert (await ask(client, other_town_staff, case_id)).status_code == 404
    assert (await ask(client, stranger, case_id)).status_code == 404
    assert (await ask(client, staff, 999999)).status_code == 404
    for bad in ({"days": 0}, {"days": 31}, {"reason": ""}, {"reason": "长" * 501}, {"extra": 1}):
        assert (await ask(client, staff, case_id, **bad)).status_code == 400, bad
    assert (await ask(client, staff, case_id, reason="   ")).status_code == 400
    extension = (await ask(client, staff, case_id)).json()
    assert (await answer(client, stranger, case_id, extension["id"], True)).status_code == 404
    assert (await answer(client, other_town_staff, case_id, extension["id"], True)).status_code == 404
    assert (
        await phone_consent(
            client, other_town_staff, case_id, extension["id"], agreed_by="王", agreed_at="2026-11-16T03:00:00Z"
        )
    ).status_code == 404
    assert (await answer(client, worker, case_id, extension["id"], True)).status_code == 409
    assert (await answer(client, resident, case_id, 999999, True)).status_code == 404
    assert (await _detail(client, staff, case_id))["extensions"][0]["status"] == "pending"


async def test_a_linked_relative_may_answer_for_the_resident(client, auth, clock):
    case_id, mother, _ = await _in_progress(client, auth, clock, MONDAY)
    _, son = await add_user(client, auth, "resident", GRID_A, name="李小明")
    link = await client.post("/api/v1/family-links", json={"phone": "13800000001", "relation": "母亲"}, headers=son)
    assert (
        await client.post(f"/api/v1/family-links/{link.json()['id']}/confirm", json={}, headers=mother)
    ).status_code == 200
    extension = (await ask(client, await auth.role("staff"), case_id)).json()
    assert "answer_extension" in (await _detail(client, son, case_id))["actions"]
    agreed = await answer(client, son, case_id, extension["id"], True)
    assert agreed.status_code == 200 and agreed.json()["agreed_by_name"] == "李小明"


async def test_retries_answer_the_same_and_a_burst_leaves_one_pending(client, auth, clock):
    case_id, resident, _ = await _in_progress(client, auth, clock, MONDAY)
    staff = await auth.role("staff")
    first = await ask(client, staff, case_id, key="ext-1")
    retry = await ask(client, staff, case_id, key="ext-1")
    assert first.status_code == retry.status_code == 201 and first.json() == retry.json()
    agreed = await answer(client, resident, case_id, first.json()["id"], True, key="ans-1")
    again = await answer(client, resident, case_id, first.json()["id"], True, key="ans-1")
    assert agreed.status_code == again.status_code == 200 and agreed.json() == again.json()
    assert (await _detail(client, staff, case_id))["extended_days"] == 3  # applied once


@pytest.mark.parametrize("settings", [{"max_extensions": 2}], indirect=True)
async def test_a_concurrent_burst_of_requests_makes_one_pending_extension(client, auth, clock):
    case_id, resident, _ = await _in_progress(client, auth, clock, MONDAY)
    staff = await auth.role("staff")
    answers = await asyncio.gather(*(ask(client, staff, case_id, key=f"burst-{n}") for n in range(10)))
    assert sorted(response.status_code for response in answers) == [201] + [409] * 9
    assert {error_code(r) for r in answers if r.status_code == 409} == {"case.extension_pending"}
    rows = await execute("SELECT status FROM case_extension")
    assert [row["status"] for row in rows] == ["pending"]
    [created] = [r.json() for r in answers if r.status_code == 201]
    # A burst of answers: one wins, the rest are told it was answered; the deadline moves once.
    replies = await asyncio.gather(*(answer(client, resident, case_id, created["id"], True) for _ in range(10)))
    assert sorted(r.status_code for r in replies) == [200] + [409] * 9
    assert (await _detail(client, staff, case_id))["extended_days"] == 3
    # The county allows two: one more, then the limit.
    second = (await ask(client, staff, case_id, days=1)).json()
    assert (await answer(client, resident, case_id, second["id"], True)).status_code == 200
    assert error_code(await ask(client, staff, case_id)) == "case.extension_limit"
    assert (await _detail(client, staff, case_id))["extended_days"] == 4


async def test_an_agreed_extension_lifts_an_escalated_case_and_it_may_escalate_again(client, auth, clock):
    case_id, resident, _ = await _in_progress(client, auth, clock, MONDAY)
    staff = await auth.role("staff")
    clock.set(datetime(2026, 11, 24, 2, tzinfo=UTC))  # the day after the deadline
    assert (await run_timers(clock.now())).escalated == 1
    extension = (await ask(client, staff, case_id, days=5)).json()
    assert (await answer(client, resident, case_id, extension["id"], True)).status_code == 200
    lifted = await _detail(client, staff, case_id)
    assert parse(lifted["deadline"]) == end_of_day_utc(2026, 11, 30) and lifted["overdue"] is False
    assert lifted["signal"] in ("on_track", "due_soon")
    clock.set(datetime(2026, 12, 1, 2, tzinfo=UTC))
    assert (await run_timers(clock.now())).escalated == 1


async def test_a_paused_case_may_be_extended_and_a_closed_one_not(client, auth, clock):
    case_id, resident, worker = await _in_progress(client, auth, clock, MONDAY)
    staff = await auth.role("staff")
    await move(client, worker, case_id, "request_info", note="请补充")
    extension = (await ask(client, staff, case_id, days=1)).json()
    assert (await answer(client, resident, case_id, extension["id"], True)).status_code == 200
    assert parse((await _detail(client, staff, case_id))["deadline"]) == end_of_day_utc(2026, 11, 24)
    await move(client, resident, case_id, "supply_info", note="补好了")
    await move(client, worker, case_id, "resolve", note="办好了")
    refused = await ask(client, staff, case_id)
    assert refused.status_code == 409 and error_code(refused) == "case.invalid_transition"
    assert "extend" not in (await _detail(client, staff, case_id))["actions"]
