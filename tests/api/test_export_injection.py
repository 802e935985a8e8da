"""Formula injection through the exports (issue 18, finding 4).

A grid worker who names themselves ``=HYPERLINK(...)``, a region renamed to
``+1+cmd|' /C calc'!A0``, a catalog entry called ``@SUM(1)``: opened in Excel or WPS,
each would be a live formula in the clerk's workbook. Every export goes through one
writer (``lib.spreadsheets``), which writes them as text.
"""

from __future__ import annotations

from tests.api.cases.helpers import GRID_A, add_user, move, submit
from tests.spreadsheets import HOSTILE, csv_rows, xlsx_cell_types, xlsx_formulas, xlsx_texts

WORKER_NAME = '=HYPERLINK("http://evil","x")'
TOWNSHIP_NAME = "+1+cmd|' /C calc'!A0"
VILLAGE_NAME = "-2+3"
GRID_NAME = "@SUM(1)"
PERIOD = {"region": "990101001", "from": "2026-11-01", "to": "2026-11-30"}


async def _rename(client, admin, code: str, name: str) -> None:
    response = await client.patch(f"/api/v1/regions/{code}", json={"name_hans": name, "name_hant": name}, headers=admin)
    assert response.status_code == 200, response.text


async def test_statistics_export_writes_typed_names_as_text_not_formulas(client, auth):
    admin, staff, resident = await auth.role("admin"), await auth.role("staff"), await auth.role("resident")
    worker_id, _ = await add_user(client, auth, "grid_worker", GRID_A, name=WORKER_NAME)
    await _rename(client, admin, GRID_A[:9], TOWNSHIP_NAME)
    await _rename(client, admin, GRID_A[:12], VILLAGE_NAME)
    await _rename(client, admin, GRID_A, GRID_NAME)
    case = (await submit(client, resident)).json()
    await move(client, staff, case["id"], "accept")
    assigned = await move(client, staff, case["id"], "assign", assignee_id=worker_id)
    assert assigned.status_code == 200, assigned.text

    response = await client.get("/api/v1/stats/export.xlsx", params=PERIOD, headers=staff)

    assert response.status_code == 200
    assert xlsx_formulas(response.content) == []
    texts = xlsx_texts(response.content)
    assert {WORKER_NAME, TOWNSHIP_NAME, VILLAGE_NAME, GRID_NAME} <= texts  # read back exactly
    assert any(TOWNSHIP_NAME in text for text in texts)  # the period line names the region too
    types = xlsx_cell_types(response.content)
    assert {types[name] for name in (WORKER_NAME, TOWNSHIP_NAME, VILLAGE_NAME, GRID_NAME)} == {"inlineStr"}


async def test_catalog_exports_write_typed_titles_as_text(client, auth):
    staff = await auth.role("staff")
    for index, text in enumerate(HOSTILE):
        entry = {
            "code": f"INJ-{index:03d}",
            "category": "civil_affairs",
            "name_hans": text.strip() or "x",
            "description_hans": text,
            "materials_hans": [text],
            "time_limit_days": 5,
            "channels": ["online"],
            "implementing_body_hans": "-2+3",
        }
        response = await client.post("/api/v1/services", json=entry, headers=staff)
        assert response.status_code == 201, response.text

    xlsx = await client.get("/api/v1/services/export", params={"format": "xlsx"}, headers=staff)
    assert xlsx.status_code == 200
    assert xlsx_formulas(xlsx.content) == []
    assert set(HOSTILE) - {"\t=1+1"} <= xlsx_texts(xlsx.content)  # the name field trims the tab

    csv = await client.get("/api/v1/services/export", params={"format": "csv"}, headers=staff)
    assert csv.status_code == 200
    header, *rows = csv_rows(csv.content)
    described = {row[header.index("编码")]: row[header.index("说明")] for row in rows}
    for index, text in enumerate(HOSTILE):
        assert described[f"INJ-{index:03d}"] == f"'{text}"
    assert {row[header.index("实施主体")] for row in rows if row[0].startswith("INJ-")} == {"'-2+3"}
