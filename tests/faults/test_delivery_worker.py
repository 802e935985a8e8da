"""`bianmin worker` processes delivering the outbox: killed mid-batch, or two at once."""

import contextlib
import signal
import subprocess
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from backend.notifications.tables import Notification
from tests.api.cases.helpers import user_id
from tests.api.notifications.helpers import INSECURE, browser, queue, subscribe
from tests.conftest import DEMO
from tests.processes import BIANMIN, process_env
from tests.waiting import eventually

pytestmark = pytest.mark.parametrize("settings", INSECURE, indirect=True)


def _worker(settings, **extra: str) -> subprocess.Popen:
    # The app's data dir: the worker signs with the key the browsers subscribed with.
    # The push service of these tests is on 127.0.0.1: the worker reaches it only when told.
    extra.setdefault("BIANMIN_PUSH_ALLOW_INSECURE", settings.push_allow_insecure)
    env = process_env(settings, settings.data_dir, BIANMIN_DELIVERY_INTERVAL="1", **extra)
    return subprocess.Popen([BIANMIN, "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


async def _outbox(client, auth, push_service, per_user: int):
    """Every demo user with one device, and ``per_user`` notifications each, due by the real clock."""
    devices, ids = [], []
    at = datetime.now(UTC) - timedelta(minutes=1)
    for role in DEMO:
        headers = await auth.role(role)
        device = await browser(client, push_service)
        await subscribe(client, headers, device)
        devices.append(device)
        uid = await user_id(client, headers)
        ids += [await queue(uid, "case.start", at, None, receipt_no=f"BM-{n}", title="甲") for n in range(per_user)]
    return devices, ids


async def _wait(condition, seconds: float) -> None:
    """Until ``condition()`` holds or ``seconds`` pass; the assertions after it say what is missing."""
    with contextlib.suppress(AssertionError):
        await eventually(condition, timeout=seconds, interval=0.2)


async def _undelivered() -> int:
    return await Notification.count().where(Notification.sent_at.is_null())


async def test_a_worker_killed_mid_batch_loses_nothing(client, auth, settings, push_service):
    devices, ids = await _outbox(client, auth, push_service, per_user=50)
    push_service.delay = 0.2  # slow enough to be caught in the middle of its batch
    first = _worker(settings, BIANMIN_DELIVERY_LEASE="3", BIANMIN_PUSH_CONCURRENCY="4")
    try:

        async def some_arrived() -> bool:
            return sum(len(d.received) for d in devices) >= 10

        await _wait(some_arrived, 60)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    arrived_before = sum(len(d.received) for d in devices)
    assert 10 <= arrived_before < len(ids), "the worker was not stopped in the middle of its batch"
    assert await _undelivered() == len(ids)  # the batch's results died with it

    push_service.delay = 0.0
    second = _worker(settings, BIANMIN_DELIVERY_LEASE="3")
    try:

        async def all_sent() -> bool:
            return await _undelivered() == 0

        await _wait(all_sent, 60)
    finally:
        second.terminate()
        log = second.communicate(timeout=10)[0].decode()
    assert await _undelivered() == 0, log
    received = Counter(m["id"] for d in devices for m in d.received)
    assert set(received) == set(ids)  # every notification at least once
    assert push_service.errors == []
    rows = await Notification.select(Notification.channel, Notification.attempts)
    assert {(r["channel"], r["attempts"]) for r in rows} == {("push", 2)}
    assert "Traceback" not in log


async def test_two_workers_at_once_deliver_each_notification_once(client, auth, settings, push_service):
    devices, ids = await _outbox(client, auth, push_service, per_user=75)
    workers = [_worker(settings, BIANMIN_PUSH_CONCURRENCY="8") for _ in range(2)]
    try:

        async def all_sent() -> bool:
            return await _undelivered() == 0

        await _wait(all_sent, 60)
    finally:
        for w in workers:
            w.terminate()
        logs = [w.communicate(timeout=10)[0].decode() for w in workers]
    assert await _undelivered() == 0, logs
    received = Counter(m["id"] for d in devices for m in d.received)
    assert set(received) == set(ids) and set(received.values()) == {1}
    assert all("Traceback" not in log for log in logs), logs
