"""Web Push delivery to a real push service on 127.0.0.1, decrypted as a browser would."""

import json
from datetime import timedelta

import pytest

from backend.notifications import _subscriptions as subscriptions
from backend.notifications._delivery import Policy
from backend.notifications._push import MAX_BODY, MAX_PLAINTEXT
from tests.api.cases.helpers import user_id
from tests.api.notifications.helpers import INSECURE, accepted_case, browser, queue, row, subscribe

pytestmark = pytest.mark.parametrize("settings", INSECURE, indirect=True)


async def test_case_event_reaches_each_device_encrypted_in_its_script(client, auth, clock, push_service, deliverer):
    resident = await auth.role("resident")
    phone, tablet = await browser(client, push_service), await browser(client, push_service)
    await subscribe(client, resident, phone)  # follows the resident's saved script: zh-Hans
    await subscribe(client, resident, tablet, "zh-Hant")
    case = await accepted_case(client, auth, title="申请低保")

    report = await deliverer.run_once(clock.now())

    assert (report.claimed, report.push, report.sms) == (1, 1, 0)
    assert push_service.errors == []
    [hans], [hant] = phone.received, tablet.received
    receipt = case["receipt_no"]
    assert hans["title"] == "您的事项已受理"
    assert hans["body"] == f"“申请低保”（{receipt}）已受理，我们会按时办理。"
    assert hant["title"] == "您的事項已受理"
    assert hant["body"] == f"“申請低保”（{receipt}）已受理，我們會按時辦理。"
    for message in (hans, hant):
        assert message["url"] == f"/#/cases/{case['id']}"
        assert (message["tag"], message["kind"], message["case_id"]) == (
            f"case-{case['id']}",
            "case.accept",
            case["id"],
        )
    for wire in push_service.wire:
        assert wire.status == 201
        assert wire.headers["ttl"] == str(7 * 86400)
        assert wire.headers["urgency"] == "normal"
        assert wire.headers["topic"] == f"case-{case['id']}"
        assert wire.headers["content-encoding"] == "aes128gcm"
        # VAPID: the origin with its port, a day at most, the configured subject.
        assert wire.claims["aud"] == push_service.url and ":" in push_service.url.rsplit("/", 1)[1]
        assert clock.now().timestamp() < wire.claims["exp"] <= clock.now().timestamp() + 86400
        assert wire.claims["sub"] == "mailto:admin@localhost"
    outbox_row = await row(hans["id"])
    assert (outbox_row["channel"], outbox_row["sent_at"], outbox_row["attempts"]) == ("push", clock.now(), 1)
    inbox = (await client.get("/api/v1/notifications", headers=resident)).json()
    assert [item["title"] for item in inbox["items"]] == ["您的事项已受理"]
    assert inbox["unread"] == 1


async def test_the_payload_is_utf8_json_not_ascii_escapes(client, auth, clock, push_service, deliverer):
    device = await browser(client, push_service)
    await subscribe(client, await auth.role("resident"), device)
    await accepted_case(client, auth, title="修路灯")
    await deliverer.run_once(clock.now())
    [wire] = push_service.wire
    assert "已受理，我们会按时办理".encode() in wire.plaintext
    assert b"\\u" not in wire.plaintext
    # As ASCII escapes (what webpush makes of a dict) each character would take 6 bytes, not 3.
    message = json.loads(wire.plaintext)
    assert wire.plaintext == json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()


async def test_each_message_carries_its_own_ttl_and_urgency(client, auth, clock, push_service, deliverer):
    """webpush 1.0.6 keeps a ttl once given to get(); every message here states its own."""
    resident = await auth.role("resident")
    resident_id = await user_id(client, resident)
    device = await browser(client, push_service)
    await subscribe(client, resident, device)
    for kind in ("case.due_soon", "case.request_info", "case.start", "booking.reminder", "case.remind"):
        await queue(resident_id, kind, clock.now(), 7, receipt_no="BM-1", title="修路灯", when="明天上午")
        await deliverer.run_once(clock.now())
    assert [(w.headers["ttl"], w.headers["urgency"]) for w in push_service.wire] == [
        ("86400", "normal"),
        ("604800", "high"),
        ("604800", "normal"),
        ("43200", "high"),
        ("86400", "normal"),
    ]


async def test_an_offline_phone_gets_only_what_is_still_within_its_ttl(client, auth, clock, push_service, deliverer):
    resident = await auth.role("resident")
    resident_id = await user_id(client, resident)
    device = await browser(client, push_service)
    await subscribe(client, resident, device)
    device.online = False
    await queue(resident_id, "case.due_soon", clock.now(), 1, receipt_no="BM-1", title="甲")  # kept a day
    await queue(resident_id, "case.start", clock.now(), 2, receipt_no="BM-2", title="乙")  # kept a week
    await queue(resident_id, "case.resolve", clock.now(), 2, receipt_no="BM-2", title="乙")  # same topic: replaces it
    for _ in range(3):
        await deliverer.run_once(clock.now())
    push_service.offset = 2 * 86400
    device.connect()
    assert [(m["kind"], m["tag"]) for m in device.received] == [("case.resolve", "case-2")]


async def test_long_chinese_text_is_shortened_on_a_character_boundary(client, auth, clock, push_service, deliverer):
    resident = await auth.role("resident")
    hans, hant = await browser(client, push_service), await browser(client, push_service)
    await subscribe(client, resident, hans)
    await subscribe(client, resident, hant, "zh-Hant")
    title = "村口道路坑洼积水严重请尽快修复" * 200  # 3,000 characters, 9,000 bytes
    await queue(await user_id(client, resident), "case.start", clock.now(), 3, receipt_no="BM-3", title=title)
    await deliverer.run_once(clock.now())
    assert push_service.errors == []
    for wire, device in zip(sorted(push_service.wire, key=lambda w: w.token), (hans, hant), strict=True):
        assert len(wire.body) <= MAX_BODY
        assert MAX_PLAINTEXT - 3 <= len(wire.plaintext) <= MAX_PLAINTEXT
        [message] = device.received
        assert message["body"].endswith("…")
        assert message["title"] in ("您的事项正在办理", "您的事項正在辦理")
    [hans_message], [hant_message] = hans.received, hant.received
    assert hans_message["body"][:-1] == f"“{title}"[: len(hans_message["body"]) - 1]
    assert "積水" in hant_message["body"]


@pytest.mark.parametrize("status", [404, 410])
async def test_a_gone_subscription_is_removed(client, auth, clock, push_service, deliverer, status):
    resident = await auth.role("resident")
    resident_id = await user_id(client, resident)
    device = await browser(client, push_service)
    await subscribe(client, resident, device)
    push_service.forget(device, status)
    notification = await queue(resident_id, "case.start", clock.now(), 4, receipt_no="BM-4", title="丙")
    report = await deliverer.run_once(clock.now())
    assert report.inbox == 1
    assert await subscriptions.for_user(resident_id) == []
    assert (await row(notification))["channel"] == "inbox"
    await queue(resident_id, "case.start", clock.now(), 4, receipt_no="BM-4", title="丙")
    await deliverer.run_once(clock.now())
    assert len(push_service.for_device(device)) == 1  # nothing more is sent there


async def test_429_waits_for_retry_after_then_delivers(client, auth, clock, push_service, deliverer):
    resident = await auth.role("resident")
    device = await browser(client, push_service)
    await subscribe(client, resident, device)
    push_service.answer(device, (429, {"Retry-After": "600"}))
    notification = await queue(
        await user_id(client, resident), "case.start", clock.now(), 5, receipt_no="BM-5", title="丁"
    )

    assert (await deliverer.run_once(clock.now())).retried == 1
    waiting = await row(notification)
    assert waiting["next_attempt_at"] == clock.now() + timedelta(seconds=600)
    assert "429" in waiting["last_error"]
    clock.travel(seconds=599)
    assert (await deliverer.run_once(clock.now())).claimed == 0
    clock.travel(seconds=1)
    assert (await deliverer.run_once(clock.now())).push == 1

    assert [m["kind"] for m in device.received] == ["case.start"]
    done = await row(notification)
    assert (done["channel"], done["attempts"], done["sent_at"], done["next_attempt_at"]) == (
        "push",
        2,
        clock.now(),
        None,
    )


async def test_503_is_retried_with_growing_backoff_then_delivered(client, auth, clock, push_service, deliverer):
    resident = await auth.role("resident")
    device = await browser(client, push_service)
    await subscribe(client, resident, device)
    push_service.answer(device, 503, 503)
    notification = await queue(
        await user_id(client, resident), "case.start", clock.now(), 6, receipt_no="BM-6", title="戊"
    )
    waits = []
    for _ in range(3):
        await deliverer.run_once(clock.now())
        due = (await row(notification))["next_attempt_at"]
        if due is None:
            break
        waits.append((due - clock.now()).total_seconds())
        clock.set(due)
    assert waits == [30, 60]
    assert [w.status for w in push_service.for_device(device)] == [503, 503, 201]
    assert (await row(notification))["channel"] == "push"
    assert len(device.received) == 1


async def test_delivery_gives_up_after_the_last_attempt_but_the_inbox_keeps_it(
    client, auth, clock, push_service, deliverer
):
    resident = await auth.role("resident")
    device = await browser(client, push_service)
    await subscribe(client, resident, device)
    push_service.answer(device, *[503] * 50)
    notification = await queue(
        await user_id(client, resident), "case.start", clock.now(), 7, receipt_no="BM-7", title="己"
    )
    for _ in range(20):
        await deliverer.run_once(clock.now())
        clock.travel(hours=1)
    gave_up = await row(notification)
    assert gave_up["attempts"] == Policy().max_attempts
    assert (gave_up["sent_at"], gave_up["next_attempt_at"], gave_up["channel"]) == (None, None, "inbox")
    assert gave_up["last_error"].startswith("gave up after 8 attempts")
    assert len(push_service.for_device(device)) == Policy().max_attempts
    inbox = (await client.get("/api/v1/notifications", headers=resident)).json()
    assert [item["id"] for item in inbox["items"]] == [notification]


async def test_a_notification_older_than_the_max_age_is_not_sent(client, auth, clock, push_service, deliverer):
    resident = await auth.role("resident")
    device = await browser(client, push_service)
    await subscribe(client, resident, device)
    notification = await queue(
        await user_id(client, resident), "case.start", clock.now(), 8, receipt_no="BM-8", title="庚"
    )
    clock.travel(days=3)
    assert (await deliverer.run_once(clock.now())).gave_up == 1
    assert push_service.wire == []
    assert (await row(notification))["last_error"] == "too old to send"


async def test_one_broken_notification_does_not_hold_up_its_batch(
    client, auth, clock, push_service, deliverer, monkeypatch
):
    resident = await auth.role("resident")
    resident_id = await user_id(client, resident)
    device = await browser(client, push_service)
    await subscribe(client, resident, device)
    broken = await queue(resident_id, "case.start", clock.now(), 1, receipt_no="BM-1", title="甲")
    fine = await queue(resident_id, "case.start", clock.now(), 2, receipt_no="BM-2", title="乙")
    render = deliverer.message

    def fragile(item, locale):
        if item.id == broken:
            raise RuntimeError("a bug")
        return render(item, locale)

    monkeypatch.setattr(deliverer, "message", fragile)
    report = await deliverer.run_once(clock.now())
    assert (report.push, report.retried) == (1, 1)
    assert [m["id"] for m in device.received] == [fine]
    assert "RuntimeError: a bug" in (await row(broken))["last_error"]
