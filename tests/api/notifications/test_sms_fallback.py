"""SMS for the events that matter when push does not reach someone (webhook gateway on 127.0.0.1)."""

import asyncio

import pytest

from backend.notifications._delivery import Policy
from tests.api.cases.helpers import submit, user_id
from tests.api.notifications.helpers import INSECURE, accepted_case, browser, queue, row, subscribe
from tests.conftest import DEMO

pytestmark = pytest.mark.parametrize("settings", INSECURE, indirect=True)


async def test_an_accepted_case_goes_out_as_one_sms_when_there_is_no_push(client, auth, clock, push_service, deliverer):
    case = await accepted_case(client, auth)
    report = await deliverer.run_once(clock.now())
    assert report.sms == 1
    assert push_service.sms == [
        {
            "phone": DEMO["resident"],
            "text": f"【便民】您的事项“申请低保”（{case['receipt_no']}）已受理，我们会按时办理。",
            "kind": "notification",
        }
    ]
    resident = await auth.role("resident")
    [item] = (await client.get("/api/v1/notifications", headers=resident)).json()["items"]
    assert (await row(item["id"]))["channel"] == "sms"
    clock.travel(days=1)
    await asyncio.gather(deliverer.run_once(clock.now()), deliverer.run_once(clock.now()))
    assert len(push_service.sms) == 1


async def test_the_sms_is_in_the_recipients_script(client, auth, clock, push_service, deliverer):
    await client.patch("/api/v1/me", json={"locale": "zh-Hant"}, headers=await auth.role("resident"))
    case = await accepted_case(client, auth, title="申请低保")
    await deliverer.run_once(clock.now())
    [sms] = push_service.sms
    assert sms["text"] == f"【便民】您的事項“申請低保”（{case['receipt_no']}）已受理，我們會按時辦理。"


async def test_a_recent_push_success_means_no_sms_even_while_push_is_failing(
    client, auth, clock, push_service, deliverer
):
    resident = await auth.role("resident")
    device = await browser(client, push_service)
    await subscribe(client, resident, device)
    await accepted_case(client, auth)
    await deliverer.run_once(clock.now())  # delivered by push: the device works
    push_service.answer(device, 503)
    clock.travel(days=29)
    await queue(await user_id(client, resident), "case.request_info", clock.now(), 1, receipt_no="BM-1", title="甲")
    assert (await deliverer.run_once(clock.now())).retried == 1
    clock.travel(minutes=1)
    assert (await deliverer.run_once(clock.now())).push == 1
    assert push_service.sms == []
    assert [m["kind"] for m in device.received] == ["case.accept", "case.request_info"]


async def test_a_device_silent_for_30_days_gets_an_sms_as_well(client, auth, clock, push_service, deliverer):
    resident = await auth.role("resident")
    device = await browser(client, push_service)
    await subscribe(client, resident, device)
    await accepted_case(client, auth)
    await deliverer.run_once(clock.now())
    push_service.answer(device, 503)
    clock.travel(days=31)
    notification = await queue(
        await user_id(client, resident), "case.resolve", clock.now(), 1, receipt_no="BM-1", title="甲"
    )
    assert (await deliverer.run_once(clock.now())).sms == 1
    assert [s["text"] for s in push_service.sms] == ["【便民】您的事项“甲”（BM-1）已办结，请打开便民评价。"]
    assert (await row(notification))["channel"] == "sms"


async def test_a_gone_subscription_falls_back_to_sms_in_the_same_round(client, auth, clock, push_service, deliverer):
    resident = await auth.role("resident")
    device = await browser(client, push_service)
    await subscribe(client, resident, device)
    push_service.forget(device, 410)
    await accepted_case(client, auth)
    report = await deliverer.run_once(clock.now())
    assert (report.sms, len(push_service.sms), len(push_service.for_device(device))) == (1, 1, 1)


async def test_unimportant_events_never_go_by_sms(client, auth, clock, push_service, deliverer):
    resident_id = await user_id(client, await auth.role("resident"))
    kinds = ["case.start", "case.due_soon", "case.auto_close", "case.reject", "case.rated"]
    ids = [await queue(resident_id, kind, clock.now(), 1, receipt_no="BM-1", title="甲") for kind in kinds]
    report = await deliverer.run_once(clock.now())
    assert (report.inbox, report.sms) == (len(kinds), 0)
    assert push_service.sms == []
    assert {(await row(i))["channel"] for i in ids} == {"inbox"}


async def test_a_booking_reminder_falls_back_to_sms(client, auth, clock, push_service, deliverer):
    resident_id = await user_id(client, await auth.role("resident"))
    await queue(
        resident_id, "booking.reminder", clock.now(), 9, receipt_no="BM-9", title="上门代办", when="11月24日上午"
    )
    await deliverer.run_once(clock.now())
    assert [s["text"] for s in push_service.sms] == [
        "【便民】提醒：您预约的“上门代办”（BM-9）服务时间是11月24日上午，请留意。"
    ]


async def test_a_failing_gateway_is_retried_and_the_sms_sent_once(client, auth, clock, push_service, deliverer):
    push_service.fail_sms(2)
    await accepted_case(client, auth)
    assert (await deliverer.run_once(clock.now())).retried == 1
    clock.travel(seconds=30)
    assert (await deliverer.run_once(clock.now())).retried == 1
    clock.travel(seconds=60)
    assert (await deliverer.run_once(clock.now())).sms == 1
    clock.travel(hours=2)
    await deliverer.run_once(clock.now())
    assert len(push_service.sms) == 1


async def test_the_last_attempt_falls_back_to_sms_when_push_keeps_failing(client, auth, clock, push_service, deliverer):
    resident = await auth.role("resident")
    device = await browser(client, push_service)
    await subscribe(client, resident, device)
    await accepted_case(client, auth)
    await deliverer.run_once(clock.now())
    push_service.answer(device, *[503] * 20)
    notification = await queue(
        await user_id(client, resident), "case.request_info", clock.now(), 1, receipt_no="BM-1", title="甲"
    )
    for _ in range(Policy().max_attempts):
        clock.travel(hours=1)
        await deliverer.run_once(clock.now())
    assert len(push_service.sms) == 1
    done = await row(notification)
    assert (done["channel"], done["attempts"]) == ("sms", Policy().max_attempts)


async def test_a_long_title_is_cut_short_in_the_sms(client, auth, clock, push_service, deliverer):
    resident_id = await user_id(client, await auth.role("resident"))
    await queue(
        resident_id,
        "case.accept",
        clock.now(),
        1,
        receipt_no="BM-1",
        title="村口道路坑洼积水严重请尽快修复一下谢谢大家",
    )
    await deliverer.run_once(clock.now())
    [sms] = push_service.sms
    assert "“村口道路坑洼积水严重请尽快修复一下谢谢…”" in sms["text"]  # 19 characters and "…"


async def test_a_case_filed_in_someones_name_reaches_her_by_sms(client, auth, clock, push_service, deliverer):
    # 代办 for a walk-in without an account: she learns by SMS that a case was filed in her name.
    worker = await auth.role("grid_worker")
    filed = await submit(client, worker, resident_phone="13912340003", identity_check="in_person")
    assert filed.status_code == 201, filed.text
    assert (await deliverer.run_once(clock.now())).sms == 1
    [sms] = push_service.sms
    assert sms["phone"] == "13912340003" and filed.json()["receipt_no"] in sms["text"]
    assert "申请低保" not in sms["text"]  # no words the resident did not write
