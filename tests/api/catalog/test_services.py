import json
from pathlib import Path

import pytest

from tests.conftest import error_code

SEED = json.loads((Path(__file__).resolve().parents[3] / "backend/catalog/seed/services.json").read_text("utf-8"))
HANT = {"Accept-Language": "zh-TW"}


async def test_full_catalog_answers_in_both_scripts(client):
    hans = (await client.get("/api/v1/services")).json()["items"]
    hant = (await client.get("/api/v1/services", headers=HANT)).json()["items"]
    assert len(hans) == len(hant) == len(SEED) >= 40
    by_code = {s["code"]: s for s in hant}
    assert {s["code"] for s in hans} == set(by_code)
    low = next(s for s in hans if s["name"] == "最低生活保障申请")
    low_hant = by_code[low["code"]]
    assert low_hant["name"] == "最低生活保障申請"
    assert low["category_name"] == "社会救助" and low_hant["category_name"] == "社會救助"


async def test_every_seeded_entry_is_complete_in_both_scripts(client):
    for headers in ({}, HANT):
        for entry in (await client.get("/api/v1/services", headers=headers)).json()["items"]:
            assert entry["name"] and entry["description"] and entry["implementing_body"], entry["code"]
            assert entry["materials"] and all(m.strip() for m in entry["materials"]), entry["code"]
            assert 1 <= entry["time_limit_days"] <= 365
            assert entry["channels"]


async def test_traditional_text_is_converted_and_stored(client):
    entry = (await client.get("/api/v1/services/AST-001", headers=HANT)).json()
    source = next(e for e in SEED if e["code"] == "AST-001")
    assert entry["name"] != source["name"] or entry["name"].isascii() is False
    assert "户" not in "".join(entry["materials"]) and "证" not in "".join(entry["materials"])


@pytest.mark.parametrize(("query", "headers"), [("醫療救助", {}), ("医疗救助", HANT), ("醫療救助", HANT)])
async def test_search_matches_across_scripts(client, query, headers):
    items = (await client.get("/api/v1/services", params={"q": query}, headers=headers)).json()["items"]
    assert items, query
    assert items[0]["code"] == next(e["code"] for e in SEED if e["name"] == "医疗救助申请")


async def test_search_ranks_name_matches_before_text_matches(client):
    items = (await client.get("/api/v1/services", params={"q": "救助"})).json()["items"]
    names = [i["name"] for i in items]
    assert len(names) > 3
    named = [("救助" in n) for n in names]
    assert named == sorted(named, reverse=True), names
    assert any(not n for n in named), "some matches should come from descriptions only"


async def test_common_abbreviations_find_the_full_name_first(client):
    for query, expected in (("低保", "最低生活保障申请"), ("醫保", "医疗保险"), ("残疾证", "残疾人证")):
        items = (await client.get("/api/v1/services", params={"q": query})).json()["items"]
        assert items and expected in items[0]["name"], (query, [i["name"] for i in items[:3]])


async def test_multi_word_search_needs_every_word(client):
    items = (await client.get("/api/v1/services", params={"q": "老年人 补贴"})).json()["items"]
    assert items
    for item in items:
        text = item["name"] + item["description"] + "".join(item["materials"]) + "".join(item["target_groups"])
        assert "老年" in text and "补贴" in text


async def test_search_finds_materials(client):
    items = (await client.get("/api/v1/services", params={"q": "残疾人证"})).json()["items"]
    assert any("残疾人证" in "".join(i["materials"]) for i in items)


async def test_filters_by_category_and_channel(client):
    elderly = (await client.get("/api/v1/services", params={"category": "elderly_care"})).json()["items"]
    assert elderly and all(s["category"] == "elderly_care" for s in elderly)
    door = (await client.get("/api/v1/services", params={"channel": "door_to_door"})).json()["items"]
    assert door and all("door_to_door" in s["channels"] for s in door)
    bad = await client.get("/api/v1/services", params={"channel": "fax"})
    assert bad.status_code == 400 and error_code(bad) == "request.invalid_parameter"


async def test_unknown_or_retired_service_is_not_found(client, auth):
    assert (await client.get("/api/v1/services/XXX-999")).status_code == 404
    admin = await auth.role("admin")
    assert (await client.delete("/api/v1/services/AST-001", headers=admin)).status_code == 200
    assert (await client.get("/api/v1/services/AST-001")).status_code == 404
    codes = {s["code"] for s in (await client.get("/api/v1/services")).json()["items"]}
    assert "AST-001" not in codes


def _entry(**overrides):
    entry = {
        "code": "QH-001",
        "category": "civil_affairs",
        "name_hans": "清河镇老年食堂就餐登记",
        "description_hans": "为本镇老年人提供午餐，凭卡就餐。",
        "materials_hans": ["居民身份证", "户口簿"],
        "time_limit_days": 3,
        "channels": ["door_to_door", "proxy"],
    }
    entry.update(overrides)
    return entry


async def test_staff_add_a_township_entry_that_only_their_township_sees(client, auth):
    staff = await auth.role("staff")
    created = await client.post("/api/v1/services", json=_entry(), headers=staff)
    assert created.status_code == 201, created.text
    record = created.json()
    assert record["township"] == "990101001"
    assert record["name_hant"] == "清河鎮老年食堂就餐登記"
    assert record["materials_hant"] == ["居民身份證", "戶口簿"]
    mine = {s["code"] for s in (await client.get("/api/v1/services", params={"township": "990101001"})).json()["items"]}
    other = {
        s["code"] for s in (await client.get("/api/v1/services", params={"township": "990101002"})).json()["items"]
    }
    assert "QH-001" in mine and "QH-001" not in other
    resident_view = (await client.get("/api/v1/services", headers=await auth.role("resident"))).json()["items"]
    assert any(s["code"] == "QH-001" and s["township"]["name"] == "清河镇" for s in resident_view)


async def test_staff_may_correct_the_traditional_text(client, auth):
    staff = await auth.role("staff")
    await client.post("/api/v1/services", json=_entry(), headers=staff)
    replaced = await client.put(
        "/api/v1/services/QH-001", json=_entry(name_hant="清河鎮長者食堂就餐登記"), headers=staff
    )
    assert replaced.status_code == 200
    shown = (await client.get("/api/v1/services/QH-001", headers=HANT)).json()
    assert shown["name"] == "清河鎮長者食堂就餐登記"
    assert (await client.get("/api/v1/services/QH-001")).json()["name"] == "清河镇老年食堂就餐登记"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"time_limit_days": 0}, "time_limit_days"),
        ({"time_limit_days": 366}, "time_limit_days"),
        ({"channels": []}, "channels"),
        ({"channels": ["fax"]}, "channels"),
        ({"code": "qh 1"}, "code"),
        ({"category": "space"}, "category"),
    ],
)
async def test_invalid_entries_are_refused_naming_the_field(client, auth, overrides, field):
    response = await client.post("/api/v1/services", json=_entry(**overrides), headers=await auth.role("staff"))
    assert response.status_code == 400
    assert response.json()["error"]["details"]["field"].startswith(field)
    assert (await client.get("/api/v1/services/QH-001")).status_code == 404


async def test_codes_are_unique_and_stable(client, auth):
    staff = await auth.role("staff")
    assert (await client.post("/api/v1/services", json=_entry(), headers=staff)).status_code == 201
    again = await client.post("/api/v1/services", json=_entry(name_hans="别的"), headers=staff)
    assert again.status_code == 409 and error_code(again) == "catalog.code_taken"
    renamed = await client.put("/api/v1/services/QH-001", json=_entry(code="QH-002"), headers=staff)
    assert renamed.status_code == 400 and error_code(renamed) == "catalog.code_immutable"


async def test_staff_cannot_change_county_or_other_township_entries(client, auth):
    staff = await auth.role("staff")
    county = await client.put("/api/v1/services/AST-001", json=_entry(code="AST-001"), headers=staff)
    assert county.status_code == 403
    elsewhere = await client.post("/api/v1/services", json=_entry(township="990101002"), headers=staff)
    assert elsewhere.status_code == 403
    county_wide = await client.post("/api/v1/services", json=_entry(code="QH-003"), headers=await auth.role("admin"))
    assert county_wide.status_code == 201 and county_wide.json()["township"] is None


@pytest.mark.parametrize("role", ["resident", "grid_worker"])
async def test_residents_and_grid_workers_cannot_edit_the_catalog(client, auth, role):
    headers = await auth.role(role)
    assert (await client.post("/api/v1/services", json=_entry(), headers=headers)).status_code == 403
    assert (await client.delete("/api/v1/services/AST-001", headers=headers)).status_code == 403
    assert (await client.get("/api/v1/services/manage", headers=headers)).status_code == 403


async def test_staff_list_their_editable_entries_with_both_scripts(client, auth):
    staff = await auth.role("staff")
    await client.post("/api/v1/services", json=_entry(), headers=staff)
    await client.delete("/api/v1/services/QH-001", headers=staff)
    records = (await client.get("/api/v1/services/manage", headers=staff)).json()["items"]
    assert [r["code"] for r in records] == ["QH-001"]
    assert records[0]["active"] is False and records[0]["name_hant"]
    admin_records = (await client.get("/api/v1/services/manage", headers=await auth.role("admin"))).json()["items"]
    assert len(admin_records) == len(SEED) + 1
