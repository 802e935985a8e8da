"""管理 at the desk: a catalog entry created, edited and retired in both scripts;
the import's dry run and per-row report, then the real import; the export as a
real spreadsheet; a notice published for the township."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.desk import ADMIN, wait_loaded
from tests.e2e.resident import RESIDENT, STAFF, api_as, open_app

pytestmark = pytest.mark.e2e

TOWNSHIP = "990101001"


def _record(api, code: str) -> dict:
    return next(item for item in api.get("/services/manage")["items"] if item["code"] == code)


def test_staff_create_edit_and_retire_a_catalog_entry(page: Page, live_server, messages):
    desk = messages["zh-Hans"]["ui"]["desk"]
    catalog = desk["catalog"]
    open_app(page, live_server, STAFF, route="/desk/manage/services/new")
    page.get_by_label(catalog["code"]).fill("QH-101")
    page.get_by_label(catalog["time_limit"]).fill("10")
    simplified = page.get_by_role("group", name=catalog["script_hans"])
    simplified.get_by_label(catalog["field"]["name"], exact=True).fill("农村危房改造补助申请")
    simplified.get_by_label(catalog["field"]["description"], exact=True).fill("为农村低收入群体住房安全提供补助。")
    simplified.get_by_label(catalog["field"]["materials"] + catalog["one_per_line"]).fill("身份证\n户口簿\n房屋照片")
    page.get_by_role("button", name=catalog["save"]).click()
    expect(page.get_by_role("status").filter(has_text=catalog["saved"])).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(catalog["edit_title"].replace("{code}", "QH-101"))

    staff = api_as(page, live_server, STAFF)
    record = _record(staff, "QH-101")
    assert record["materials_hans"] == ["身份证", "户口簿", "房屋照片"]
    assert record["name_hant"] == "農村危房改造補助申請"  # converted by the server
    assert record["township"] == TOWNSHIP and record["time_limit_days"] == 10

    page.get_by_label(catalog["time_limit"]).fill("12")
    traditional = page.get_by_role("group", name=catalog["script_hant"])
    traditional.get_by_label(catalog["field"]["name"], exact=True).fill("農村危房改造補助")
    page.get_by_role("button", name=catalog["save"]).click()
    expect(page.get_by_role("status").filter(has_text=catalog["saved"])).to_be_visible()
    record = _record(staff, "QH-101")
    assert record["time_limit_days"] == 12 and record["name_hant"] == "農村危房改造補助"

    page.get_by_role("button", name=catalog["retire"]).click()
    page.get_by_role("button", name=catalog["retire_yes"]).click()
    expect(page.get_by_role("status").filter(has_text=catalog["retired_done"])).to_be_visible()
    assert _record(staff, "QH-101")["active"] is False

    page.goto(f"{live_server.url}/#/desk/manage/services")
    wait_loaded(page, messages)
    row = page.get_by_role("row").filter(has_text="QH-101")
    expect(row).to_contain_text(catalog["retired"])


def test_import_shows_each_rows_fate_in_a_dry_run_then_imports(page: Page, live_server, messages, tmp_path: Path):
    desk = messages["zh-Hans"]["ui"]["desk"]
    staff = api_as(page, live_server, STAFF)
    staff.post(
        "/services",
        {
            "code": "QH-201",
            "category": "civil_affairs",
            "name_hans": "高龄津贴申领",
            "description_hans": "80周岁以上老人申领高龄津贴。",
            "materials_hans": ["身份证"],
            "time_limit_days": 5,
            "channels": ["online", "proxy"],
            "township": TOWNSHIP,
        },
    )
    exported = page.request.get(f"{live_server.url}/api/v1/services/export?format=csv", headers=staff.headers())
    rows = list(csv.reader(io.StringIO(exported.text().lstrip("\ufeff"))))
    header, existing = rows[0], next(row for row in rows[1:] if row[0] == "QH-201")
    added = list(existing)
    added[0], added[header.index("名称")], added[header.index("名称（繁体）")] = "QH-202", "独生子女父母奖励", ""
    broken = list(existing)
    broken[0], broken[header.index("办理时限（工作日）")] = "QH-203", "很快"
    sheet = tmp_path / "清河镇事项.csv"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, existing, added, broken])

    open_app(page, live_server, STAFF, route="/desk/manage/import")
    page.get_by_label(desk["import"]["file"]).set_input_files(str(sheet))
    page.get_by_role("button", name=desk["import"]["check"]).click()
    report = page.get_by_role("region", name=desk["import"]["report"], exact=True)
    expect(report.get_by_role("row")).to_have_count(4)
    status = desk["import"]["status"]
    expect(report.get_by_role("row").filter(has_text="QH-201")).to_contain_text(status["unchanged"])
    expect(report.get_by_role("row").filter(has_text="QH-202")).to_contain_text(status["created"])
    rejected = report.get_by_role("row").filter(has_text="QH-203")
    expect(rejected).to_contain_text(status["rejected"])
    expect(rejected.locator("td").nth(3)).not_to_be_empty()
    assert "QH-202" not in {
        item["code"] for item in staff.get("/services/manage")["items"]
    }  # a dry run changes nothing

    page.get_by_label(desk["import"]["dry_run"]).uncheck()
    page.get_by_role("button", name=desk["import"]["apply"], exact=True).click()
    expect(page.get_by_role("status").filter(has_text="新增1项")).to_be_visible()
    assert _record(staff, "QH-202")["name_hant"] == "獨生子女父母獎勵"


def test_the_catalog_export_downloads_a_real_spreadsheet(page: Page, live_server, messages, tmp_path: Path):
    catalog = messages["zh-Hans"]["ui"]["desk"]["catalog"]
    open_app(page, live_server, STAFF, route="/desk/manage/services")
    wait_loaded(page, messages)
    with page.expect_download() as download_info:
        page.get_by_role("button", name=catalog["export_xlsx"]).click()
    target = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(target)
    assert target.suffix == ".xlsx"
    sheet = openpyxl.load_workbook(target).active
    assert [cell.value for cell in sheet[1]][:3] == ["编码", "类别", "名称"]


def test_staff_publish_a_notice_that_residents_then_read(page: Page, live_server, messages):
    notices = messages["zh-Hans"]["ui"]["desk"]["notices"]
    open_app(page, live_server, STAFF, route="/desk/manage/notices")
    wait_loaded(page, messages)
    page.get_by_role("button", name=notices["publish"]).click()
    expect(page.get_by_role("alert").filter(has_text=notices["required"])).to_be_visible()
    simplified = page.get_by_role("group", name=messages["zh-Hans"]["ui"]["desk"]["catalog"]["script_hans"])
    simplified.get_by_label(notices["field_title"]).fill("冬季防火安全提示")
    simplified.get_by_label(notices["field_body"]).fill("天干物燥，请注意用火用电安全。")
    page.get_by_role("button", name=notices["publish"]).click()
    expect(page.get_by_role("status").filter(has_text=notices["done"])).to_be_visible()
    expect(page.get_by_role("heading", name="冬季防火安全提示")).to_be_visible()
    mine = api_as(page, live_server, RESIDENT).get("/notices")["items"]
    assert any(item["title"] == "冬季防火安全提示" and item["region"]["code"] == TOWNSHIP for item in mine)
    # Readers of the Traditional script get the server's conversion.
    answer = page.request.get(
        f"{live_server.url}/api/v1/notices?region={TOWNSHIP}", headers={"Accept-Language": "zh-Hant"}
    )
    assert any("請注意用火用電安全" in item["body"] for item in answer.json()["items"])


def test_an_admin_publishes_for_a_township_of_the_county(page: Page, live_server, messages):
    notices = messages["zh-Hans"]["ui"]["desk"]["notices"]
    open_app(page, live_server, ADMIN, route="/desk/manage/notices")
    wait_loaded(page, messages)
    region = page.get_by_label(notices["region"])
    expect(region.locator("option", has_text="白石乡")).to_have_count(1)
    region.select_option(label="白石乡")
    simplified = page.get_by_role("group", name=messages["zh-Hans"]["ui"]["desk"]["catalog"]["script_hans"])
    simplified.get_by_label(notices["field_title"]).fill("白石乡医保缴费提醒")
    simplified.get_by_label(notices["field_body"]).fill("请在月底前缴纳城乡居民医保。")
    page.get_by_role("button", name=notices["publish"]).click()
    expect(page.get_by_role("heading", name="白石乡医保缴费提醒")).to_be_visible()
    answer = page.request.get(f"{live_server.url}/api/v1/notices?region=990101002")
    assert any(item["title"] == "白石乡医保缴费提醒" for item in answer.json()["items"])
