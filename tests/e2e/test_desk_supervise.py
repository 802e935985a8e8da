"""督办 at the desk: the overdue and due-soon lists agree with the server's
definitions, one tap reminds the assignee, 改派 reassigns in place; unconfirmed
handovers and bad-rating follow-ups are listed, and a follow-up is worked
through (callback, fix) and its rating flagged as malicious."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.desk import age_handover, assigned_case, move_clock, resolved_case, wait_loaded
from tests.e2e.resident import GRID_WORKER, RESIDENT, STAFF, api_as, open_app

pytestmark = pytest.mark.e2e


def _section(page: Page, title: str):
    return page.get_by_role("region", name=title)


def test_overdue_and_due_soon_lists_match_the_server_and_remind_or_reassign(page: Page, live_server, messages):
    text = messages["zh-Hans"]
    desk = text["ui"]["desk"]
    late = assigned_case(page, live_server, "路灯坏了一个月")
    soon = assigned_case(page, live_server, "水渠堵塞")
    fine = assigned_case(page, live_server, "公告栏破损")
    move_clock(live_server, late["id"], overdue=True)
    move_clock(live_server, soon["id"], overdue=False)
    staff = api_as(page, live_server, STAFF)
    server_overdue = {c["id"] for c in staff.get("/cases?overdue=true&limit=100")["items"]}
    server_soon = {c["id"] for c in staff.get("/cases?due_soon=true&limit=100")["items"]}
    assert late["id"] in server_overdue and soon["id"] in server_soon
    assert fine["id"] not in server_overdue | server_soon

    open_app(page, live_server, STAFF, route="/desk/supervise")
    wait_loaded(page, messages)
    overdue = _section(page, desk["supervise"]["overdue"])
    due_soon = _section(page, desk["supervise"]["due_soon"])
    # Exactly the server's lists, each case in one of them, with its flag.
    expect(overdue.locator("li.desk-case")).to_have_count(len(server_overdue))
    expect(due_soon.locator("li.desk-case")).to_have_count(len(server_soon))
    expect(overdue.locator("li", has_text="路灯坏了一个月").locator(".desk-flag-overdue")).to_have_text(
        text["ui"]["case"]["overdue"]
    )
    expect(due_soon.locator("li", has_text="水渠堵塞").locator(".desk-flag-soon")).to_have_text(
        desk["case"]["due_soon"]
    )
    expect(page.locator("main li", has_text="公告栏破损")).to_have_count(0)

    late_row = overdue.locator("li", has_text="路灯坏了一个月")
    late_row.get_by_role("button", name=text["case"]["action"]["remind"]).click()
    expect(page.get_by_role("status").filter(has_text=desk["case"]["reminded"])).to_be_visible()
    assert staff.get(f"/cases/{late['id']}")["timeline"][-1]["action"] == "remind"

    soon_row = due_soon.locator("li", has_text="水渠堵塞")
    soon_row.get_by_role("button", name=text["case"]["action"]["reassign"]).click()
    picker = soon_row.get_by_label(desk["assign"]["person"])
    picker.select_option(label=picker.locator("option", has_text="张丽").text_content())
    soon_row.get_by_role("form").get_by_role("button", name=desk["assign"]["title_again"]).click()
    expect(page.get_by_role("status").filter(has_text=desk["case"]["assigned"])).to_be_visible()
    moved = staff.get(f"/cases/{soon['id']}")
    assert moved["assignee"]["name"] == "张丽" and moved["timeline"][-1]["action"] == "reassign"


def test_unconfirmed_handovers_and_bad_rating_follow_ups_are_listed_and_worked_through(
    page: Page, live_server, messages
):
    text = messages["zh-Hans"]
    desk = text["ui"]["desk"]
    worker = api_as(page, live_server, GRID_WORKER)
    carried = assigned_case(page, live_server, "代办养老保险")
    handover = worker.post(
        f"/cases/{carried['id']}/handovers", {"items": [{"name": "户口簿", "count": 1}], "direction": "received"}
    )
    age_handover(live_server, handover["id"])
    bad = resolved_case(page, live_server, "垃圾没人清运")
    resident = api_as(page, live_server, RESIDENT)
    rating = resident.post(f"/cases/{bad['id']}/rating", {"score": 1, "tags": ["slow"], "comment": "拖了很久"})

    open_app(page, live_server, STAFF, route="/desk/supervise")
    wait_loaded(page, messages)
    handovers = _section(page, desk["supervise"]["handovers"])
    expect(handovers.locator("li", has_text="户口簿")).to_have_count(1)
    handovers.locator("li", has_text="户口簿").get_by_role("button", name=text["case"]["action"]["remind"]).click()
    expect(page.get_by_role("status").filter(has_text=desk["case"]["reminded"])).to_be_visible()
    assert api_as(page, live_server, STAFF).get(f"/cases/{carried['id']}")["timeline"][-1]["action"] == "remind"
    follow_ups = _section(page, desk["supervise"]["followups"])
    follow_ups.get_by_role("link", name=bad["receipt_no"]).click()
    wait_loaded(page, messages)

    record = desk["followup"]["record"]
    page.get_by_label(desk["followup"]["outcome"]).select_option("verified")
    page.get_by_label(desk["followup"]["note"]).fill("已电话回访居民，情况属实")
    page.get_by_role("button", name=record["callback"]).click()
    expect(page.get_by_role("button", name=record["fix"])).to_be_visible()
    page.get_by_label(desk["followup"]["outcome"]).select_option("rectified")
    page.get_by_label(desk["followup"]["note"]).fill("已安排每周清运两次")
    page.get_by_role("button", name=record["fix"]).click()
    expect(page.get_by_text(desk["followup"]["finished"])).to_be_visible()

    page.get_by_role("button", name=desk["rating"]["flag"]).click()
    page.get_by_label(desk["rating"]["flag_reason"]).fill("居民与网格员有私人纠纷")
    page.get_by_role("button", name=desk["rating"]["flag_send"]).click()
    expect(page.get_by_text(desk["rating"]["flag_status"]["flagged"])).to_be_visible()

    state = api_as(page, live_server, STAFF).get(f"/cases/{bad['id']}/rating")
    assert [step["step"] for step in state["follow_up"]["steps"]] == ["callback", "fix"]
    assert state["ratings"][0]["id"] == rating["id"] and state["ratings"][0]["flag_status"] == "flagged"
