"""统计 at the desk: the chart library is a chunk of its own, fetched only when the
statistics screen opens; the chart has a table with the same figures; grouping
per village works; the XLSX download is a real workbook; nothing is refused by
the Content-Security-Policy (no inline style or script)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.desk import ADMIN, assigned_case, new_case, wait_loaded
from tests.e2e.resident import STAFF, api_as, open_app
from tests.e2e.screens import wait_settled

pytestmark = pytest.mark.e2e

CHART_CHUNK = re.compile(r"/assets/chunks/chart-[A-Z0-9]+\.js$")


def _watch(page: Page) -> tuple[list[str], list[str]]:
    """(URLs requested, CSP refusals) from now on."""
    urls: list[str] = []
    refused: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    return urls, refused


def test_the_chart_chunk_loads_only_on_the_statistics_screen(page: Page, live_server, messages, tmp_path: Path):
    text = messages["zh-Hans"]
    stats = text["ui"]["desk"]["stats"]
    new_case(page, live_server, "统计用的事项一")
    assigned_case(page, live_server, "统计用的事项二")
    urls, refused = _watch(page)
    open_app(page, live_server, STAFF, route="/desk")
    for route in ("/desk/supervise", "/desk/manage", "/desk/manage/services", "/desk/manage/notices"):
        page.goto(f"{live_server.url}/#{route}")
        wait_loaded(page, messages)
    assert not [url for url in urls if CHART_CHUNK.search(url)], "the chart library loaded before the statistics screen"

    page.get_by_role("link", name=text["ui"]["nav"]["desk_stats"], exact=True).click()
    wait_loaded(page, messages)
    expect(page.locator(".chart canvas").first).to_be_visible()
    assert [url for url in urls if CHART_CHUNK.search(url)], "the statistics screen did not load the chart chunk"
    # The chart's text alternative: a labelled image pointing at the table with the same numbers.
    expect(page.get_by_role("img", name=stats["chart_label"])).to_be_visible()
    table = page.get_by_role("table")
    expect(table.locator("caption")).to_have_text(
        stats["table_caption"].replace("{group}", text["stats"]["sheet"]["day"])
    )
    # The totals on screen are the server's.
    today = (datetime.now(UTC) + timedelta(hours=8)).date()
    period = f"from={today - timedelta(days=29)}&to={today}"  # the screen's default: the last 30 days
    totals = api_as(page, live_server, STAFF).get(f"/stats/summary?{period}")["totals"]
    assert totals["submitted"] >= 2
    expect(page.locator(".stats-totals dd").first).to_have_text(str(totals["submitted"]))

    page.get_by_label(stats["group_by"]).select_option("village")
    expect(table.locator("caption")).to_have_text(
        stats["table_caption"].replace("{group}", text["stats"]["sheet"]["village"])
    )
    expect(table.get_by_role("rowheader").filter(has_text="东山村")).to_have_count(1)
    expect(page.locator(".chart canvas").first).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("button", name=stats["download"]).click()
    target = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(target)
    assert target.name.startswith("stats-") and target.suffix == ".xlsx"
    workbook = openpyxl.load_workbook(target)
    assert text["stats"]["sheet"]["totals"] in workbook.sheetnames
    assert text["stats"]["sheet"]["village"] in workbook.sheetnames

    wait_settled(page)
    assert refused == []


def test_the_statistics_screen_runs_under_the_strict_csp(page: Page, live_server, messages):
    _, refused = _watch(page)
    response = page.goto(live_server.url + "/")
    policy = response.headers["content-security-policy"]
    assert "style-src 'self'" in policy and "script-src 'self'" in policy
    open_app(page, live_server, STAFF, route="/desk")
    page.evaluate(
        "() => { window.__refused = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__refused.push(e.violatedDirective + ' ' + e.blockedURI)); }"
    )
    page.get_by_role("link", name=messages["zh-Hans"]["ui"]["nav"]["desk_stats"], exact=True).click()
    wait_loaded(page, messages)
    page.locator(".chart canvas").first.wait_for()
    wait_settled(page)
    violations = page.evaluate("window.__refused")
    assert violations == [] and refused == []


def test_an_admin_compares_the_townships_of_the_county(page: Page, live_server, messages):
    text = messages["zh-Hans"]
    stats = text["ui"]["desk"]["stats"]
    new_case(page, live_server, "县里统计用的事项")
    open_app(page, live_server, ADMIN, route="/desk/stats")
    wait_loaded(page, messages)
    page.get_by_label(stats["group_by"]).select_option("township")
    table = page.get_by_role("table")
    expect(table.locator("caption")).to_have_text(
        stats["table_caption"].replace("{group}", text["stats"]["sheet"]["township"])
    )
    expect(table.get_by_role("rowheader").filter(has_text="清河镇")).to_have_count(1)
    expect(page.locator(".chart canvas").first).to_be_visible()
