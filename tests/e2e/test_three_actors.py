"""One case from start to end with three people on three devices (issue 10): the
resident submits it on her phone, the township clerk accepts and dispatches it
at the desk, the grid worker handles it on his phone with a photo and resolves
it, and the resident rates it. After each step the others refresh their screen
and see the change; the resident's inbox has a message for each move."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.field import photo_png
from tests.e2e.resident import GRID_WORKER, RESIDENT, STAFF, STEP_TIMEOUT_MS, VIEWPORT, api_as, open_app, wait_until
from tests.e2e.test_resident_cases import fill_case_form, unique

pytestmark = pytest.mark.e2e

TABLET = {"width": 1024, "height": 768}


def _device(browser: Browser, viewport: dict) -> Page:
    context = browser.new_context(viewport=viewport, locale="zh-CN", service_workers="block")
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    return page


def _status(page: Page, text: dict, status: str) -> None:
    expect(page.get_by_text(text["case"]["status"][status]).first).to_be_visible()


def test_a_case_goes_from_the_resident_through_desk_and_field_to_a_rating(browser: Browser, live_server, messages):
    text = messages["zh-Hans"]
    desk, field = text["ui"]["desk"], text["ui"]["field"]
    resident_page, staff_page, worker_page = (
        _device(browser, VIEWPORT),
        _device(browser, TABLET),
        _device(browser, VIEWPORT),
    )
    try:
        # The resident files a complaint on her phone.
        resident = open_app(resident_page, live_server, RESIDENT, route="/submit?kind=complaint")
        title = unique("村口路灯坏了")
        fill_case_form(resident_page, text, title)
        resident_page.get_by_role("button", name=text["ui"]["submit"]["send"], exact=True).click()
        resident_page.get_by_role("link", name=title).click()
        expect(resident_page.get_by_role("heading", level=1)).to_have_text(title)
        _status(resident_page, text, "submitted")
        case_id = int(re.search(r"#/cases/(\d+)$", resident_page.url).group(1))

        # The clerk finds it in the intake list, accepts it and sends it to the grid worker.
        open_app(staff_page, live_server, STAFF, route="/desk")
        staff_page.get_by_role("link", name=title).first.click()
        expect(staff_page).to_have_url(re.compile(rf"#/desk/cases/{case_id}$"))
        staff_page.get_by_role("button", name=text["case"]["action"]["accept"], exact=True).click()
        expect(staff_page.locator("p.status")).to_have_text(text["case"]["status"]["accepted"])
        picker = staff_page.get_by_label(desk["assign"]["person"])
        picker.select_option(label=picker.locator("option", has_text="李建国").text_content())
        staff_page.get_by_role("button", name=desk["assign"]["title"], exact=True).click()
        expect(staff_page.locator("p.status")).to_have_text(text["case"]["status"]["assigned"])

        resident_page.reload()
        _status(resident_page, text, "assigned")

        # The grid worker sees it in his queue, starts it, and resolves it with a note and a photo.
        worker = open_app(worker_page, live_server, GRID_WORKER, route="/field")
        worker_page.locator("a.card-link", has_text=title).click()
        expect(worker_page.get_by_role("heading", level=1)).to_have_text(title)
        worker_page.get_by_role("button", name=field["case"]["start"], exact=True).click()
        wait_until(lambda: worker.get(f"/cases/{case_id}")["status"] == "in_progress", message="start not sent")
        worker_page.get_by_label(field["case"]["resolve_note"]).fill("已换新灯泡，晚上亮了")
        worker_page.get_by_label(field["photos"]).set_input_files(
            files=[{"name": "lamp.png", "mimeType": "image/png", "buffer": photo_png()}]
        )
        expect(worker_page.get_by_text(text["ui"]["submit"]["photos_count"].format(count=1, max=9))).to_be_visible()
        worker_page.get_by_role("button", name=field["case"]["resolve"], exact=True).click()
        wait_until(lambda: worker.get(f"/cases/{case_id}")["status"] == "resolved", message="resolve not sent")

        staff_page.reload()
        expect(staff_page.locator("p.status")).to_have_text(text["case"]["status"]["resolved"])
        expect(staff_page.get_by_text("已换新灯泡，晚上亮了")).to_be_visible()

        # The resident sees the fix, with the worker's photo, and rates it.
        resident_page.reload()
        _status(resident_page, text, "resolved")
        expect(resident_page.get_by_text("已换新灯泡，晚上亮了")).to_be_visible()
        photo = resident_page.locator("main img").first
        expect(photo).to_be_visible()
        assert resident_page.evaluate("(img) => img.complete && img.naturalWidth > 0", photo.element_handle())
        resident_page.get_by_label(text["rating"]["level"]["5"]).check()
        resident_page.get_by_role("button", name=text["ui"]["rating"]["send"]).click()
        expect(resident_page.get_by_role("heading", name=text["ui"]["rating"]["yours"])).to_be_visible()

        staff_page.reload()
        expect(staff_page.locator("p.status")).to_have_text(text["case"]["status"]["closed"])
        worker_page.reload()
        _status(worker_page, text, "closed")

        # Every move reached the resident's inbox, and the server has the whole story once.
        inbox = resident.get("/notifications")["items"]
        mine = [item for item in inbox if item.get("case_id") == case_id]
        assert len(mine) >= 3, inbox[:5]
        stored = resident.get(f"/cases/{case_id}")
        assert [event["action"] for event in stored["timeline"]] == [
            "submit",
            "accept",
            "assign",
            "start",
            "resolve",
            "rate",
        ], stored["timeline"]
        assert stored["status"] == "closed"
        assert len(stored["timeline"][4]["photos"]) == 1
        assert api_as(staff_page, live_server, STAFF).get(f"/cases/{case_id}/rating")["ratings"][0]["score"] == 5
    finally:
        for page in (resident_page, staff_page, worker_page):
            page.context.close()
