"""The screens and inline steps of the resident's later actions (withdraw, reopen,
追评, handover, bookings, family-link revoke, receipt lookup): no axe-core
violations, elder/standard sizes, both scripts; screenshots at 360 × 740."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.resident import GRID_WORKER, HOME_GRID, RESIDENT, STAFF, add_user, api_as, beijing_day, open_app
from tests.e2e.screens import check_screen, screen_page, wait_settled

pytestmark = [pytest.mark.e2e, pytest.mark.own_server("the screenshots show the same data every run")]

SON = "13900000077"


@pytest.fixture(scope="module")
def states(browser: Browser, live_server) -> dict:
    """One case in each state that offers an action, a booking, a family link."""
    context = browser.new_context()
    page = context.new_page()
    resident, staff, worker = (api_as(page, live_server, phone) for phone in (RESIDENT, STAFF, GRID_WORKER))
    worker_id = worker.get("/me")["id"]

    def case(title: str) -> dict:
        return resident.post(
            "/cases", {"kind": "complaint", "title": title, "description": "村里的路灯坏了", "region": HOME_GRID}
        )

    def resolve(item: dict) -> None:
        staff.transition(item["id"], "accept")
        staff.transition(item["id"], "assign", assignee_id=worker_id)
        worker.transition(item["id"], "start")
        worker.transition(item["id"], "resolve", note="已更换灯泡")

    submitted = case("路灯不亮")
    resolved = case("垃圾没人清")
    resolve(resolved)
    rerate = case("水管漏水")
    resolve(rerate)
    resident.post(f"/cases/{rerate['id']}/rating", {"score": 1, "tags": ["not_resolved"]})
    [follow_up] = [f for f in staff.get("/follow-ups?status=all")["items"] if f["case_id"] == rerate["id"]]
    staff.post(f"/follow-ups/{follow_up['id']}/steps", {"step": "callback", "outcome": "verified", "note": "已回访"})
    staff.post(f"/follow-ups/{follow_up['id']}/steps", {"step": "fix", "outcome": "rectified", "note": "已整改"})

    day = beijing_day(5)
    proxy_slot = worker.post("/slots", {"date": day.isoformat(), "half_day": "am", "kind": "proxy", "capacity": 2})
    visit_slot = worker.post("/slots", {"date": day.isoformat(), "half_day": "pm", "kind": "visit", "capacity": 2})
    proxy = resident.post("/bookings", {"slot_id": proxy_slot["id"], "kind": "proxy", "service_code": "AST-004"})
    resident.post("/bookings", {"slot_id": visit_slot["id"], "kind": "visit", "service_code": "AST-004"})
    worker.post(
        f"/cases/{proxy['case_id']}/handovers",
        {"items": [{"name": "户口簿", "count": 1}, {"name": "身份证复印件", "count": 2}], "direction": "received"},
    )

    add_user(live_server, SON, name="王志强")
    link = api_as(page, live_server, SON).post("/family-links", {"phone": RESIDENT, "relation": "儿子"})
    resident.post(f"/family-links/{link['id']}/confirm", {})
    context.close()
    return {"submitted": submitted, "resolved": resolved, "rerate": rerate, "handover": proxy["case_id"]}


def signed_in_screens(states: dict, text: dict) -> list[tuple[str, str, str | None]]:
    """(screen name, route, button to press first to show an inline step, or None)."""
    ui = text["ui"]
    return [
        ("case-submitted", f"/cases/{states['submitted']['id']}", None),
        ("case-cancel-confirm", f"/cases/{states['submitted']['id']}", ui["case"]["cancel"]),
        ("case-resolved-reopen", f"/cases/{states['resolved']['id']}", None),
        ("case-rate-again", f"/cases/{states['rerate']['id']}", None),
        ("case-handover", f"/cases/{states['handover']}", None),
        ("bookings", "/bookings", None),
        ("bookings-cancel-confirm", "/bookings", ui["bookings"]["cancel"]),
        ("settings-revoke-confirm", "/settings", ui["family"]["revoke"]),
    ]


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
@pytest.mark.parametrize("locale", ["zh-Hans", "zh-Hant"])
def test_action_screens_have_no_axe_violations_are_large_enough_and_are_saved(
    browser: Browser, live_server, messages, states, locale, elder
):
    text = messages[locale]
    found = {}
    with screen_page(browser) as page:
        open_app(page, live_server, locale=locale, elder=elder)
        for name, route, press in signed_in_screens(states, text):
            page.goto(f"{live_server.url}/#{route}")
            expect(page.locator("main [role=status]", has_text=text["app"]["loading"])).to_have_count(0)
            wait_settled(page)
            if press:
                # The screen may still be fetching when the loading note has not shown yet
                # (a busy CI machine): wait for the button itself.
                button = page.get_by_role("button", name=press).first
                expect(button).to_be_visible()
                button.click()
                expect(page.locator(".confirm-step")).to_be_visible()
            violations, problems = check_screen(page, name, locale, elder)
            if violations or problems:
                found[name] = (violations, problems)

        # Signed out: the receipt lookup on the sign-in screen, with its answer.
        page.evaluate("localStorage.removeItem('bianmin.session')")
        page.goto("about:blank")
        page.goto(f"{live_server.url}/#/signin")
        lookup = page.get_by_role("region", name=text["ui"]["lookup"]["title"])
        lookup.get_by_label(text["ui"]["lookup"]["receipt"]).fill(states["resolved"]["receipt_no"])
        lookup.get_by_label(text["ui"]["lookup"]["phone"]).fill(RESIDENT)
        lookup.get_by_role("button", name=text["ui"]["lookup"]["send"]).click()
        expect(lookup.get_by_role("region", name=text["ui"]["lookup"]["result"])).to_be_visible()
        violations, problems = check_screen(page, "signin-lookup", locale, elder)
        if violations or problems:
            found["signin-lookup"] = (violations, problems)
        assert found == {}
