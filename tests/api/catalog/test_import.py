import pytest

from backend.catalog import _manage as catalog_manage
from tests.conftest import error_code
from tests.unit.catalog.messy import messy_township_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _import(client, headers, content, name="清河镇目录.xlsx", dry_run=False):
    return await client.post(
        "/api/v1/services/import",
        files={"file": (name, content, XLSX)},
        data={"dry_run": "true" if dry_run else "false"},
        headers=headers,
    )


async def _codes(client, township="990101001"):
    items = (await client.get("/api/v1/services", params={"township": township})).json()["items"]
    return {s["code"] for s in items}


async def test_messy_township_list_applies_good_rows_and_reports_bad_ones(client, auth):
    staff = await auth.role("staff")
    response = await _import(client, staff, messy_township_xlsx())
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["applied"] is True and report["dry_run"] is False
    assert (report["created"], report["rejected"]) == (3, 7)
    by_line = {row["line"]: row for row in report["rows"]}
    assert {line for line, row in by_line.items() if row["status"] == "created"} == {4, 5, 13}
    assert by_line[8]["error"] == "catalog.import.invalid_time_limit"
    assert "三百八十天" in by_line[8]["message"]
    # Line 6 names another township: the staff member may not write there.
    assert by_line[6]["error"] == "auth.forbidden"
    assert {"EDU-101", "EDU-102", "HLT-302"} <= await _codes(client)
    entry = (await client.get("/api/v1/services/EDU-101")).json()
    assert entry["time_limit_days"] == 15 and entry["township"]["code"] == "990101001"
    assert entry["materials"] == ["儿童户口簿", "监护人居民身份证", "预防接种证"]


async def test_rejections_are_reported_in_the_readers_script(client, auth):
    staff = await auth.role("staff")
    await client.patch("/api/v1/me", json={"locale": "zh-Hant"}, headers=staff)
    response = await _import(client, staff, messy_township_xlsx())
    rejected = [row for row in response.json()["rows"] if row["error"] == "catalog.import.invalid_time_limit"]
    assert rejected and "辦理時限" in rejected[0]["message"]


async def test_dry_run_reports_and_changes_nothing(client, auth):
    before = await _codes(client)
    response = await _import(client, await auth.role("staff"), messy_township_xlsx(), dry_run=True)
    report = response.json()
    assert report["applied"] is False and report["created"] == 3
    assert await _codes(client) == before


async def test_second_import_of_the_same_file_changes_nothing(client, auth):
    staff = await auth.role("staff")
    await _import(client, staff, messy_township_xlsx())
    again = (await _import(client, staff, messy_township_xlsx())).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert again["applied"] is False


async def test_unreadable_file_is_refused_and_changes_nothing(client, auth):
    before = await _codes(client)
    junk = bytes(range(256)) * 40
    response = await _import(client, await auth.role("staff"), junk, name="目录.pdf")
    assert response.status_code == 400
    assert error_code(response) == "catalog.import.unreadable"
    assert await _codes(client) == before


async def test_import_that_fails_while_writing_leaves_nothing_behind(client, auth, monkeypatch):
    before = await _codes(client)

    async def broken_audit(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(catalog_manage, "audit", broken_audit)
    response = await _import(client, await auth.role("staff"), messy_township_xlsx())
    assert response.status_code == 500
    assert await _codes(client) == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
async def test_export_then_import_round_trips(client, auth, fmt):
    admin = await auth.role("admin")
    exported = await client.get(f"/api/v1/services/export?format={fmt}", headers=admin)
    assert exported.status_code == 200
    assert "attachment" in exported.headers["content-disposition"]
    report = (await _import(client, admin, exported.content, name=f"services.{fmt}")).json()
    assert report["rejected"] == 0, [r for r in report["rows"] if r["status"] == "rejected"][:3]
    assert report["unchanged"] == len(report["rows"]) >= 40


@pytest.mark.parametrize("role", ["resident", "grid_worker"])
async def test_only_staff_import_or_export(client, auth, role):
    headers = await auth.role(role)
    assert (await _import(client, headers, messy_township_xlsx())).status_code == 403
    assert (await client.get("/api/v1/services/export", headers=headers)).status_code == 403
