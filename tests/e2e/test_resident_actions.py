"""What a resident does to a case after submitting it — withdraw, reopen, 追评,
confirm a document handover — plus my bookings, revoking a family link, the
receipt-number lookup without signing in, and the worker's pushsubscriptionchange."""

from __future__ import annotations

import base64
import sqlite3
import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from playwright.sync_api import Page, expect

from tests.e2e.resident import (
    GRID_WORKER,
    HOME_GRID,
    RESIDENT,
    SCREENSHOTS,
    STAFF,
    STEP_TIMEOUT_MS,
    add_user,
    api_as,
    axe_violations,
    beijing_day,
    open_app,
    wait_for_empty_outbox,
    wait_until,
)
from tests.e2e.screens import SCREEN_SIZE

pytestmark = pytest.mark.e2e


def unique(text: str) -> str:
    return f"{text}{uuid.uuid4().hex[:6]}"


def submitted_case(page: Page, live_server, title: str) -> dict:
    resident = api_as(page, live_server, RESIDENT)
    return resident.post(
        "/cases", {"kind": "complaint", "title": title, "description": "路面坑洼", "region": HOME_GRID}
    )


def resolved_case(page: Page, live_server, title: str) -> dict:
    case = submitted_case(page, live_server, title)
    staff, worker = api_as(page, live_server, STAFF), api_as(page, live_server, GRID_WORKER)
    staff.transition(case["id"], "accept")
    staff.transition(case["id"], "assign", assignee_id=worker.get("/me")["id"])
    worker.transition(case["id"], "start")
    worker.transition(case["id"], "resolve", note="已修好")
    return case


def proxy_case_with_handover(page: Page, live_server, days_ahead: int) -> tuple[dict, dict]:
    """A proxy booking with documents received; each caller its own day (one slot per day and half-day)."""
    worker, resident = api_as(page, live_server, GRID_WORKER), api_as(page, live_server, RESIDENT)
    day = beijing_day(days_ahead)
    slot = worker.post("/slots", {"date": day.isoformat(), "half_day": "am", "kind": "proxy", "capacity": 5})
    booking = resident.post("/bookings", {"slot_id": slot["id"], "kind": "proxy", "service_code": "AST-004"})
    handover = worker.post(
        f"/cases/{booking['case_id']}/handovers",
        {"items": [{"name": "户口簿", "count": 1}, {"name": "身份证复印件", "count": 2}], "direction": "received"},
    )
    return booking, handover


def test_resident_withdraws_a_case_before_it_is_accepted(page: Page, live_server, messages):
    text = messages["zh-Hans"]["ui"]["case"]
    case = submitted_case(page, live_server, unique("撤回测试"))
    api = open_app(page, live_server, route=f"/cases/{case['id']}")
    page.get_by_role("button", name=text["cancel"]).click()
    # An inline second step, not a pop-up; nothing has happened yet.
    expect(page.get_by_text(text["cancel_confirm"])).to_be_focused()
    page.get_by_role("button", name=text["cancel_no"]).click()
    assert api.get(f"/cases/{case['id']}")["status"] == "submitted"
    page.get_by_role("button", name=text["cancel"]).click()
    page.get_by_role("button", name=text["cancel_yes"]).click()
    expect(page.get_by_text(messages["zh-Hans"]["case"]["status"]["cancelled"]).first).to_be_visible()
    expect(page.get_by_role("button", name=text["cancel"])).to_have_count(0)
    assert api.get(f"/cases/{case['id']}")["status"] == "cancelled"


def test_withdrawing_offline_says_the_network_is_needed_and_changes_nothing(page: Page, context, live_server, messages):
    text = messages["zh-Hant"]["ui"]["case"]
    case = submitted_case(page, live_server, unique("離線撤回"))
    api = open_app(page, live_server, locale="zh-Hant", route=f"/cases/{case['id']}")
    page.get_by_role("button", name=text["cancel"]).click()
    context.set_offline(True)
    page.get_by_role("button", name=text["cancel_yes"]).click()
    expect(page.get_by_role("alert").filter(has_text=text["offline_action"])).to_be_visible()
    context.set_offline(False)
    assert api.get(f"/cases/{case['id']}")["status"] == "submitted"


def test_resident_asks_for_a_resolved_case_to_be_done_again(page: Page, live_server, messages):
    text = messages["zh-Hans"]["ui"]["case"]
    case = resolved_case(page, live_server, unique("重新办理"))
    api = open_app(page, live_server, route=f"/cases/{case['id']}")
    expect(page.get_by_text(text["reopen_explain_resolved"].format(days=15))).to_be_visible()
    page.get_by_role("button", name=text["reopen_send"]).click()
    expect(page.get_by_role("alert").filter(has_text=text["reopen_reason_required"])).to_be_visible()
    page.get_by_label(text["reopen_label"]).fill("路灯第二天又不亮了")
    page.get_by_role("button", name=text["reopen_send"]).click()
    expect(page.get_by_text(messages["zh-Hans"]["case"]["status"]["in_progress"]).first).to_be_visible()
    expect(page.get_by_text("路灯第二天又不亮了")).to_be_visible()  # on the timeline
    assert api.get(f"/cases/{case['id']}")["status"] == "in_progress"


def rate_bad(page: Page, messages, case_id: int, live_server) -> None:
    text = messages["zh-Hans"]
    page.goto(f"{live_server.url}/#/cases/{case_id}")
    page.get_by_label(text["rating"]["level"]["1"]).check()
    page.get_by_label(text["rating"]["tag"]["not_resolved"]).check()
    page.get_by_role("button", name=text["ui"]["rating"]["send"]).click()
    expect(page.get_by_role("heading", name=text["ui"]["rating"]["yours"])).to_be_visible()


def test_resident_reopens_a_closed_case_after_a_bad_rating(page: Page, live_server, messages):
    text = messages["zh-Hans"]["ui"]["case"]
    case = resolved_case(page, live_server, unique("差评重办"))
    api = open_app(page, live_server, route=f"/cases/{case['id']}")
    rate_bad(page, messages, case["id"], live_server)
    assert api.get(f"/cases/{case['id']}")["status"] == "closed"
    expect(page.get_by_text(text["reopen_explain_closed"])).to_be_visible()
    page.get_by_label(text["reopen_label"]).fill("问题没有解决")
    page.get_by_role("button", name=text["reopen_send"]).click()
    expect(page.get_by_text(messages["zh-Hans"]["case"]["status"]["in_progress"]).first).to_be_visible()
    assert api.get(f"/cases/{case['id']}")["status"] == "in_progress"


def test_a_well_rated_closed_case_offers_no_reopening(page: Page, live_server, messages):
    case = resolved_case(page, live_server, unique("好评不重办"))
    api = api_as(page, live_server, RESIDENT)
    api.post(f"/cases/{case['id']}/rating", {"score": 5})
    open_app(page, live_server, route=f"/cases/{case['id']}")
    expect(page.get_by_role("heading", name=messages["zh-Hans"]["ui"]["rating"]["yours"])).to_be_visible()
    expect(page.get_by_role("button", name=messages["zh-Hans"]["ui"]["case"]["reopen_send"])).to_have_count(0)


def test_resident_rates_again_after_the_bad_rating_was_followed_up_and_fixed(page: Page, live_server, messages):
    text = messages["zh-Hans"]
    case = resolved_case(page, live_server, unique("追评"))
    api = open_app(page, live_server, route=f"/cases/{case['id']}")
    rate_bad(page, messages, case["id"], live_server)
    expect(page.get_by_role("heading", name=text["ui"]["rating"]["title_again"])).to_have_count(0)

    staff = api_as(page, live_server, STAFF)
    [follow_up] = [f for f in staff.get("/follow-ups?status=all")["items"] if f["case_id"] == case["id"]]
    staff.post(
        f"/follow-ups/{follow_up['id']}/steps", {"step": "callback", "outcome": "verified", "note": "已电话回访"}
    )
    staff.post(f"/follow-ups/{follow_up['id']}/steps", {"step": "fix", "outcome": "rectified", "note": "已重新维修"})

    page.reload()
    expect(page.get_by_role("heading", name=text["ui"]["rating"]["title_again"])).to_be_visible()
    expect(page.get_by_text(text["ui"]["rating"]["again_explain"])).to_be_visible()
    page.get_by_role("radio", name=text["rating"]["level"]["4"], exact=True).check()
    page.get_by_role("button", name=text["ui"]["rating"]["send"]).click()
    expect(page.get_by_role("heading", name=text["ui"]["rating"]["title_again"])).to_have_count(0)
    # Both ratings are listed once the second one has been sent.
    yours = page.get_by_role("region", name=text["ui"]["rating"]["yours"])
    expect(yours.get_by_text(text["rating"]["level"]["4"], exact=True)).to_be_visible()
    ratings = api.get(f"/cases/{case['id']}/rating")
    assert [(r["kind"], r["score"]) for r in ratings["ratings"]] == [("first", 1), ("again", 4)]
    assert ratings["can_rate"] is False


def test_resident_confirms_a_document_handover(page: Page, live_server, messages):
    text = messages["zh-Hans"]["ui"]["case"]
    booking, handover = proxy_case_with_handover(page, live_server, days_ahead=9)
    api = open_app(page, live_server, route=f"/cases/{booking['case_id']}")
    section = page.get_by_role("region", name=text["handovers"])
    expect(section.get_by_text(text["handover_item"].format(name="身份证复印件", count=2))).to_be_visible()
    section.get_by_role("button", name=text["handover_confirm"]).click()
    expect(section.get_by_text(text["handover_confirmed"].split("（")[0])).to_be_visible()
    [stored] = api.get(f"/cases/{booking['case_id']}/handovers")["items"]
    assert stored["id"] == handover["id"] and stored["confirmed_at"] is not None


def test_handover_confirmed_offline_waits_in_the_outbox_and_is_sent_once(page: Page, context, live_server, messages):
    text = messages["zh-Hans"]["ui"]
    booking, handover = proxy_case_with_handover(page, live_server, days_ahead=10)
    api = open_app(page, live_server, route=f"/cases/{booking['case_id']}")
    section = page.get_by_role("region", name=text["case"]["handovers"])
    expect(section.get_by_role("button", name=text["case"]["handover_confirm"])).to_be_visible()
    context.set_offline(True)
    section.get_by_role("button", name=text["case"]["handover_confirm"]).click()
    expect(
        page.get_by_text(
            text["outbox"]["row"].format(
                kind=text["outbox"]["kind"]["handover_confirm"], status=text["outbox"]["waiting_one"]
            )
        )
    ).to_be_visible()
    expect(page.get_by_role("link", name=text["nav"]["cases"])).to_contain_text(text["outbox"]["badge"].format(count=1))
    assert api.get(f"/cases/{booking['case_id']}/handovers")["items"][0]["confirmed_at"] is None

    context.set_offline(False)
    expect(section.get_by_text(text["case"]["handover_confirmed"].split("（")[0])).to_be_visible()
    page.reload()
    wait_for_empty_outbox(page)  # a restart sends what the outbox still holds: nothing by now
    timeline = api.get(f"/cases/{booking['case_id']}")["timeline"]
    assert [e["action"] for e in timeline].count("handover_confirmed") == 1
    assert api.get(f"/cases/{booking['case_id']}/handovers")["items"][0]["id"] == handover["id"]


def _visit_booked(page: Page, live_server, *, days_ahead: int, half_day: str):
    """The grid worker opens a visit slot and the resident books it: (worker, resident, booking, day)."""
    worker = api_as(page, live_server, GRID_WORKER)
    day = beijing_day(days_ahead)
    slot = worker.post("/slots", {"date": day.isoformat(), "half_day": half_day, "kind": "visit", "capacity": 1})
    resident = api_as(page, live_server, RESIDENT)
    booking = resident.post("/bookings", {"slot_id": slot["id"], "kind": "visit", "service_code": "AST-004"})
    return worker, resident, booking, day


def test_resident_sees_her_bookings_and_cancels_one(page: Page, live_server, messages):
    text = messages["zh-Hans"]
    worker, resident, booking, day = _visit_booked(page, live_server, days_ahead=7, half_day="pm")

    open_app(page, live_server, route="/cases")
    page.get_by_role("link", name=text["ui"]["bookings"]["link"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text["ui"]["bookings"]["title"])
    item = page.locator("li.card").filter(has_text=booking["receipt_no"])
    expect(item.get_by_text(text["booking"]["status"]["booked"])).to_be_visible()
    item.get_by_role("button", name=text["ui"]["bookings"]["cancel"]).click()
    expect(item.get_by_role("button", name=text["ui"]["bookings"]["cancel_yes"])).to_be_visible()
    item.get_by_role("button", name=text["ui"]["bookings"]["cancel_yes"]).click()
    expect(page.get_by_role("status").filter(has_text=text["ui"]["bookings"]["cancelled"])).to_be_visible()
    expect(item.get_by_text(text["booking"]["status"]["cancelled"])).to_be_visible()
    expect(item.get_by_role("button", name=text["ui"]["bookings"]["cancel"])).to_have_count(0)
    assert resident.get(f"/bookings/{booking['id']}")["status"] == "cancelled"
    # The place is free again for someone else.
    assert worker.get(f"/slots?kind=visit&from={day}&to={day}")["items"][0]["free"] >= 1


def test_cancelling_a_booking_offline_says_the_network_is_needed(page: Page, context, live_server, messages):
    text = messages["zh-Hans"]["ui"]
    _, resident, booking, _ = _visit_booked(page, live_server, days_ahead=8, half_day="am")
    open_app(page, live_server, route="/bookings")
    item = page.locator("li.card").filter(has_text=booking["receipt_no"])
    item.get_by_role("button", name=text["bookings"]["cancel"]).click()
    context.set_offline(True)
    item.get_by_role("button", name=text["bookings"]["cancel_yes"]).click()
    expect(item.get_by_role("alert")).to_have_text(text["case"]["offline_action"])
    context.set_offline(False)
    assert resident.get(f"/bookings/{booking['id']}")["status"] == "booked"


def test_anyone_looks_up_a_case_by_receipt_number_and_phone_without_signing_in(page: Page, live_server, messages):
    text = messages["zh-Hant"]["ui"]
    case = submitted_case(page, live_server, unique("查詢進度"))
    page.goto(f"{live_server.url}/?lang=zh-Hant#/signin")
    lookup = page.get_by_role("region", name=text["lookup"]["title"])
    lookup.get_by_label(text["lookup"]["receipt"]).fill(case["receipt_no"].lower())
    lookup.get_by_label(text["lookup"]["phone"]).fill("138 0000 0002")  # not the resident's phone
    lookup.get_by_role("button", name=text["lookup"]["send"]).click()
    expect(lookup.get_by_role("alert")).to_have_text(text["lookup"]["not_found"])

    lookup.get_by_label(text["lookup"]["phone"]).fill(RESIDENT)
    lookup.get_by_role("button", name=text["lookup"]["send"]).click()
    result = lookup.get_by_role("region", name=text["lookup"]["result"])
    expect(result.get_by_text(messages["zh-Hant"]["case"]["status"]["submitted"]).first).to_be_visible()
    expect(result.get_by_text(case["receipt_no"])).to_be_visible()
    expect(result.get_by_text(messages["zh-Hant"]["case"]["action"]["submit"], exact=True)).to_be_visible()
    expect(result.get_by_text("路面坑洼")).to_have_count(0)  # no personal details


def test_resident_revokes_a_family_link_after_an_inline_confirmation(page: Page, live_server, messages):
    text = messages["zh-Hans"]["ui"]["family"]
    son_phone = f"139{uuid.uuid4().int % 10**8:08d}"
    add_user(live_server, son_phone, name="李小明")
    son = api_as(page, live_server, son_phone)
    link = son.post("/family-links", {"phone": RESIDENT, "relation": "母亲"})
    mother = api_as(page, live_server, RESIDENT)
    mother.post(f"/family-links/{link['id']}/confirm", {})

    open_app(page, live_server, RESIDENT, route="/settings")
    item = page.locator("li.family-link").filter(has_text="李小明")
    item.get_by_role("button", name=text["revoke"]).click()
    expect(item.get_by_text(text["revoke_confirm"].format(name="李小明"))).to_be_focused()
    item.get_by_role("button", name=text["revoke_yes"]).click()
    expect(page.get_by_role("status").filter(has_text=text["revoked"])).to_be_visible()
    expect(page.locator("li.family-link").filter(has_text="李小明")).to_have_count(0)
    assert [item for item in son.get("/family-links")["items"] if item["id"] == link["id"]] == []


def _p256dh() -> str:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    raw = key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_service_worker_resubscribes_on_pushsubscriptionchange_and_tells_the_server(browser, start_server):
    # Loopback push endpoints are refused unless allowed; nothing listens there, so no delivery leaves the machine.
    server = start_server(BIANMIN_PUSH_ALLOW_INSECURE="127.0.0.1")
    context = browser.new_context(locale="zh-CN", service_workers="allow")
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        open_app(page, server, route="/settings")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        wait_until(lambda: context.service_workers, message="service worker did not start")
        # The page has left the signed-in user for the worker.
        [worker] = context.service_workers
        wait_until(
            lambda: worker.evaluate(
                "new Promise(r => { const q = indexedDB.open('bianmin'); q.onsuccess = () => {"
                " const g = q.result.transaction('responses').objectStore('responses').get('push|session');"
                " g.onsuccess = () => r(Boolean(g.result)); }; })"
            ),
            message="no session for the worker",
        )
        endpoint = "http://127.0.0.1:9/push/renewed-" + uuid.uuid4().hex[:8]
        auth = base64.urlsafe_b64encode(b"0123456789abcdef").decode().rstrip("=")
        # The browser's push service is out of reach here: stand in for subscribe(),
        # then fire the event as the browser would (waitUntil collects the work).
        worker.evaluate(
            """async ([endpoint, p256dh, auth]) => {
                const renewed = {endpoint, toJSON: () => ({endpoint, keys: {p256dh, auth}, expirationTime: null})};
                self.registration.pushManager.subscribe = async () => renewed;
                const event = new Event('pushsubscriptionchange');
                let work = Promise.resolve();
                event.waitUntil = (promise) => { work = promise; };
                self.dispatchEvent(event);
                await work;
            }""",
            [endpoint, _p256dh(), auth],
        )
        database = server.data_dir / "bianmin.sqlite3"
        with sqlite3.connect(database) as db:
            rows = db.execute("SELECT endpoint FROM push_subscription WHERE endpoint = ?", (endpoint,)).fetchall()
        assert rows == [(endpoint,)]
    finally:
        context.close()


def test_signing_out_drops_this_browsers_push_subscription(browser, start_server, messages):
    """On a shared phone, the next person must not receive the last user's case news."""
    server = start_server(BIANMIN_PUSH_ALLOW_INSECURE="127.0.0.1")
    context = browser.new_context(locale="zh-CN", service_workers="allow")
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        api = open_app(page, server, route="/settings")
        endpoint = "http://127.0.0.1:9/push/shared-phone-" + uuid.uuid4().hex[:8]
        auth = base64.urlsafe_b64encode(b"0123456789abcdef").decode().rstrip("=")
        api.post("/push/subscriptions", {"endpoint": endpoint, "keys": {"p256dh": _p256dh(), "auth": auth}})
        # The browser's push service is out of reach here: stand in for this device's subscription.
        page.evaluate(
            """(endpoint) => {
                window.__unsubscribed = false;
                const subscription = {
                    endpoint, unsubscribe: async () => { window.__unsubscribed = true; return true; }};
                PushManager.prototype.getSubscription = async () => subscription;
            }""",
            endpoint,
        )
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.get_by_role("button", name=messages["zh-Hans"]["signin"]["sign_out"], exact=True).click()
        wait_until(lambda: page.evaluate("() => window.__unsubscribed"), message="the browser subscription was kept")
        database = server.data_dir / "bianmin.sqlite3"

        def rows():
            with sqlite3.connect(database) as db:
                return db.execute("SELECT endpoint FROM push_subscription WHERE endpoint = ?", (endpoint,)).fetchall()

        wait_until(lambda: rows() == [], message="the server still pushes to this browser")
    finally:
        context.close()


IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


@pytest.mark.parametrize("locale", ["zh-Hans", "zh-Hant"])
def test_on_an_iphone_the_settings_explain_add_to_home_screen_before_offering_push(
    browser, live_server, messages, locale
):
    text = messages[locale]["ui"]
    context = browser.new_context(
        viewport=SCREEN_SIZE,
        user_agent=IPHONE_SAFARI,
        locale="zh-CN",
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        open_app(page, live_server, locale=locale, route="/settings")
        push = page.get_by_role("region", name=text["push"]["title"])
        expect(push.get_by_text(text["push"]["ios_install"])).to_be_visible()
        expect(push.get_by_role("button", name=text["push"]["turn_on"])).to_have_count(0)
        expect(push.get_by_role("link", name=text["nav"]["inbox"])).to_be_visible()
        assert axe_violations(page) == []
        push.screenshot(path=str(SCREENSHOTS / f"settings-push-ios-{locale}-standard.png"))
    finally:
        context.close()
