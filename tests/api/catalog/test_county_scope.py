"""Catalog entries and holiday overrides belong to a county (issue 18, finding 8).

Before, a county-wide entry belonged to no county: the admin of another county edited
or retired it, and saw the first county's township entries (retired ones too) in
``/services/manage`` and the export; one admin's days off moved every county's deadlines.
Now county B's admin finds none of county A's entries (404, like a missing one), and
their overrides move only their own county's deadlines.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from backend.accounts import service as accounts
from backend.accounts.structs import UserCreate
from backend.lib.workdays import WorkCalendar
from backend.regions import service as regions
from tests.api.authz_world import OTHER_COUNTY
from tests.api.cases.helpers import move, submit
from tests.conftest import error_code
from tests.spreadsheets import csv_rows, xlsx_values

API = "/api/v1"
GRID_B = "990102001001001"
TOWNSHIP_A = "990101001"


def _entry(code: str, **extra) -> dict:
    return {
        "code": code,
        "category": "civil_affairs",
        "name_hans": f"事项{code}",
        "description_hans": "说明",
        "materials_hans": ["身份证"],
        "time_limit_days": 5,
        "channels": ["online"],
        **extra,
    }


@pytest.fixture
async def counties(client, auth, settings, tmp_path):
    """County A (the seed's, 990101) with a township entry and a retired one; county B
    (990102) with its admin, a resident and one county-wide entry of its own."""
    path = tmp_path / "county-b.json"
    path.write_text(json.dumps(OTHER_COUNTY, ensure_ascii=False))
    await regions.seed(path)
    people = {}
    for name, role, region, phone in (
        ("admin_b", "admin", "990102", "13900000901"),
        ("resident_b", "resident", GRID_B, "13900000902"),
    ):
        await accounts.create_user(UserCreate(phone=phone, role=role, region=region, name=name))
        people[name] = await auth.headers(phone)
    people["admin_a"], people["staff_a"] = await auth.role("admin"), await auth.role("staff")
    people["resident_a"] = await auth.role("resident")
    for code, who in (("TWN-901", "staff_a"), ("TWN-902", "staff_a")):
        response = await client.post(f"{API}/services", json=_entry(code), headers=people[who])
        assert response.status_code == 201, response.text
    assert (await client.delete(f"{API}/services/TWN-902", headers=people["staff_a"])).status_code == 200
    created = await client.post(f"{API}/services", json=_entry("CTY-901"), headers=people["admin_b"])
    assert created.status_code == 201, created.text
    return people


async def _codes(client, path: str, headers, **params) -> set[str]:
    return {item["code"] for item in (await client.get(f"{API}{path}", headers=headers, params=params)).json()["items"]}


async def test_another_countys_admin_cannot_edit_or_retire_its_entries(client, counties):
    admin_b = counties["admin_b"]
    for code in ("AST-001", "TWN-901", "TWN-902"):  # county-wide, township, retired township
        replaced = await client.put(f"{API}/services/{code}", json=_entry(code, name_hans="改掉"), headers=admin_b)
        retired = await client.delete(f"{API}/services/{code}", headers=admin_b)
        assert (replaced.status_code, retired.status_code) == (404, 404), code
        assert error_code(replaced) == error_code(retired) == "not_found"
    missing = await client.delete(f"{API}/services/NONE-999", headers=admin_b)
    assert missing.status_code == 404  # the same answer as an entry that does not exist
    still = (await client.get(f"{API}/services/AST-001")).json()
    assert still["active"] and still["name"] != "改掉"


async def test_another_countys_admin_sees_only_their_own_entries_in_manage_and_exports(client, counties):
    admin_b, admin_a = counties["admin_b"], counties["admin_a"]
    assert await _codes(client, "/services/manage", admin_b) == {"CTY-901"}
    a_codes = await _codes(client, "/services/manage", admin_a)
    assert {"AST-001", "TWN-901", "TWN-902"} <= a_codes and "CTY-901" not in a_codes

    xlsx = await client.get(f"{API}/services/export", params={"format": "xlsx"}, headers=admin_b)
    [rows] = xlsx_values(xlsx.content).values()
    assert [row[0] for row in rows[1:]] == ["CTY-901"]
    csv = await client.get(f"{API}/services/export", params={"format": "csv"}, headers=admin_b)
    assert [row[0] for row in csv_rows(csv.content)[1:]] == ["CTY-901"]


async def test_an_admin_manages_their_own_countys_entries(client, counties):
    admin_b, admin_a = counties["admin_b"], counties["admin_a"]
    changed = await client.put(f"{API}/services/CTY-901", json=_entry("CTY-901", name_hans="远山事项"), headers=admin_b)
    assert changed.status_code == 200 and changed.json()["name_hans"] == "远山事项"
    assert (await client.put(f"{API}/services/CTY-901", json=_entry("CTY-901"), headers=admin_a)).status_code == 404
    assert (await client.delete(f"{API}/services/CTY-901", headers=admin_a)).status_code == 404
    assert (await client.delete(f"{API}/services/CTY-901", headers=admin_b)).status_code == 200


async def test_importing_another_countys_code_is_refused_and_changes_nothing(client, counties):
    sheet = "编码,类别,名称,说明,所需材料,办理时限（工作日）,办理渠道\nAST-001,民政,夺走,说明,身份证,5,网上办理\n"
    response = await client.post(
        f"{API}/services/import",
        files={"file": ("b.csv", sheet.encode(), "text/csv")},
        headers=counties["admin_b"],
    )
    report = response.json()
    assert report["rejected"] == 1 and report["rows"][0]["error"] == "catalog.code_taken"
    assert (await client.get(f"{API}/services/AST-001")).json()["name"] != "夺走"


async def test_residents_browse_their_own_countys_catalog(client, counties):
    b_sees = await _codes(client, "/services", counties["resident_b"])
    assert b_sees == {"CTY-901"}
    a_sees = await _codes(client, "/services", counties["resident_a"])
    assert {"AST-001", "TWN-901"} <= a_sees and not {"CTY-901", "TWN-902"} & a_sees
    assert "CTY-901" not in await _codes(client, "/services", {}, township=TOWNSHIP_A)
    assert await _codes(client, "/services", {}, township="990102001") == {"CTY-901"}


async def test_one_countys_days_off_do_not_move_another_countys_deadlines(client, counties, clock):
    admin_a, admin_b, staff_a = counties["admin_a"], counties["admin_b"], counties["staff_a"]
    days_off = [{"date": f"2026-11-{d}", "is_workday": False, "note": "远山县调休"} for d in (24, 25, 26, 27)]
    put = await client.put(f"{API}/holidays", json={"year": 2026, "items": days_off}, headers=admin_b)
    assert put.status_code == 200
    assert (await client.get(f"{API}/holidays", params={"year": 2026}, headers=admin_a)).json()["items"] == []
    assert len((await client.get(f"{API}/holidays", params={"year": 2026}, headers=admin_b)).json()["items"]) == 4

    case_a = (await submit(client, counties["resident_a"], service_code="AST-001")).json()
    case_b = (await submit(client, counties["resident_b"], region=GRID_B, service_code="CTY-901")).json()
    accepted_a = (await move(client, staff_a, case_a["id"], "accept")).json()
    accepted_b = (await move(client, admin_b, case_b["id"], "accept")).json()

    tz = ZoneInfo("Asia/Shanghai")
    now = clock.now()
    national = WorkCalendar()
    b_calendar = WorkCalendar({date(2026, 11, d): False for d in (24, 25, 26, 27)})
    a_deadline = datetime.fromisoformat(accepted_a["deadline"])
    b_deadline = datetime.fromisoformat(accepted_b["deadline"])
    assert a_deadline == national.add_workdays(now, accepted_a["time_limit_days"], tz)
    assert b_deadline == b_calendar.add_workdays(now, 5, tz)
    assert b_deadline > national.add_workdays(now, 5, tz)


async def test_one_countys_holiday_notice_leaves_another_countys_calendar_and_deadlines(client, counties, clock):
    """County B imports 2027's notice: its year is known and its deadlines move; county A's do not."""
    admin_a, admin_b = counties["admin_a"], counties["admin_b"]
    clock.set(datetime(2026, 12, 28, 2, tzinfo=ZoneInfo("UTC")))
    case_a = (await submit(client, counties["resident_a"], service_code="AST-001")).json()
    case_b = (await submit(client, counties["resident_b"], region=GRID_B, service_code="CTY-901")).json()
    a_deadline = (await move(client, counties["staff_a"], case_a["id"], "accept")).json()["deadline"]
    b_deadline = (await move(client, admin_b, case_b["id"], "accept")).json()["deadline"]
    notice = {"year": 2027, "text": "元旦：1月1日（星期五）放假。"}
    imported = await client.post(f"{API}/holidays/import", json=notice, headers=admin_b)
    assert imported.status_code == 200 and imported.json()["moved_cases"] == 1, imported.text
    assert (await client.get(f"{API}/holidays/status", headers=admin_b)).json()["unknown_years"] == []
    assert (await client.get(f"{API}/holidays/status", headers=admin_a)).json()["unknown_years"] == [2027]
    assert (await client.get(f"{API}/holidays", params={"year": 2027}, headers=admin_a)).json()["items"] == []
    moved_b = (await client.get(f"{API}/cases/{case_b['id']}", headers=admin_b)).json()["deadline"]
    assert moved_b > b_deadline
    assert (await client.get(f"{API}/cases/{case_a['id']}", headers=admin_a)).json()["deadline"] == a_deadline


async def test_a_case_is_filed_only_under_its_own_countys_entry(client, counties):
    """A resident of county B names county A's entry: answered like a code that does not exist."""
    resident_b = counties["resident_b"]

    async def file(code: str):
        body = {
            "kind": "request",
            "service_code": code,
            "title": "办事",
            "description": "想办这件事。",
            "region": GRID_B,
        }
        return await client.post(f"{API}/cases", json=body, headers=resident_b)

    before = (await client.get(f"{API}/cases", headers=resident_b)).json()["items"]
    other, missing = await file("AST-001"), await file("NOPE-404")
    assert other.status_code == missing.status_code == 400
    assert error_code(other) == error_code(missing) == "case.service_invalid"
    assert (await client.get(f"{API}/cases", headers=resident_b)).json()["items"] == before
    own = await file("CTY-901")
    assert own.status_code == 201, own.text
