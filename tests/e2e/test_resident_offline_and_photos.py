"""Offline reading from the service worker and IndexedDB; photos shrunk before upload; the inbox."""

from __future__ import annotations

import io
import re
import uuid

import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.resident import (
    HOME_GRID,
    RESIDENT,
    STAFF,
    STEP_TIMEOUT_MS,
    VIEWPORT,
    api_as,
    open_app,
    wait_until,
)

pytestmark = pytest.mark.e2e


def test_app_opens_offline_with_my_cases_and_the_catalog_from_the_last_visit(
    page: Page, context: BrowserContext, live_server, messages
):
    text = messages["zh-Hans"]
    resident = api_as(page, live_server, RESIDENT)
    title = f"门前排水沟堵了{uuid.uuid4().hex[:6]}"
    resident.post("/cases", {"kind": "complaint", "title": title, "description": "下雨就积水", "region": HOME_GRID})
    open_app(page, live_server, route="/cases")
    expect(page.get_by_role("link", name=title)).to_be_visible()
    page.goto(f"{live_server.url}/#/services/AST-004")
    expect(page.get_by_role("heading", level=1)).to_have_text("医疗救助申请")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.goto(f"{live_server.url}/#/")  # the home screen stores the catalog
    expect(page.locator("details.category").first).to_be_visible()

    context.set_offline(True)
    page.goto(f"{live_server.url}/#/cases")  # a full load, with no network at all
    expect(page.get_by_role("heading", level=1)).to_have_text(text["ui"]["cases"]["title"])
    expect(page.get_by_role("link", name=title)).to_be_visible()
    expect(page.get_by_text(text["ui"]["common"]["offline_copy"])).to_be_visible()
    page.get_by_role("link", name=text["ui"]["nav"]["home"]).click()
    expect(page.locator("details.category").first).to_be_visible()
    page.goto(f"{live_server.url}/#/services/AST-004")
    expect(page.get_by_role("heading", level=1)).to_have_text("医疗救助申请")
    context.set_offline(False)


def big_photo() -> bytes:
    image = Image.new("RGB", (3200, 2400), (200, 120, 40))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_photo_is_shrunk_in_the_browser_uploaded_and_attached_to_the_case(browser, live_server, messages):
    # Without the service worker: its Background Sync may send the queued upload
    # first, and a worker's requests are not the page's to count.
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", service_workers="block")
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    text = messages["zh-Hans"]
    api = open_app(page, live_server, route="/submit?kind=complaint")
    title = f"垃圾没人清{uuid.uuid4().hex[:6]}"
    page.get_by_label(text["ui"]["submit"]["case_title"]).fill(title)
    page.get_by_label(text["ui"]["submit"]["description"]).fill("村口垃圾堆了三天")
    photo = big_photo()
    page.get_by_label(text["ui"]["submit"]["photos"]).set_input_files(
        files=[{"name": "photo.png", "mimeType": "image/png", "buffer": photo}]
    )
    expect(page.get_by_text(text["ui"]["submit"]["photos_count"].format(count=1, max=9))).to_be_visible()
    uploads = []
    page.on(
        "request", lambda r: uploads.append(len(r.post_data_buffer or b"")) if r.url.endswith("/api/v1/media") else None
    )
    page.get_by_role("button", name=text["ui"]["submit"]["send"], exact=True).click()
    expect(page.get_by_role("link", name=title)).to_be_visible()

    [item] = [c for c in api.get("/cases")["items"] if c["title"] == title]
    case = api.get(f"/cases/{item['id']}")
    [shown] = case["timeline"][0]["photos"]
    assert max(shown["width"], shown["height"]) == 1600
    assert uploads and max(uploads) < len(photo)  # what travelled was the shrunk JPEG

    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("img", name=text["ui"]["case"]["photo"])).to_be_visible()
    context.close()


def test_inbox_shows_news_about_my_case_and_marks_it_read(page: Page, live_server, messages):
    text = messages["zh-Hans"]
    resident = api_as(page, live_server, RESIDENT)
    staff = api_as(page, live_server, STAFF)
    title = f"申请养老补贴{uuid.uuid4().hex[:6]}"
    case = resident.post(
        "/cases",
        {"kind": "request", "service_code": "OLD-001", "title": title, "description": "八十岁了", "region": HOME_GRID},
    )
    staff.transition(case["id"], "accept")
    before = resident.get("/notifications")["unread"]
    assert before >= 1

    open_app(page, live_server, route="/inbox")
    expect(page.get_by_text(text["ui"]["inbox"]["unread"].format(count=before))).to_be_visible()
    first = page.locator("li.card.unread").first
    first.get_by_role("button", name=text["ui"]["inbox"]["mark_read"]).click()
    expect(page.get_by_text(text["ui"]["inbox"]["unread"].format(count=before - 1))).to_be_visible()
    assert resident.get("/notifications")["unread"] == before - 1
    page.locator("li.card").filter(has_text=title).first.get_by_role(
        "link", name=text["ui"]["inbox"]["open_case"]
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_push_opt_in_is_explained_and_its_outcome_said_plainly(
    page: Page, context: BrowserContext, live_server, messages
):
    text = messages["zh-Hans"]
    context.grant_permissions(["notifications"], origin=live_server.url)
    open_app(page, live_server, route="/settings")
    expect(page.get_by_text(text["ui"]["push"]["explain"])).to_be_visible()
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.get_by_role("button", name=text["ui"]["push"]["turn_on"]).click()
    # This headless browser has no reachable push service; either way the user is told, never left waiting.
    outcome = page.get_by_role("status").filter(
        has_text=re.compile(f"{re.escape(text['ui']['push']['on_done'])}|{re.escape(text['ui']['push']['failed'])}")
    )
    expect(outcome).to_be_visible()


def test_service_worker_shows_a_push_message_as_sent_by_the_server(page: Page, live_server, messages):
    open_app(page, live_server, route="/inbox")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    session = page.context.new_cdp_session(page)
    versions = []
    session.on("ServiceWorker.workerRegistrationUpdated", lambda event: versions.extend(event["registrations"]))
    session.send("ServiceWorker.enable")
    wait_until(lambda: [r for r in versions if r["scopeURL"].startswith(live_server.url)], page=page)
    [reg] = [r for r in versions if r["scopeURL"].startswith(live_server.url)] or [None]
    assert reg, versions
    payload = '{"title": "您的事项已受理", "body": "村口路灯不亮", "url": "/#/cases/1", "tag": "case-1", "case_id": 1}'
    session.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": live_server.url + "/", "registrationId": reg["registrationId"], "data": payload},
    )
    shown = wait_until(
        lambda: page.evaluate(
            "navigator.serviceWorker.ready.then(r => r.getNotifications())"
            ".then(n => n.map(x => [x.title, x.body, x.tag]))"
        ),
        message="no notification shown",
    )
    assert shown == [["您的事项已受理", "村口路灯不亮", "case-1"]]
