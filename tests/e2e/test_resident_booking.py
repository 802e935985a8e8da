"""Booking a door-to-door visit for oneself or a linked relative."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.resident import GRID_WORKER, RESIDENT, add_user, api_as, beijing_day, open_app

pytestmark = pytest.mark.e2e

SON = "13900000019"


def publish_slot(page: Page, live_server, kind: str = "visit", days_ahead: int = 3) -> dict:
    """An open afternoon slot of the demo grid worker with room, ``days_ahead`` or the first day
    after: published now, or the one already there (another test's weekly pattern publishes some)."""
    worker = api_as(page, live_server, GRID_WORKER)
    for ahead in range(days_ahead, days_ahead + 14):
        day = beijing_day(ahead).isoformat()
        [slot] = [
            s
            for s in worker.get(f"/slots/mine?from={day}&to={day}")["items"]
            if s["half_day"] == "pm" and s["kind"] == kind
        ] or [None]
        if slot is None:
            return worker.post("/slots", {"date": day, "half_day": "pm", "kind": kind, "capacity": 3})
        if slot["status"] == "open" and slot["booked"] < slot["capacity"]:
            return slot
    raise AssertionError("no afternoon slot free in two weeks")


def test_elderly_resident_finds_a_service_in_traditional_script_and_books_a_visit(page: Page, live_server, messages):
    text = messages["zh-Hant"]
    slot = publish_slot(page, live_server)
    api = open_app(page, live_server, RESIDENT, locale="zh-Hant")
    page.get_by_label(text["ui"]["home"]["search_label"]).fill("醫療救助")
    page.get_by_role("button", name=text["ui"]["home"]["search"], exact=True).click()
    page.get_by_role("link", name="醫療救助申請").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("醫療救助申請")
    page.get_by_role("link", name=text["ui"]["service"]["channel"]["door_to_door"]).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(text["ui"]["book"]["title_visit"])
    page.get_by_label(text["ui"]["book"]["myself"]).check()
    page.locator(f"input[name=slot][value='{slot['id']}']").check()
    page.get_by_role("button", name=text["ui"]["book"]["send"]).click()

    page.wait_for_function("() => /^#\\/cases\\/\\d+$/.test(location.hash)")
    case_id = int(page.evaluate("location.hash").rsplit("/", 1)[1])
    case = api.get(f"/cases/{case_id}")
    assert case["kind"] == "visit" and case["service_code"] == "AST-004"
    assert api.get(f"/slots?kind=visit&from={slot['date']}&to={slot['date']}")["items"][0]["booked"] >= 1


def test_son_without_flags_is_told_why_he_cannot_book_for_himself_but_books_for_his_mother(
    page: Page, live_server, messages
):
    text = messages["zh-Hans"]
    slot = publish_slot(page, live_server, days_ahead=4)
    add_user(live_server, SON, name="张小军")
    son = api_as(page, live_server, SON)
    mother = api_as(page, live_server, RESIDENT)
    link = son.post("/family-links", {"phone": RESIDENT, "relation": "母亲"})
    mother.post(f"/family-links/{link['id']}/confirm", {})

    open_app(page, live_server, SON, route="/book?kind=visit&service=AST-004")
    page.get_by_label(text["ui"]["book"]["myself"]).check()
    page.locator(f"input[name=slot][value='{slot['id']}']").check()
    with page.expect_response("**/api/v1/bookings") as answer:
        page.get_by_role("button", name=text["ui"]["book"]["send"]).click()
    assert answer.value.status == 403
    expect(page.get_by_role("alert")).to_have_text(answer.value.json()["error"]["message"])

    mother_name = mother.get("/me")["name"]
    page.get_by_label(text["ui"]["book"]["relative"].format(name=mother_name, relation="母亲")).check()
    page.get_by_role("button", name=text["ui"]["book"]["send"]).click()
    page.wait_for_function("() => /^#\\/cases\\/\\d+$/.test(location.hash)")
    case_id = int(page.evaluate("location.hash").rsplit("/", 1)[1])
    assert mother.get(f"/cases/{case_id}")["resident"]["name"] == mother_name
