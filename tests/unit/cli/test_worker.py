"""`bianmin worker` as real processes: two at once fire each timer once."""

import os
import subprocess
from datetime import UTC, datetime

import pytest

from backend.cases.tables import CaseEvent
from tests.api.cases.helpers import move, submit, user_id
from tests.processes import BIANMIN, process_env
from tests.waiting import eventually, eventually_sync


async def _overdue_case(client, auth, clock) -> int:
    """A case accepted in January 2026 with a 1-day limit: overdue by the real clock."""
    clock.set(datetime(2026, 1, 5, 2, 0, tzinfo=UTC))
    case = (
        await submit(client, await auth.role("resident"), kind="complaint", service_code=None, title="井盖丢了")
    ).json()
    staff = await auth.role("staff")
    await move(client, staff, case["id"], "accept")
    await move(client, staff, case["id"], "assign", assignee_id=await user_id(client, await auth.role("grid_worker")))
    return case["id"]


async def _escalations(case_id: int) -> int:
    return await CaseEvent.count().where((CaseEvent.case == case_id) & (CaseEvent.action == "escalate"))


@pytest.mark.parametrize("settings", [{"default_time_limit_days": 1}], indirect=True)
async def test_two_worker_processes_escalate_an_overdue_case_once(client, auth, clock, settings, tmp_path):
    case_id = await _overdue_case(client, auth, clock)
    env = process_env(settings, tmp_path / "worker-data", BIANMIN_TIMER_INTERVAL="1")
    workers = [
        subprocess.Popen([BIANMIN, "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(2)
    ]
    try:
        await eventually(lambda: _escalations(case_id), what="the overdue case's escalation")
        # A second overdue case escalated after the first: further rounds ran, and none escalated the first again.
        second_id = await _overdue_case(client, auth, clock)
        await eventually(lambda: _escalations(second_id), what="the second overdue case's escalation")
        assert all(w.poll() is None for w in workers), "a worker died"
    finally:
        for w in workers:
            w.terminate()
        logs = [w.communicate(timeout=10)[0].decode() for w in workers]
    assert await _escalations(case_id) == 1, logs
    assert all("Traceback" not in log for log in logs), logs


@pytest.mark.parametrize(
    "settings", [{"default_time_limit_days": 1, "timers_in_process": True, "timer_interval_seconds": 1}], indirect=True
)
async def test_single_process_server_runs_the_timers_itself(client, auth, clock):
    case_id = await _overdue_case(client, auth, clock)
    clock.set(datetime(2026, 2, 1, 0, 0, tzinfo=UTC))
    await eventually(lambda: _escalations(case_id), timeout=6, what="the in-process timer's escalation")
    assert await _escalations(case_id) == 1


def test_the_worker_lowers_its_own_cpu_priority(settings, tmp_path):
    env = process_env(settings, tmp_path / "worker-data", BIANMIN_WORKER_NICE="7")
    own = os.getpriority(os.PRIO_PROCESS, 0)
    worker = subprocess.Popen([BIANMIN, "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:

        def reniced() -> bool:
            assert worker.poll() is None, worker.communicate()[0].decode()
            return os.getpriority(os.PRIO_PROCESS, worker.pid) != own

        eventually_sync(reniced, timeout=20, what="the worker's renice")
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) == min(19, own + 7)
    finally:
        worker.terminate()
        worker.communicate(timeout=10)
