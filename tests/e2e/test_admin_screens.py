"""Every county-admin screen (#/admin/…): no axe-core violations, text and tap targets
large enough, no sideways scrolling, in both scripts and both modes; screenshots to
docs/screenshots/admin-<screen>-<script>-<mode>.png at 360 × 740."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.resident import GRID_WORKER, HOME_GRID, RESIDENT, STAFF, api_as, open_app
from tests.e2e.screens import check_screen, screen_page, wait_settled

pytestmark = [pytest.mark.e2e, pytest.mark.own_server("the screenshots show the same data every run")]

ADMIN = "13800000004"


@pytest.fixture(scope="module")
def appeal(browser: Browser, live_server) -> dict:
    """A bad rating flagged by staff (for the appeals screen) and one holiday override."""
    context = browser.new_context()
    page = context.new_page()
    resident, staff, worker, admin = (
        api_as(page, live_server, phone) for phone in (RESIDENT, STAFF, GRID_WORKER, ADMIN)
    )
    case = resident.post(
        "/cases", {"kind": "complaint", "title": "村口路灯不亮", "description": "晚上看不清路。", "region": HOME_GRID}
    )
    staff.transition(case["id"], "accept")
    staff.transition(case["id"], "assign", assignee_id=worker.get("/me")["id"])
    worker.transition(case["id"], "start")
    worker.transition(case["id"], "resolve", note="已更换灯泡")
    rating = resident.post(f"/cases/{case['id']}/rating", {"score": 1, "tags": ["attitude"], "comment": "太差了"})
    staff.post(f"/ratings/{rating['id']}/flag", {"reason": "灯已修好，有照片为证，评价与事实不符"})
    year = dt.date.today().year
    answer = page.request.put(
        f"{live_server.url}/api/v1/holidays",
        headers=admin.headers(),
        data={"year": year, "items": [{"date": f"{year}-12-31", "is_workday": False, "note": "年末休息"}]},
    )
    assert answer.ok, answer.text()
    context.close()
    return rating


def screens(text: dict) -> list[tuple[str, str, str | None]]:
    """(screen name, route, button to press first to show an inline form, or None)."""
    ui = text["ui"]["admin"]
    return [
        ("home", "/admin", None),
        ("users", "/admin/users", None),
        ("user-edit", "/admin/users", ui["users"]["edit"]),
        ("user-new", "/admin/users/new", None),
        ("regions", "/admin/regions", None),
        ("regions-rename", "/admin/regions/990101001", ui["regions"]["rename"]),
        ("regions-grids", "/admin/regions/990101001001", None),
        ("holidays", "/admin/holidays", None),
        ("appeals", "/admin/appeals", None),
        ("appeals-confirm", "/admin/appeals", ui["appeals"]["uphold"]),
    ]


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
@pytest.mark.parametrize("locale", ["zh-Hans", "zh-Hant"])
def test_admin_screens_have_no_axe_violations_are_large_enough_and_are_saved(
    browser: Browser, live_server, messages, appeal, locale, elder
):
    text = messages[locale]
    found = {}
    with screen_page(browser) as page:
        open_app(page, live_server, ADMIN, locale=locale, elder=elder, route="/admin")
        for name, route, press in screens(text):
            page.goto(f"{live_server.url}/#{route}")
            expect(page.locator("main h1")).to_be_visible()
            expect(page.locator("main [role=status]", has_text=text["app"]["loading"])).to_have_count(0)
            if press:
                button = page.get_by_role("button", name=press).first
                expect(button).to_be_visible()
                button.click()
            wait_settled(page)
            violations, problems = check_screen(page, name, locale, elder, prefix="admin-")
            if violations or problems:
                found[name] = (violations, problems)
        assert found == {}
