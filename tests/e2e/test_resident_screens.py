"""Every resident screen: no axe-core violations, elder-mode sizes, both
scripts; screenshots of each to docs/screenshots/ (360 × 740)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.resident import GRID_WORKER, HOME_GRID, RESIDENT, STAFF, api_as, beijing_day, open_app
from tests.e2e.screens import assert_large_enough, photograph, screen_page, wait_settled

pytestmark = [pytest.mark.e2e, pytest.mark.own_server("the screenshots show demo data and not other tests' cases")]


@pytest.fixture(scope="module")
def resolved_case(browser: Browser, live_server) -> dict:
    """A case moved to `resolved` by staff and the grid worker, so its screen shows the timeline and rating form."""
    context = browser.new_context()
    page = context.new_page()
    resident = api_as(page, live_server, RESIDENT)
    staff = api_as(page, live_server, STAFF)
    worker = api_as(page, live_server, GRID_WORKER)
    case = resident.post(
        "/cases",
        {
            "kind": "complaint",
            "title": "村口路灯不亮",
            "description": "晚上看不清路，老人容易摔倒。",
            "region": HOME_GRID,
        },
    )
    staff.transition(case["id"], "accept")
    staff.transition(case["id"], "assign", assignee_id=worker.get("/me")["id"])
    worker.transition(case["id"], "start")
    worker.transition(case["id"], "resolve", note="已更换灯泡")
    day = beijing_day(5)
    worker.post("/slots", {"date": day.isoformat(), "half_day": "am", "kind": "visit", "capacity": 2})
    context.close()
    return case


def screens(case_id: int) -> list[tuple[str, str]]:
    return [
        ("home", "/"),
        ("service", "/services/AST-004"),
        ("submit", "/submit?kind=request&service=INS-008"),
        ("cases", "/cases"),
        ("case", f"/cases/{case_id}"),
        ("book", "/book?kind=visit&service=AST-004"),
        ("inbox", "/inbox"),
        ("settings", "/settings"),
    ]


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
@pytest.mark.parametrize("locale", ["zh-Hans", "zh-Hant"])
def test_every_screen_has_no_axe_violations_and_is_saved_as_a_screenshot(
    browser: Browser, live_server, messages, resolved_case, locale, elder
):
    mode = "elder" if elder else "standard"
    with screen_page(browser) as page:
        open_app(page, live_server, locale=locale, elder=elder)
        problems = {}
        for name, route in screens(resolved_case["id"]):
            page.goto(f"{live_server.url}/#{route}")
            expect(page.locator("main [role=status]", has_text=messages[locale]["app"]["loading"])).to_have_count(0)
            wait_settled(page)
            if name == "home":  # show one category opened, as a villager would
                page.locator("details.category summary").first.click()
            violations = photograph(page, f"{name}-{locale}-{mode}", full_page=False)
            if violations:
                problems[name] = violations
        assert problems == {}


@pytest.mark.parametrize(
    ("elder", "text_px", "heading_px", "target_px"),
    [(True, 18, 24, 60), (False, 16, 18, 44)],
    ids=["elder", "standard"],
)
def test_text_and_tap_targets_are_large_enough(
    page: Page, live_server, messages, resolved_case, elder, text_px, heading_px, target_px
):
    open_app(page, live_server, elder=elder)
    for _, route in screens(resolved_case["id"]):
        page.goto(f"{live_server.url}/#{route}")
        expect(page.locator("main [role=status]", has_text=messages["zh-Hans"]["app"]["loading"])).to_have_count(0)
        wait_settled(page)
        assert_large_enough(page, route, text_px, heading_px, target_px)


def test_switching_script_re_renders_at_once_and_is_saved(page: Page, live_server, messages):
    api = open_app(page, live_server, route="/settings")
    hans, hant = messages["zh-Hans"], messages["zh-Hant"]
    expect(page.get_by_role("heading", level=1)).to_have_text(hans["ui"]["settings"]["title"])
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("main").get_by_role("button", name=hans["locale"]["zh-Hant"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(hant["ui"]["settings"]["title"])
    expect(page.get_by_role("link", name=hant["ui"]["nav"]["inbox"])).to_be_visible()
    assert page.evaluate("window.__sameDocument === true")  # no reload
    assert api.get("/me")["locale"] == "zh-Hant"
    # Data from the server follows: the home grid's name comes back in Traditional script.
    page.get_by_role("link", name=hant["ui"]["nav"]["home"]).click()
    expect(page.get_by_text(api.get("/me")["region"]["name"])).to_be_visible()
    page.get_by_role("button", name=hant["locale"]["zh-Hans"]).click()
    expect(page.get_by_role("link", name=hans["ui"]["nav"]["cases"])).to_be_visible()


def test_without_web_push_the_settings_say_so_and_point_to_the_inbox(page: Page, live_server, messages):
    text = messages["zh-Hans"]
    page.add_init_script("delete window.PushManager")
    open_app(page, live_server, route="/settings")
    expect(page.get_by_text(text["ui"]["push"]["unavailable"])).to_be_visible()
    page.get_by_role("main").get_by_role("link", name=text["ui"]["nav"]["inbox"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text["ui"]["inbox"]["title"])
