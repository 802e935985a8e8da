"""County admins add regions below their county and rename them (POST/PATCH /regions)."""

import json

import pytest

from backend.accounts.tables import Audit
from backend.regions import service as regions
from tests.conftest import error_code

TOWNSHIP = {"parent": "990101", "code": "990101003", "level": "township", "name_hans": "新安镇", "name_hant": "新安鎮"}


async def _tree(client, parent: str, lang: str = "zh-CN") -> dict[str, str]:
    page = (await client.get(f"/api/v1/regions?parent={parent}", headers={"Accept-Language": lang})).json()
    return {item["code"]: item["name"] for item in page["items"]}


async def _other_county(tmp_path) -> None:
    path = tmp_path / "other.json"
    path.write_text(
        json.dumps(
            [
                {
                    "code": "990202",
                    "name": "远山县",
                    "children": [{"code": "990202001", "name": "远山镇", "children": []}],
                }
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    await regions.seed(path)


async def test_admin_adds_a_township_and_then_a_village_and_grid_below_it(client, auth):
    admin = await auth.role("admin")
    created = await client.post("/api/v1/regions", json=TOWNSHIP, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json() == {
        "code": "990101003",
        "level": "township",
        "parent": "990101",
        "name_hans": "新安镇",
        "name_hant": "新安鎮",
    }
    village = {
        "parent": "990101003",
        "code": "990101003001",
        "level": "village",
        "name_hans": "新安村",
        "name_hant": "新安村",
    }
    assert (await client.post("/api/v1/regions", json=village, headers=admin)).status_code == 201
    grid = {
        "parent": "990101003001",
        "code": "990101003001001",
        "level": "grid",
        "name_hans": "新安村网格",
        "name_hant": "新安村網格",
    }
    assert (await client.post("/api/v1/regions", json=grid, headers=admin)).status_code == 201
    assert (await _tree(client, "990101"))["990101003"] == "新安镇"
    assert await _tree(client, "990101003001", "zh-TW") == {"990101003001001": "新安村網格"}
    audit = await Audit.select(Audit.action, Audit.object_id).where(Audit.action == "region.create")
    assert [row["object_id"] for row in audit] == ["990101003", "990101003001", "990101003001001"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"code": "99010100"}, "region.code_invalid"),  # too short for a township
        ({"code": "990102003"}, "region.code_invalid"),  # not below the parent
        ({"code": "99010100a"}, "region.code_invalid"),
        ({"code": "990101\u0660\u0660\u0663"}, "region.code_invalid"),  # Arabic-Indic digits are digits to Python
        ({"code": "990101000"}, "region.code_invalid"),
        ({"level": "village", "code": "990101003001"}, "region.level_invalid"),
        ({"name_hans": "   "}, "region.name_required"),
        ({"name_hant": "长" * 51}, "region.name_too_long"),
    ],
)
async def test_bad_input_is_refused_with_a_localized_message_and_changes_nothing(client, auth, change, code):
    admin = await auth.role("admin", "zh-TW")
    before = await _tree(client, "990101")
    response = await client.post("/api/v1/regions", json={**TOWNSHIP, **change}, headers=admin)
    assert response.status_code == 400, response.text
    assert error_code(response) == code
    message = response.json()["error"]["message"]
    assert message and "{" not in message
    assert await _tree(client, "990101") == before


async def test_a_code_is_never_used_twice_and_sibling_names_differ(client, auth):
    admin = await auth.role("admin")
    taken = await client.post("/api/v1/regions", json={**TOWNSHIP, "code": "990101001"}, headers=admin)
    assert taken.status_code == 409 and error_code(taken) == "region.code_taken"
    same_name = await client.post("/api/v1/regions", json={**TOWNSHIP, "name_hans": "清河镇"}, headers=admin)
    assert same_name.status_code == 409 and error_code(same_name) == "region.name_taken"
    assert "990101003" not in await _tree(client, "990101")


async def test_admin_renames_a_region_in_both_scripts_and_the_code_stays(client, auth):
    admin = await auth.role("admin")
    renamed = await client.patch(
        "/api/v1/regions/990101001001", json={"name_hans": "东山社区", "name_hant": "東山社區"}, headers=admin
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["code"] == "990101001001"
    assert (await _tree(client, "990101001"))["990101001001"] == "东山社区"
    assert (await _tree(client, "990101001", "zh-TW"))["990101001001"] == "東山社區"
    # The resident living there sees the new name on their profile.
    me = (await client.get("/api/v1/me", headers=await auth.role("resident"))).json()
    assert me["region"]["code"] == "990101001001001"
    only_hant = await client.patch("/api/v1/regions/990101001001", json={"name_hant": "東山社区"}, headers=admin)
    assert only_hant.json()["name_hans"] == "东山社区" and only_hant.json()["name_hant"] == "東山社区"
    clash = await client.patch("/api/v1/regions/990101001001", json={"name_hans": "西塘村"}, headers=admin)
    assert clash.status_code == 409 and error_code(clash) == "region.name_taken"
    empty = await client.patch("/api/v1/regions/990101001001", json={"name_hans": ""}, headers=admin)
    assert empty.status_code == 400 and error_code(empty) == "region.name_required"
    assert (await _tree(client, "990101001"))["990101001001"] == "东山社区"


async def test_manage_list_gives_both_scripts_for_the_rename_form(client, auth):
    page = await client.get("/api/v1/regions/manage?parent=990101", headers=await auth.role("admin"))
    assert page.status_code == 200
    assert [(r["code"], r["name_hans"], r["name_hant"]) for r in page.json()["items"]] == [
        ("990101001", "清河镇", "清河鎮"),
        ("990101002", "白石乡", "白石鄉"),
    ]


@pytest.mark.parametrize("role", ["staff", "grid_worker", "resident"])
async def test_only_admins_change_regions(client, auth, role):
    headers = await auth.role(role)
    created = await client.post("/api/v1/regions", json=TOWNSHIP, headers=headers)
    assert created.status_code == 403 and error_code(created) == "auth.forbidden"
    renamed = await client.patch("/api/v1/regions/990101001", json={"name_hans": "改名"}, headers=headers)
    assert renamed.status_code == 403
    assert (await client.get("/api/v1/regions/manage?parent=990101", headers=headers)).status_code == 403
    assert (await _tree(client, "990101"))["990101001"] == "清河镇"


async def test_signed_out_callers_are_asked_to_sign_in(client):
    assert (await client.post("/api/v1/regions", json=TOWNSHIP)).status_code == 401
    assert (await client.patch("/api/v1/regions/990101001", json={"name_hans": "改名"})).status_code == 401


async def test_another_countys_regions_do_not_exist_for_an_admin(client, auth, tmp_path):
    await _other_county(tmp_path)
    admin = await auth.role("admin")
    outside = {"parent": "990202", "code": "990202002", "level": "township", "name_hans": "外镇", "name_hant": "外鎮"}
    created = await client.post("/api/v1/regions", json=outside, headers=admin)
    assert created.status_code == 404 and error_code(created) == "not_found"
    renamed = await client.patch("/api/v1/regions/990202001", json={"name_hans": "改名"}, headers=admin)
    assert renamed.status_code == 404
    assert (
        await client.patch("/api/v1/regions/990101999", json={"name_hans": "改名"}, headers=admin)
    ).status_code == 404
    assert (await client.get("/api/v1/regions/manage?parent=990202", headers=admin)).status_code == 404
    assert await _tree(client, "990202") == {"990202001": "远山镇"}
