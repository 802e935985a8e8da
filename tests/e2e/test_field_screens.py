"""Every grid worker (网格员) screen: no axe-core violations in both scripts and
both modes, text and tap targets large enough, nothing wider than a 360 px
phone; screenshots to docs/screenshots/field-<screen>-<script>-<mode>.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.field import assigned_case, booked_visit, put
from tests.e2e.resident import GRID_WORKER, api_as, open_app
from tests.e2e.screens import assert_large_enough, photograph, screen_page, wait_settled

pytestmark = [pytest.mark.e2e, pytest.mark.own_server("the screenshots show a worker's ordinary day")]


@pytest.fixture(scope="module")
def world(browser: Browser, live_server) -> dict:
    """Two cases in the worker's queue (one being handled), a visit booked today, a weekly pattern."""
    context = browser.new_context()
    page = context.new_page()
    worker = api_as(page, live_server, GRID_WORKER)
    waiting = assigned_case(page, live_server, title="村口路灯不亮")
    handling = assigned_case(page, live_server, title="申请临时救助", kind="request", service_code="AST-004")
    worker.transition(handling["id"], "start")
    worker.post(
        f"/cases/{handling['id']}/handovers", {"items": [{"name": "身份证复印件", "count": 1}], "direction": "received"}
    )
    put(worker, "/slots/pattern", {"items": [{"weekday": 1, "half_day": "am", "kind": "visit", "capacity": 3}]})
    booking = booked_visit(page, live_server)
    context.close()
    return {"waiting": waiting, "handling": handling, "booking": booking}


def screens(world: dict) -> list[tuple[str, str]]:
    return [
        ("queue", "/field"),
        ("case", f"/field/cases/{world['handling']['id']}"),
        ("bookings", "/field/bookings"),
        ("residents", "/field/residents"),
        ("proxy", "/field/proxy?resident=1&name=王秀英&grid=990101001001001"),
        ("slots", "/field/slots"),
    ]


def _wait_loaded(page: Page, messages: dict, locale: str) -> None:
    expect(page.locator("main [role=status]", has_text=messages[locale]["app"]["loading"])).to_have_count(0)
    wait_settled(page)


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
@pytest.mark.parametrize("locale", ["zh-Hans", "zh-Hant"])
def test_every_field_screen_has_no_axe_violations_and_is_saved_as_a_screenshot(
    browser: Browser, live_server, messages, world, locale, elder
):
    mode = "elder" if elder else "standard"
    with screen_page(browser) as page:
        open_app(page, live_server, GRID_WORKER, locale=locale, elder=elder, route="/field")
        problems = {}
        for name, route in screens(world):
            page.goto(f"{live_server.url}/#{route}")
            _wait_loaded(page, messages, locale)
            expect(page.get_by_role("heading", level=1)).not_to_have_text(messages[locale]["app"]["loading"])
            violations = photograph(page, f"field-{name}-{locale}-{mode}", full_page=False)
            if violations:
                problems[name] = violations
        assert problems == {}


@pytest.mark.parametrize(
    ("elder", "text_px", "heading_px", "target_px"),
    [(True, 18, 24, 60), (False, 16, 18, 44)],
    ids=["elder", "standard"],
)
def test_field_text_and_tap_targets_are_large_enough(
    page: Page, live_server, messages, world, elder, text_px, heading_px, target_px
):
    open_app(page, live_server, GRID_WORKER, elder=elder, route="/field")
    for _, route in screens(world):
        page.goto(f"{live_server.url}/#{route}")
        _wait_loaded(page, messages, "zh-Hans")
        assert_large_enough(page, route, text_px, heading_px, target_px)
