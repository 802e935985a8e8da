"""A grid worker's offline session (issue 10): the queue and the residents of my
grids open without a network, a case is started and resolved with a note and a
photo and a proxy submission is made while offline, and once the network is back
the server has the case resolved exactly once, in order, and the submission once."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.field import actions, assigned_case, photo_png
from tests.e2e.resident import (
    GRID_WORKER,
    RESIDENT,
    STEP_TIMEOUT_MS,
    VIEWPORT,
    api_as,
    open_app,
    wait_for_empty_outbox,
    wait_until,
)

pytestmark = pytest.mark.e2e


def test_a_case_started_and_resolved_offline_is_resolved_on_the_server_exactly_once(
    browser: Browser, live_server, messages
):
    context = browser.new_context(
        viewport=VIEWPORT,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        service_workers="allow",
    )
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    text = messages["zh-Hans"]
    field = text["ui"]["field"]
    try:
        case = assigned_case(page, live_server)
        worker = api_as(page, live_server, GRID_WORKER)
        open_app(page, live_server, GRID_WORKER, route="/field")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        # Once more under the service worker's control, so it keeps the field chunk for offline.
        page.reload()
        card = page.locator("a.card-link", has_text=case["title"])
        expect(card).to_be_visible()
        expect(card).to_contain_text(text["case"]["status"]["assigned"])
        # The queue stores each case's detail for offline (one request per case not stored yet).
        wait_until(
            lambda: page.evaluate(
                """([key]) => new Promise((resolve) => {
                const open = indexedDB.open('bianmin');
                open.onsuccess = () => {
                  const get = open.result.transaction('responses').objectStore('responses').get(key);
                  get.onsuccess = () => resolve(Boolean(get.result));
                };
              })""",
                [f"{worker.get('/me')['id']}|zh-Hans|/cases/{case['id']}/handovers"],
            ),
            message="the case detail was not stored for offline",
        )

        context.set_offline(True)
        page.goto("about:blank")
        page.goto(f"{live_server.url}/#/field")  # a full load with no network at all
        expect(page.get_by_role("heading", level=1)).to_have_text(field["queue"]["title"])
        expect(page.get_by_text(text["ui"]["common"]["offline_copy"]).first).to_be_visible()
        page.locator("a.card-link", has_text=case["title"]).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(case["title"])

        page.get_by_role("button", name=field["case"]["start"], exact=True).click()
        expect(page.locator("p.notice", has_text=field["outbox_kind"]["start"])).to_be_visible()
        # The screen goes on from where the queued step leads: resolve is offered.
        page.get_by_label(field["case"]["resolve_note"]).fill("已更换灯泡，晚上亮了")
        page.get_by_label(field["photos"]).set_input_files(
            files=[{"name": "lamp.png", "mimeType": "image/png", "buffer": photo_png()}]
        )
        expect(page.get_by_text(text["ui"]["submit"]["photos_count"].format(count=1, max=9))).to_be_visible()
        page.get_by_role("button", name=field["case"]["resolve"], exact=True).click()
        expect(page.locator("p.notice", has_text=field["outbox_kind"]["resolve"])).to_be_visible()
        expect(page.locator("p.notice", has_text=field["outbox_kind"]["start"])).to_be_visible()
        expect(page.locator(".status").first).to_have_text(text["case"]["status"]["resolved"])
        page.get_by_role("link", name=text["ui"]["nav"]["field"]).first.click()
        expect(page.locator("nav .badge")).to_have_text(text["ui"]["outbox"]["badge"].format(count=2))
        assert worker.get(f"/cases/{case['id']}")["status"] == "assigned"  # nothing reached the server yet
        # The residents of my grids were stored by the queue: readable and searchable offline.
        page.get_by_role("link", name=text["ui"]["nav"]["field_residents"], exact=True).click()
        expect(page.get_by_role("heading", name="王秀英")).to_be_visible()
        page.get_by_label(field["residents"]["search"]).fill("秀英")
        page.get_by_role("button", name=field["residents"]["search_button"]).click()
        expect(page.get_by_text(field["residents"]["offline_search"])).to_be_visible()
        expect(page.get_by_text(field["residents"]["found"].format(count=1))).to_be_visible()
        # A proxy submission made at the resident's door, still offline.
        page.get_by_role("link", name=field["residents"]["proxy"]).click()
        page.get_by_label(text["case"]["kind"]["complaint"]).check()
        proxy_title = f"代为反映：{case['title']}"
        page.get_by_label(text["ui"]["submit"]["case_title"]).fill(proxy_title)
        page.get_by_label(text["ui"]["submit"]["description"]).fill("老人电话里说路灯还是不亮。")
        page.get_by_label(field["identity"]["phone"]).check()
        page.get_by_role("button", name=field["proxy"]["send"]).click()
        expect(page.get_by_text(field["queued"])).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_have_text(field["queue"]["title"])
        expect(page.locator("nav .badge")).to_have_text(text["ui"]["outbox"]["badge"].format(count=3))

        context.set_offline(False)
        wait_until(
            lambda: worker.get(f"/cases/{case['id']}")["status"] == "resolved",
            timeout=30,
            message="the queued steps were not sent when the network came back",
        )
        expect(page.locator("nav .badge")).to_have_count(0)
        # Nothing is left for a second sender (the service worker's Background Sync) to send again.
        wait_for_empty_outbox(page)
        stored = worker.get(f"/cases/{case['id']}")
        steps = actions(stored)
        assert steps.count("resolve") == 1 and steps.count("start") == 1, steps
        assert steps.index("start") < steps.index("resolve")
        [resolved] = [event for event in stored["timeline"] if event["action"] == "resolve"]
        assert resolved["note"] == "已更换灯泡，晚上亮了"
        assert len(resolved["photos"]) == 1
        resident = api_as(page, live_server, RESIDENT)
        filed = [item for item in resident.get("/cases")["items"] if item["title"] == proxy_title]
        assert len(filed) == 1
        proxy_case = resident.get(f"/cases/{filed[0]['id']}")
        assert proxy_case["identity_check"] == "phone" and proxy_case["submitted_by"]["name"] == "李建国"
    finally:
        context.close()


def test_a_step_waiting_after_a_server_error_holds_back_the_next_step_of_the_same_case(
    browser: Browser, live_server, messages
):
    # Without the service worker: the page is the only sender, and page.route sees every request.
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", service_workers="block")
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    field = messages["zh-Hans"]["ui"]["field"]
    sent: list[str] = []

    def server_down(route):
        sent.append(route.request.post_data_json["action"])
        route.fulfill(
            status=503, content_type="application/json", body='{"error": {"code": "x", "message": "", "details": {}}}'
        )

    try:
        case = assigned_case(page, live_server)
        worker = api_as(page, live_server, GRID_WORKER)
        open_app(page, live_server, GRID_WORKER, route=f"/field/cases/{case['id']}")
        expect(page.get_by_role("heading", level=1)).to_have_text(case["title"])
        page.route(f"**/api/v1/cases/{case['id']}/transitions", server_down)
        page.get_by_role("button", name=field["case"]["start"], exact=True).click()
        page.get_by_label(field["case"]["resolve_note"]).fill("已处理")
        page.get_by_role("button", name=field["case"]["resolve"], exact=True).click()
        expect(page.locator("p.notice", has_text=field["outbox_kind"]["resolve"])).to_be_visible()
        # Start was tried (and tried again when resolve was queued); resolve waited its turn.
        wait_until(lambda: len(sent) >= 2, page=page)
        assert sent and set(sent) == {"start"}, sent

        page.unroute(f"**/api/v1/cases/{case['id']}/transitions")
        context.set_offline(True)
        context.set_offline(False)  # the `online` event sends everything at once, in order
        wait_until(lambda: worker.get(f"/cases/{case['id']}")["status"] == "resolved")
        steps = actions(worker.get(f"/cases/{case['id']}"))
        assert steps[-2:] == ["start", "resolve"] and steps.count("resolve") == 1
        expect(page.locator("p.notice, p.message-error")).to_have_count(0)
    finally:
        context.close()
