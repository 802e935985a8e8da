"""The resident app: find a service, submit, follow the case, supply information, rate."""

from __future__ import annotations

import json
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.resident import (
    GRID_WORKER,
    HOME_GRID,
    RESIDENT,
    STAFF,
    STEP_TIMEOUT_MS,
    VIEWPORT,
    api_as,
    open_app,
    wait_for_empty_outbox,
)

pytestmark = pytest.mark.e2e


def unique(text: str) -> str:
    return f"{text}{uuid.uuid4().hex[:6]}"


def cases_titled(api, title: str) -> list[dict]:
    return [item for item in api.get("/cases")["items"] if item["title"] == title]


def fill_case_form(page: Page, text: dict, title: str) -> None:
    page.get_by_label(text["ui"]["submit"]["case_title"]).fill(title)
    page.get_by_label(text["ui"]["submit"]["description"]).fill(text["ui"]["submit"]["offline_hint"])


def test_traditional_search_finds_a_service_and_the_request_submitted_shows_in_my_cases(
    page: Page, live_server, messages
):
    text = messages["zh-Hant"]
    api = open_app(page, live_server, locale="zh-Hant")
    page.get_by_label(text["ui"]["home"]["search_label"]).fill("醫療費用")
    page.get_by_role("button", name=text["ui"]["home"]["search"], exact=True).click()
    results = page.get_by_role("region", name=text["ui"]["home"]["results"].format(query="醫療費用"))
    results.get_by_role("link", name="醫療費用零星報銷（手工報銷）").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("醫療費用零星報銷（手工報銷）")
    expect(page.get_by_text(text["ui"]["service"]["working_days"].format(days=20))).to_be_visible()
    page.get_by_role("link", name=text["ui"]["service"]["channel"]["online"]).click()

    title = unique("報銷申請")
    fill_case_form(page, text, title)
    page.get_by_role("button", name=text["ui"]["submit"]["send"], exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(text["ui"]["cases"]["title"])
    expect(page.get_by_role("link", name=title)).to_be_visible()
    [case] = cases_titled(api, title)
    assert case["service_code"] == "INS-008"
    assert case["region"]["code"] == HOME_GRID


def test_request_made_offline_waits_and_is_sent_exactly_once_when_back_online(
    page: Page, context, live_server, messages
):
    text = messages["zh-Hans"]
    api = open_app(page, live_server, route="/cases")
    expect(page.get_by_role("heading", level=1)).to_have_text(text["ui"]["cases"]["title"])
    expect(page.get_by_text(text["app"]["loading"])).to_have_count(0)  # the list has come (and been kept)
    page.goto(f"{live_server.url}/#/submit?kind=complaint")
    expect(page.get_by_role("heading", level=1)).to_have_text(text["ui"]["submit"]["title_complaint"])

    context.set_offline(True)
    title = unique("路灯坏了")
    fill_case_form(page, text, title)
    page.get_by_role("button", name=text["ui"]["submit"]["send"], exact=True).click()

    expect(page.get_by_text(text["ui"]["outbox"]["waiting"].format(count=1))).to_be_visible()
    expect(page.get_by_role("link", name=text["ui"]["nav"]["cases"])).to_contain_text(
        text["ui"]["outbox"]["badge"].format(count=1)
    )
    # The list from before stays readable without a network.
    expect(page.get_by_text(text["ui"]["common"]["offline_copy"])).to_be_visible()
    assert cases_titled(api, title) == []

    context.set_offline(False)
    expect(page.get_by_role("link", name=title)).to_be_visible()
    expect(page.get_by_text(text["ui"]["outbox"]["waiting"].format(count=1))).to_have_count(0)
    page.reload()
    wait_for_empty_outbox(page)  # a restart sends what the outbox still holds: nothing by now
    assert len(cases_titled(api, title)) == 1
    assert page.evaluate("indexedDB.databases().then(d => d.length)") >= 1


def test_server_error_keeps_the_request_waiting_and_a_refusal_is_shown_not_dropped(browser, live_server, messages):
    # Without the service worker: its Background Sync would send the request past the test's routes.
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", service_workers="block")
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    text = messages["zh-Hans"]
    api = open_app(page, live_server, route="/submit?kind=suggestion")
    answers = {"count": 0}

    def fail_then_pass(route):
        answers["count"] += 1
        if answers["count"] == 1:
            route.fulfill(status=503, body="")
        else:
            route.continue_()

    # The context, not the page: the service worker sends the outbox too (Background Sync).
    context.route(
        "**/api/v1/cases", lambda route: fail_then_pass(route) if route.request.method == "POST" else route.continue_()
    )
    title = unique("建议修路")
    fill_case_form(page, text, title)
    page.get_by_role("button", name=text["ui"]["submit"]["send"], exact=True).click()
    expect(page.get_by_text(text["ui"]["outbox"]["waiting"].format(count=1))).to_be_visible()
    assert cases_titled(api, title) == []

    page.evaluate("window.dispatchEvent(new Event('online'))")  # the network "returns": send now
    expect(page.get_by_role("link", name=title)).to_be_visible()
    assert len(cases_titled(api, title)) == 1

    # A 4xx is not retried: the record stays, marked failed with the server's words, until deleted.
    context.unroute("**/api/v1/cases")
    refusal = "该网格不存在"
    context.route(
        "**/api/v1/cases",
        lambda route: (
            route.fulfill(
                status=422,
                content_type="application/json",
                body=json.dumps(
                    {"error": {"code": "validation", "message": refusal, "details": {}}}, ensure_ascii=False
                ),
            )
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    page.goto(f"{live_server.url}/#/submit?kind=suggestion")
    refused = unique("被拒绝")
    fill_case_form(page, text, refused)
    page.get_by_role("button", name=text["ui"]["submit"]["send"], exact=True).click()
    expect(page.get_by_text(text["ui"]["outbox"]["failed"].format(reason=refusal))).to_be_visible()
    expect(page.get_by_text(text["ui"]["outbox"]["failed_count"].format(count=1))).to_be_visible()
    page.get_by_role("button", name=text["ui"]["outbox"]["discard"]).click()
    expect(page.get_by_text(refused)).to_have_count(0)
    context.close()


def test_resident_follows_the_case_supplies_information_and_rates_it(page: Page, live_server, messages):
    text = messages["zh-Hans"]
    resident = api_as(page, live_server, RESIDENT)
    staff = api_as(page, live_server, STAFF)
    worker = api_as(page, live_server, GRID_WORKER)
    title = unique("申请低保")
    case = resident.post(
        "/cases",
        {"kind": "request", "service_code": "AST-004", "title": title, "description": "家里困难", "region": HOME_GRID},
    )
    worker_id = worker.get("/me")["id"]
    staff.transition(case["id"], "accept")
    staff.transition(case["id"], "assign", assignee_id=worker_id)
    worker.transition(case["id"], "start")
    worker.transition(case["id"], "request_info", note="请补充户口簿照片")

    open_app(page, live_server, route="/cases")
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_text(text["case"]["status"]["waiting_info"]).first).to_be_visible()
    expect(page.get_by_text("请补充户口簿照片")).to_be_visible()
    worker_name = worker.get("/me")["name"]
    expect(page.get_by_text(worker_name).first).to_be_visible()
    page.get_by_label(text["ui"]["case"]["supply_label"]).fill("户口簿已交给网格员")
    page.get_by_role("button", name=text["ui"]["case"]["supply_send"]).click()
    expect(page.get_by_text(text["case"]["status"]["in_progress"]).first).to_be_visible()
    assert resident.get(f"/cases/{case['id']}")["status"] == "in_progress"

    worker.transition(case["id"], "resolve", note="已办结")
    page.reload()
    expect(page.get_by_role("heading", name=text["ui"]["rating"]["title"])).to_be_visible()
    page.get_by_label(text["rating"]["level"]["5"]).check()
    # Good scores offer only good tags.
    expect(page.get_by_label(text["rating"]["tag"]["slow"])).to_have_count(0)
    page.get_by_label(text["rating"]["tag"]["friendly"]).check()
    page.get_by_role("button", name=text["ui"]["rating"]["send"]).click()

    expect(page.get_by_role("heading", name=text["ui"]["rating"]["yours"])).to_be_visible()
    expect(page.get_by_text(text["rating"]["tag"]["friendly"])).to_be_visible()
    rating = resident.get(f"/cases/{case['id']}/rating")
    assert [(r["score"], r["tags"]) for r in rating["ratings"]] == [(5, ["friendly"])]
    assert resident.get(f"/cases/{case['id']}")["status"] == "closed"


def test_a_complaint_about_another_grid_is_filed_there_by_picking_township_village_and_grid(
    page: Page, live_server, messages
):
    text = messages["zh-Hans"]
    api = open_app(page, live_server, route="/submit?kind=complaint")
    title = unique("邻村河道有垃圾")
    fill_case_form(page, text, title)
    page.get_by_role("button", name=text["ui"]["submit"]["region_change"]).click()
    township = page.get_by_label(text["ui"]["region"]["township"])
    township.select_option(index=1)
    village = page.get_by_label(text["ui"]["region"]["village"])
    expect(village.locator("option")).not_to_have_count(1)
    village.select_option(index=1)
    grid = page.get_by_label(text["ui"]["region"]["grid"])
    expect(grid.locator("option")).not_to_have_count(1)
    chosen = grid.locator("option").last.get_attribute("value")
    grid.select_option(value=chosen)
    page.get_by_role("button", name=text["ui"]["submit"]["send"], exact=True).click()

    expect(page.get_by_role("link", name=title)).to_be_visible()
    [case] = cases_titled(api, title)
    assert case["region"]["code"] == chosen and len(chosen) == 15
