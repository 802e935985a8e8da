"""The staff desk's intake (受理): accept, reject with a reason, dispatch to a
grid worker or a department, each visible on the case afterwards."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.desk import new_case, wait_loaded
from tests.e2e.resident import RESIDENT, STAFF, api_as, open_app

pytestmark = pytest.mark.e2e


def test_staff_accept_a_submitted_case_and_dispatch_it_to_the_grid_worker(page: Page, live_server, messages):
    text = messages["zh-Hans"]
    case = new_case(page, live_server, "桥栏杆松动")
    open_app(page, live_server, STAFF, route="/desk")
    expect(page.get_by_role("heading", level=1)).to_have_text(text["ui"]["desk"]["intake"]["title"])
    page.get_by_role("link", name="桥栏杆松动").first.click()
    expect(page).to_have_url(re.compile(rf"#/desk/cases/{case['id']}$"))
    page.get_by_role("button", name=text["case"]["action"]["accept"], exact=True).click()
    expect(page.locator("p.status")).to_have_text(text["case"]["status"]["accepted"])
    # The deadline shown is the server's (the end of the N-th working day, in Beijing time).
    accepted = api_as(page, live_server, STAFF).get(f"/cases/{case['id']}")
    day = (datetime.fromisoformat(accepted["deadline"]) + timedelta(hours=8)).date()
    deadline = page.locator("dl.facts dt", has_text=text["ui"]["case"]["deadline"]).locator(
        "xpath=following-sibling::dd[1]"
    )
    expect(deadline).to_contain_text(f"{day.year}年{day.month}月{day.day}日")

    picker = page.get_by_label(text["ui"]["desk"]["assign"]["person"])
    expect(picker.locator("option", has_text="李建国")).to_have_count(1)
    picker.select_option(label=picker.locator("option", has_text="李建国").text_content())
    page.get_by_role("button", name=text["ui"]["desk"]["assign"]["title"], exact=True).click()
    expect(page.locator("p.status")).to_have_text(text["case"]["status"]["assigned"])
    expect(page.get_by_role("status").filter(has_text=text["ui"]["desk"]["case"]["assigned"])).to_be_visible()

    detail = api_as(page, live_server, STAFF).get(f"/cases/{case['id']}")
    assert detail["status"] == "assigned" and detail["assignee"]["name"] == "李建国"
    assert [event["action"] for event in detail["timeline"]] == ["submit", "accept", "assign"]
    # The case has left the intake list.
    page.get_by_role("link", name=text["ui"]["nav"]["desk"], exact=True).click()
    wait_loaded(page, messages)
    expect(page.get_by_role("link", name="桥栏杆松动")).to_have_count(0)


def test_a_rejection_needs_a_reason_and_the_resident_sees_it(page: Page, live_server, messages):
    text = messages["zh-Hans"]["ui"]["desk"]["intake"]
    case = new_case(page, live_server, "想要修建篮球场")
    open_app(page, live_server, STAFF, route=f"/desk/cases/{case['id']}")
    wait_loaded(page, messages)
    page.get_by_role("button", name=messages["zh-Hans"]["case"]["action"]["reject"], exact=True).click()
    page.get_by_role("button", name=text["reject_yes"]).click()
    expect(page.get_by_role("alert").filter(has_text=text["reason_required"])).to_be_visible()
    page.get_by_label(text["reason"]).fill("不属于本乡镇职责，请向县体育局反映")
    page.get_by_role("button", name=text["reject_yes"]).click()
    expect(page.locator("p.status")).to_have_text(messages["zh-Hans"]["case"]["status"]["rejected"])
    seen = api_as(page, live_server, RESIDENT).get(f"/cases/{case['id']}")
    assert seen["status"] == "rejected"
    assert seen["timeline"][-1]["note"] == "不属于本乡镇职责，请向县体育局反映"


def test_a_case_goes_to_a_back_office_by_name(page: Page, live_server, messages):
    text = messages["zh-Hans"]
    case = new_case(page, live_server, "低保复核材料")
    api_as(page, live_server, STAFF).transition(case["id"], "accept")
    open_app(page, live_server, STAFF, route=f"/desk/cases/{case['id']}")
    wait_loaded(page, messages)
    page.get_by_role("button", name=text["ui"]["desk"]["assign"]["title"], exact=True).click()
    expect(page.get_by_role("alert").filter(has_text=text["ui"]["desk"]["assign"]["choose"])).to_be_visible()
    page.get_by_label(text["ui"]["desk"]["assign"]["department"]).fill("社会事务办")
    page.get_by_role("button", name=text["ui"]["desk"]["assign"]["title"], exact=True).click()
    expect(page.locator("p.status")).to_have_text(text["case"]["status"]["assigned"])
    detail = api_as(page, live_server, STAFF).get(f"/cases/{case['id']}")
    assert detail["department"] == "社会事务办" and detail["assignee"] is None


def test_a_case_link_from_a_message_opens_the_desk_page(page: Page, live_server, messages):
    """Push messages and the inbox link to #/cases/ID, the resident's page; staff land on the desk's."""
    case = new_case(page, live_server, "消息里的事项")
    open_app(page, live_server, STAFF, route=f"/cases/{case['id']}")
    expect(page).to_have_url(re.compile(rf"#/desk/cases/{case['id']}$"))
    expect(page.get_by_role("button", name=messages["zh-Hans"]["case"]["action"]["accept"], exact=True)).to_be_visible()
