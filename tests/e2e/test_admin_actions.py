"""The county admin's main actions, end to end in the browser against a real server:
users and roles, regions, holiday overrides, rating appeals. Bad input is refused with
the server's localized message and changes nothing; the server, not the app, decides
who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.resident import GRID_WORKER, HOME_GRID, RESIDENT, STAFF, api_as, open_app

pytestmark = pytest.mark.e2e

ADMIN = "13800000004"


def _loaded(page: Page, messages, locale: str = "zh-Hans") -> None:
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main [role=status]", has_text=messages[locale]["app"]["loading"])).to_have_count(0)


def test_admin_finds_a_resident_and_changes_her_flags_and_creates_a_grid_worker(page: Page, live_server, messages):
    text = messages["zh-Hans"]["ui"]["admin"]["users"]
    admin = open_app(page, live_server, ADMIN, route="/admin/users")
    _loaded(page, messages)
    page.get_by_label(text["search"]).fill("0001")
    page.get_by_role("button", name=text["search_button"]).click()
    cards = page.locator("main li.card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("王秀英")
    cards.first.get_by_role("button", name=text["edit"]).click()
    form = page.get_by_role("form", name=text["edit_label"].replace("{name}", "王秀英"))
    form.get_by_label(messages["zh-Hans"]["flag"]["disabled"]).check()
    form.get_by_role("button", name=messages["zh-Hans"]["ui"]["admin"]["save"]).click()
    expect(form).to_have_count(0)
    expect(cards.first.locator(".meta").last).to_contain_text(messages["zh-Hans"]["flag"]["disabled"])
    [resident] = admin.get(f"/users?q={RESIDENT}")["items"]
    assert sorted(resident["flags"]) == ["disabled", "elderly", "lives_alone"]

    # A new grid worker, placed in a grid by the cascading lists.
    page.get_by_role("link", name=text["new"]).click()
    page.get_by_label(text["phone"]).fill("139 0000 7788")
    page.get_by_label(text["name"]).fill("周网格")
    page.get_by_label(text["role"]).select_option("grid_worker")
    page.get_by_label(messages["zh-Hans"]["ui"]["admin"]["level"]["township"]).select_option("990101001")
    page.get_by_label(messages["zh-Hans"]["ui"]["admin"]["level"]["village"]).select_option("990101001002")
    page.get_by_label(messages["zh-Hans"]["ui"]["admin"]["level"]["grid"]).select_option("990101001002001")
    page.get_by_role("button", name=text["create"]).click()
    expect(page.get_by_role("status").filter(has_text="周网格")).to_be_visible()
    [worker] = admin.get("/users?q=13900007788")["items"]
    assert worker["role"] == "grid_worker" and worker["region"]["code"] == "990101001002001"


def test_a_bad_phone_or_a_taken_one_is_refused_with_the_servers_message(page: Page, live_server, messages):
    text = messages["zh-Hant"]["ui"]["admin"]["users"]
    admin = open_app(page, live_server, ADMIN, locale="zh-Hant", route="/admin/users/new")
    _loaded(page, messages, "zh-Hant")
    before = len(admin.get("/users")["items"])
    page.get_by_label(text["phone"]).fill("12345")
    page.get_by_label(text["role"]).select_option("staff")
    page.get_by_label(messages["zh-Hant"]["ui"]["admin"]["level"]["township"]).select_option("990101002")
    page.get_by_role("button", name=text["create"]).click()
    expect(page.get_by_role("alert")).to_have_text(messages["zh-Hant"]["error"]["auth"]["phone_invalid"])
    page.get_by_label(text["phone"]).fill(STAFF)
    page.get_by_role("button", name=text["create"]).click()
    expect(page.get_by_role("alert")).to_have_text(messages["zh-Hant"]["error"]["user"]["phone_taken"])
    assert len(admin.get("/users")["items"]) == before


def test_admin_adds_a_village_renames_it_and_a_bad_code_changes_nothing(page: Page, live_server, messages):
    hans = messages["zh-Hans"]
    text = hans["ui"]["admin"]["regions"]
    admin = open_app(page, live_server, ADMIN, route="/admin/regions")
    _loaded(page, messages)
    page.get_by_role(
        "link", name=text["open"].replace("{level}", hans["ui"]["admin"]["level"]["village"])
    ).first.click()
    expect(page).to_have_url(f"{live_server.url}/#/admin/regions/990101001")
    _loaded(page, messages)
    form = page.locator("main form").last
    # "000" is no code: the server says why, and nothing is added.
    form.get_by_label(text["code_label"]).fill("000")
    form.get_by_label(text["name_hans"]).fill("新河村")
    form.get_by_label(text["name_hant"]).fill("新河村")
    form.get_by_role("button").click()
    expect(page.get_by_role("alert").filter(has_text="990101001")).to_contain_text(
        hans["error"]["region"]["code_invalid"].split("：")[0]
    )
    assert "990101001000" not in {r["code"] for r in admin.get("/regions?parent=990101001")["items"]}
    form.get_by_label(text["code_label"]).fill("009")
    form.get_by_role("button").click()
    expect(page.get_by_role("status").filter(has_text="990101001009")).to_be_visible()
    assert {"code": "990101001009", "level": "village", "name": "新河村", "parent": "990101001"} in admin.get(
        "/regions?parent=990101001"
    )["items"]

    card = page.locator("main li.card", has_text="990101001009")
    card.get_by_role("button", name=text["rename"]).click()
    card.get_by_label(text["name_hans"]).fill("新河社区")
    card.get_by_label(text["name_hant"]).fill("新河社區")
    card.get_by_role("button", name=hans["ui"]["admin"]["save"]).click()
    expect(page.locator("main li.card", has_text="990101001009")).to_contain_text("新河社区 / 新河社區")
    names = {r["code"]: r["name"] for r in admin.get("/regions?parent=990101001")["items"]}
    assert names["990101001009"] == "新河社区"


def test_admin_adds_and_removes_a_holiday_override_and_a_duplicate_is_refused(page: Page, live_server, messages):
    hans = messages["zh-Hans"]
    text = hans["ui"]["admin"]["holidays"]
    admin = open_app(page, live_server, ADMIN, route="/admin/holidays")
    _loaded(page, messages)
    year = dt.date.today().year
    day = f"{year}-10-09"
    page.get_by_label(text["date"]).fill(day)
    page.get_by_label(text["workday"]).check()
    page.get_by_label(text["note"]).fill("国庆调休")
    page.get_by_role("button", name=text["add"]).click()
    expect(page.locator("main li", has_text="国庆调休")).to_be_visible()
    assert {"date": day, "is_workday": True, "note": "国庆调休"} in admin.get(f"/holidays?year={year}")["items"]

    # The same day again: the server refuses the list, and the saved one stays as it was.
    page.get_by_label(text["date"]).fill(day)
    page.get_by_role("button", name=text["add"]).click()
    expect(page.get_by_role("alert")).to_have_text(hans["error"]["holiday"]["duplicate_date"])
    assert [i["date"] for i in admin.get(f"/holidays?year={year}")["items"]].count(day) == 1

    page.locator("main li", has_text="国庆调休").get_by_role("button", name=text["remove"]).click()
    expect(page.locator("main li", has_text="国庆调休")).to_have_count(0)
    assert day not in [i["date"] for i in admin.get(f"/holidays?year={year}")["items"]]


def test_admin_upholds_a_flagged_rating_after_confirming(page: Page, live_server, messages):
    hans = messages["zh-Hans"]
    text = hans["ui"]["admin"]["appeals"]
    resident, staff, worker = (api_as(page, live_server, phone) for phone in (RESIDENT, STAFF, GRID_WORKER))
    case = resident.post(
        "/cases", {"kind": "complaint", "title": "申诉测试：垃圾没人清", "description": "好几天了", "region": HOME_GRID}
    )
    staff.transition(case["id"], "accept")
    staff.transition(case["id"], "assign", assignee_id=worker.get("/me")["id"])
    worker.transition(case["id"], "start")
    worker.transition(case["id"], "resolve", note="已清理")
    rating = resident.post(f"/cases/{case['id']}/rating", {"score": 1, "comment": "乱说的"})
    staff.post(f"/ratings/{rating['id']}/flag", {"reason": "已清理，有照片"})

    admin = open_app(page, live_server, ADMIN, route="/admin/appeals")
    _loaded(page, messages)
    card = page.locator("main li.card", has_text="申诉测试：垃圾没人清")
    expect(card).to_contain_text("已清理，有照片")
    card.get_by_label(text["note"]).fill("核实为恶意评价")
    card.get_by_role("button", name=text["uphold"]).click()
    card.get_by_role("button", name=text["uphold_yes"]).click()
    expect(page.get_by_role("status").filter(has_text=case["receipt_no"])).to_be_visible()
    expect(page.locator("main li.card", has_text="申诉测试：垃圾没人清")).to_have_count(0)
    decided = [i for i in admin.get("/ratings/flags?status=decided")["items"] if i["rating_id"] == rating["id"]]
    assert decided[0]["flag_status"] == "upheld" and decided[0]["decision_note"] == "核实为恶意评价"
    page.get_by_role("button", name=text["decided"]).click()
    expect(page.locator("main li.card", has_text="申诉测试：垃圾没人清")).to_contain_text(text["status"]["upheld"])


def test_staff_get_no_admin_area_and_the_server_refuses_their_admin_calls(page: Page, live_server, messages):
    staff = open_app(page, live_server, STAFF, route="/admin/regions")
    # The app offers a staff member no admin screen …
    expect(page.locator("main h1")).not_to_have_text(messages["zh-Hans"]["ui"]["admin"]["regions"]["title"])
    assert not page.locator('nav.navbar a[href="#/admin"]').count()
    # … and the server refuses the calls themselves, whatever the app shows.
    headers = staff.headers()
    base = f"{live_server.url}/api/v1"
    region = {"parent": "990101001", "code": "990101001008", "level": "village", "name_hans": "试", "name_hant": "試"}
    assert page.request.post(f"{base}/regions", data=region, headers=headers).status == 403
    assert page.request.patch(f"{base}/regions/990101001", data={"name_hans": "改"}, headers=headers).status == 403
    assert page.request.put(f"{base}/holidays", data={"year": 2026, "items": []}, headers=headers).status == 403
    assert page.request.post(f"{base}/ratings/1/decision", data={"uphold": True}, headers=headers).status == 403
    created = page.request.post(
        f"{base}/users", headers=headers, data={"phone": "13900001111", "role": "staff", "region": "990101001"}
    )
    assert created.status == 403
    assert "990101001008" not in {r["code"] for r in staff.get("/regions?parent=990101001")["items"]}


def test_the_user_list_shows_more_on_request(page: Page, live_server, messages):
    text = messages["zh-Hans"]["ui"]["admin"]["users"]
    admin = open_app(page, live_server, ADMIN, route="/admin/users")
    for number in range(55):
        admin.post("/users", {"phone": f"1370000{number:04d}", "name": f"批量居民{number:02d}", "region": HOME_GRID})
    page.get_by_label(text["search"]).fill("批量居民")
    page.get_by_role("button", name=text["search_button"]).click()
    cards = page.locator("main li.card")
    expect(cards).to_have_count(50)
    page.get_by_role("button", name=text["more"]).click()
    expect(cards).to_have_count(55)
    expect(page.get_by_role("button", name=text["more"])).to_have_count(0)


def test_an_admin_cannot_lock_themselves_out(page: Page, live_server, messages):
    hans = messages["zh-Hans"]
    text = hans["ui"]["admin"]["users"]
    admin = open_app(page, live_server, ADMIN, route="/admin/users")
    page.get_by_label(text["search"]).fill(ADMIN)
    page.get_by_role("button", name=text["search_button"]).click()
    card = page.locator("main li.card", has_text="陈明")
    expect(card).to_have_count(1)
    card.get_by_role("button", name=text["edit"]).click()
    card.get_by_label(text["active"]).uncheck()
    card.get_by_role("button", name=hans["ui"]["admin"]["save"]).click()
    expect(card.get_by_role("alert")).to_have_text(hans["error"]["user"]["self_change"])
    assert admin.get("/me")["active"] is True
