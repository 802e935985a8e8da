"""The no-news warning: an open case whose resident has heard nothing for BIANMIN_SILENT_DAYS working days."""

from datetime import UTC, datetime

import pytest

from backend.cases.jobs import run_timers
from backend.notifications import service as notifications

from .helpers import move, submit, user_id
from .test_clock_pause import _detail
from .test_supervision import _service_with_limit


async def _listed(client, headers, signal: str) -> list[int]:
    response = await client.get(f"/api/v1/cases?signal={signal}", headers=headers)
    assert response.status_code == 200, response.text
    return [case["id"] for case in response.json()["items"]]


async def test_a_silent_case_warns_its_assignee_once_and_shows_yellow(client, auth, clock):
    code = await _service_with_limit(client, auth, 15)
    resident, staff, worker = await auth.role("resident"), await auth.role("staff"), await auth.role("grid_worker")
    worker_id = await user_id(client, worker)
    clock.set(datetime(2026, 11, 16, 2, tzinfo=UTC))  # Monday
    case_id = (await submit(client, resident, service_code=code)).json()["id"]
    await move(client, staff, case_id, "accept")
    await move(client, staff, case_id, "assign", assignee_id=worker_id)
    clock.set(datetime(2026, 11, 17, 2, tzinfo=UTC))
    await move(client, worker, case_id, "start")  # the resident is told: three working days from Tuesday
    await move(client, staff, case_id, "remind")  # a reminder to the worker is no news for her
    clock.set(datetime(2026, 11, 20, 15, tzinfo=UTC))  # Friday 23:00 local: still her third day
    assert (await _detail(client, staff, case_id))["silent"] is False
    assert (await run_timers(clock.now())).silent == 0
    assert case_id in await _listed(client, staff, "on_track")

    clock.set(datetime(2026, 11, 21, 1, tzinfo=UTC))  # Saturday morning
    detail = await _detail(client, staff, case_id)
    assert (detail["silent"], detail["signal"], detail["overdue"], detail["due_soon"]) == (True, "silent", False, False)
    assert await _listed(client, staff, "silent") == [case_id]
    assert case_id not in await _listed(client, staff, "on_track")
    assert (await run_timers(clock.now())).silent == 1
    assert (await run_timers(clock.now())).silent == 0  # once per silence
    assert len(await notifications.for_user(worker_id, "case.silent")) == 1
    timeline = (await _detail(client, staff, case_id))["timeline"]
    assert timeline[-1]["action"] == "silent" and timeline[-1]["actor"] is None
    assert timeline[-1]["action_label"] == "久未告知居民进展"

    # News for her (a request for material) ends the silence; her answer starts a new count.
    clock.set(datetime(2026, 11, 23, 2, tzinfo=UTC))  # Monday
    await move(client, worker, case_id, "request_info", note="请补充户口簿照片")
    assert (await _detail(client, staff, case_id))["silent"] is False
    clock.set(datetime(2026, 11, 24, 2, tzinfo=UTC))
    await move(client, resident, case_id, "supply_info", note="已经拍好了")
    assert (await _detail(client, staff, case_id))["signal"] == "on_track"
    clock.set(datetime(2026, 11, 28, 1, tzinfo=UTC))  # Saturday: Wednesday to Friday without news
    assert (await _detail(client, staff, case_id))["signal"] == "silent"
    assert (await run_timers(clock.now())).silent == 1
    assert len(await notifications.for_user(worker_id, "case.silent")) == 2


@pytest.mark.parametrize("settings", [{"silent_days": 1}], indirect=True)
async def test_the_silence_is_a_setting_and_an_unassigned_case_warns_its_owner(client, auth, clock):
    code = await _service_with_limit(client, auth, 15)
    resident, staff = await auth.role("resident"), await auth.role("staff")
    clock.set(datetime(2026, 11, 16, 2, tzinfo=UTC))
    case_id = (await submit(client, resident, service_code=code)).json()["id"]
    owner = (await move(client, staff, case_id, "accept")).json()["owner"]["id"]
    clock.set(datetime(2026, 11, 17, 15, tzinfo=UTC))  # Tuesday 23:00 local: one working day heard nothing
    assert (await _detail(client, staff, case_id))["silent"] is False
    clock.set(datetime(2026, 11, 17, 16, 30, tzinfo=UTC))
    assert (await _detail(client, staff, case_id))["silent"] is True
    assert (await run_timers(clock.now())).silent == 1
    assert len(await notifications.for_user(owner, "case.silent")) == 1
    # Done cases have no colour.
    await move(client, staff, case_id, "assign", assignee_id=await user_id(client, await auth.role("grid_worker")))
    worker = await auth.role("grid_worker")
    await move(client, worker, case_id, "start")
    await move(client, worker, case_id, "resolve", note="办好了")
    done = await _detail(client, staff, case_id)
    assert (done["signal"], done["silent"], done["paused"]) == (None, False, False)
