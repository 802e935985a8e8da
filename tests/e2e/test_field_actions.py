"""The grid worker's screens at work, online: the queue's order and marks, asking
for information and recording a handover, check-in and check-out of a visit,
finding a resident and submitting for them (代办), the weekly pattern and leave."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.desk import move_clock
from tests.e2e.field import actions, assigned_case, booked_visit, photo_png
from tests.e2e.resident import GRID_WORKER, HOME_GRID, RESIDENT, api_as, beijing_day, open_app, wait_until

pytestmark = pytest.mark.e2e


def test_queue_puts_the_nearest_deadline_first_and_marks_overdue_and_due_soon(page: Page, live_server, messages):
    text = messages["zh-Hans"]
    tag = uuid.uuid4().hex[:4]
    later = assigned_case(page, live_server, title=f"修水渠{tag}")
    overdue = assigned_case(page, live_server, title=f"补办低保{tag}")
    due_soon = assigned_case(page, live_server, title=f"清理垃圾{tag}")
    move_clock(live_server, overdue["id"], overdue=True)
    move_clock(live_server, due_soon["id"], overdue=False)

    open_app(page, live_server, GRID_WORKER, route="/field")
    cards = page.locator("a.card-link")
    expect(cards.filter(has_text=later["title"])).to_be_visible()
    titles = [title for title in cards.locator(".card-title").all_inner_texts() if title.endswith(tag)]
    assert titles == [overdue["title"], due_soon["title"], later["title"]]
    expect(cards.filter(has_text=overdue["title"]).locator(".flag-overdue")).to_have_text(text["ui"]["case"]["overdue"])
    expect(cards.filter(has_text=due_soon["title"]).locator(".flag-due-soon")).to_have_text(
        text["ui"]["field"]["queue"]["due_soon"]
    )
    expect(cards.filter(has_text=later["title"]).locator(".flag")).to_have_count(0)


def test_worker_asks_for_information_and_records_a_document_handover(page: Page, live_server, messages):
    text = messages["zh-Hans"]
    field = text["ui"]["field"]
    case = assigned_case(page, live_server)
    worker = api_as(page, live_server, GRID_WORKER)
    worker.transition(case["id"], "start")
    open_app(page, live_server, GRID_WORKER, route=f"/field/cases/{case['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(case["title"])
    expect(page.get_by_role("link", name=field["case"]["call"].format(name="王秀英"))).to_have_attribute(
        "href", f"tel:{RESIDENT}"
    )

    page.get_by_label(field["handover"]["name"].format(n=1)).fill("户口本")
    page.get_by_role("button", name=field["handover"]["add_row"]).click()
    page.get_by_label(field["handover"]["name"].format(n=2)).fill("身份证复印件")
    page.locator("#handover-count-1").fill("2")
    page.get_by_role("button", name=field["handover"]["send"]).click()
    expect(page.get_by_text(text["ui"]["case"]["handover_item"].format(name="身份证复印件", count=2))).to_be_visible()
    expect(page.get_by_text(field["handover"]["unconfirmed"])).to_be_visible()
    wait_until(lambda: worker.get(f"/cases/{case['id']}/handovers")["items"])
    [handover] = worker.get(f"/cases/{case['id']}/handovers")["items"]
    assert handover["direction"] == "received"
    assert [(item["name"], item["count"]) for item in handover["items"]] == [("户口本", 1), ("身份证复印件", 2)]

    page.get_by_role("button", name=field["case"]["info_send"]).click()
    expect(page.get_by_text(field["case"]["note_required"])).to_be_visible()
    page.get_by_label(field["case"]["info_note"]).fill("请提供户口本首页照片")
    page.get_by_role("button", name=field["case"]["info_send"]).click()
    expect(page.get_by_text(field["case"]["waiting_info"])).to_be_visible()
    # The screen goes on from the queued step at once; the server has it a moment later.
    wait_until(lambda: worker.get(f"/cases/{case['id']}")["status"] == "waiting_info")
    stored = worker.get(f"/cases/{case['id']}")
    assert actions(stored).count("request_info") == 1


def test_worker_checks_in_and_out_of_todays_visit_with_a_note_and_a_photo(page: Page, live_server, messages):
    text = messages["zh-Hans"]
    field = text["ui"]["field"]
    booking = booked_visit(page, live_server, half_day="pm")
    worker = api_as(page, live_server, GRID_WORKER)
    open_app(page, live_server, GRID_WORKER, route="/field/bookings")
    card = page.locator("li.card").filter(
        has=page.get_by_role("link", name=text["ui"]["bookings"]["case"].format(receipt=booking["receipt_no"]))
    )
    expect(card).to_contain_text(text["booking"]["status"]["booked"])
    card.get_by_role("button", name=field["bookings"]["check_in"]).click()
    expect(card).to_contain_text(text["booking"]["status"]["checked_in"])
    card.get_by_label(field["bookings"]["check_out_note"]).fill("帮老人填好了申请表")
    card.get_by_label(field["photos"]).set_input_files(
        files=[{"name": "form.png", "mimeType": "image/png", "buffer": photo_png()}]
    )
    expect(card.get_by_text(text["ui"]["submit"]["photos_count"].format(count=1, max=9))).to_be_visible()
    card.get_by_role("button", name=field["bookings"]["check_out"]).click()
    expect(card).to_contain_text(text["booking"]["status"]["done"])
    wait_until(lambda: worker.get(f"/bookings/{booking['id']}")["status"] == "done")
    case = worker.get(f"/cases/{booking['case_id']}")
    [check_out] = [event for event in case["timeline"] if event["action"] == "visit_check_out"]
    assert check_out["note"] == "帮老人填好了申请表" and len(check_out["photos"]) == 1
    assert actions(case).count("visit_check_in") == 1


# With the service worker: its Background Sync may take the request from the page's outbox
# and still have it on the wire when the page looks (slow on a busy machine); the page then
# waits for the worker's answer (outbox-client.js, queueRequest) instead of calling it queued.
def test_worker_finds_a_resident_by_the_last_digits_and_submits_for_them_with_the_identity_check(
    page: Page, live_server, messages
):
    text = messages["zh-Hans"]
    field = text["ui"]["field"]
    open_app(page, live_server, GRID_WORKER, route="/field/residents")
    expect(page.get_by_role("heading", name="王秀英")).to_be_visible()
    expect(page.get_by_text("138****0001", exact=False).first).to_be_visible()
    page.get_by_label(field["residents"]["search"]).fill("0001")
    page.get_by_role("button", name=field["residents"]["search_button"]).click()
    # Other tests add residents to this grid too: every one found ends in 0001, 王秀英 among them.
    found = page.locator("main li")
    expect(found.filter(has_text="王秀英")).to_have_count(1)
    phones = [re.search(r"\d{3}\*{4}\d{4}", item).group(0) for item in found.all_inner_texts()]
    assert phones and all(phone.endswith("0001") for phone in phones), phones
    found.filter(has_text="王秀英").get_by_role("link", name=field["residents"]["proxy"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(field["proxy"]["title"])
    expect(page.get_by_text(field["proxy"]["for"].format(name="王秀英"))).to_be_visible()

    title = f"代办高龄津贴{uuid.uuid4().hex[:4]}"
    page.get_by_label(field["proxy"]["service"]).select_option("OLD-001")
    page.get_by_label(text["ui"]["submit"]["case_title"]).fill(title)
    page.get_by_label(text["ui"]["submit"]["description"]).fill("老人行动不便，入户核实后代为申请。")
    page.get_by_role("button", name=field["proxy"]["send"]).click()
    expect(page.get_by_text(field["proxy"]["identity_required"])).to_be_visible()
    page.get_by_label(field["identity"]["home_visit"]).check()
    page.get_by_role("button", name=field["proxy"]["send"]).click()
    expect(page.get_by_text(field["proxy"]["sent"])).to_be_visible()

    resident = api_as(page, live_server, RESIDENT)
    [summary] = [item for item in resident.get("/cases")["items"] if item["title"] == title]
    case = resident.get(f"/cases/{summary['id']}")
    assert case["identity_check"] == "home_visit"
    assert case["submitted_by"]["name"] == "李建国" and case["resident"]["name"] == "王秀英"
    assert case["service_code"] == "OLD-001" and case["region"]["code"] == HOME_GRID


def test_worker_saves_a_weekly_pattern_and_closes_a_slot_for_leave(page: Page, live_server, messages):
    text = messages["zh-Hans"]
    slots = text["ui"]["field"]["slots"]
    worker = api_as(page, live_server, GRID_WORKER)
    day = beijing_day(3).isoformat()
    mine = [s for s in worker.get(f"/slots/mine?from={day}&to={day}")["items"] if s["kind"] == "proxy"]
    slot = mine[0] if mine else worker.post("/slots", {"date": day, "half_day": "pm", "kind": "proxy", "capacity": 2})

    open_app(page, live_server, GRID_WORKER, route="/field/bookings")
    page.get_by_role("link", name=slots["link"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(slots["title"])
    page.get_by_role("button", name=slots["add"]).click()
    item = page.get_by_role("group", name=slots["item"].format(n=1))
    item.get_by_label(slots["weekday"]).select_option("2")
    item.get_by_label(slots["half_day"]).select_option("pm")
    item.get_by_label(slots["capacity"]).fill("4")
    page.get_by_role("button", name=slots["save"]).click()
    wait_until(
        lambda: (
            worker.get("/slots/pattern")["items"][:1]
            == [{"weekday": 2, "half_day": "pm", "kind": "visit", "capacity": 4}]
        ),
        message="the pattern did not reach the server",
    )

    card = page.locator("li.card").filter(has=page.locator(f"#slot-{slot['id']}"))
    card.get_by_label(slots["reason"]).fill("参加培训")
    card.get_by_role("button", name=slots["close"]).click()
    card.get_by_role("button", name=slots["close_yes"]).click()
    expect(card).to_contain_text(slots["closed"])

    def status() -> str:
        [mine] = [s for s in worker.get(f"/slots/mine?from={day}&to={day}")["items"] if s["id"] == slot["id"]]
        return mine["status"]

    # The close travels through the outbox: on a busy machine it may reach the server a moment later.
    wait_until(lambda: status() == "closed", message="the leave did not reach the server")
