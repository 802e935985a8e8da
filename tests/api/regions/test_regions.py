from tests.conftest import error_code


async def test_region_tree_walks_from_county_to_grid(client):
    counties = (await client.get("/api/v1/regions")).json()["items"]
    assert [c["code"] for c in counties] == ["990101"]
    townships = (await client.get("/api/v1/regions?parent=990101")).json()["items"]
    assert [t["name"] for t in townships] == ["清河镇", "白石乡"]
    villages = (await client.get("/api/v1/regions?parent=990101001")).json()["items"]
    assert len(villages) == 3 and all(v["level"] == "village" for v in villages)
    grids = (await client.get("/api/v1/regions?parent=990101001001")).json()["items"]
    assert [g["code"] for g in grids] == ["990101001001001", "990101001001002"]
    assert all(g["parent"] == "990101001001" for g in grids)


async def test_region_names_follow_the_script(client):
    townships = (await client.get("/api/v1/regions?parent=990101", headers={"Accept-Language": "zh-TW"})).json()
    assert [t["name"] for t in townships["items"]] == ["清河鎮", "白石鄉"]


async def test_unknown_parent_is_not_found(client):
    response = await client.get("/api/v1/regions?parent=123456")
    assert response.status_code == 404
    assert error_code(response) == "not_found"


async def test_every_village_has_a_grid(client):
    for township in (await client.get("/api/v1/regions?parent=990101")).json()["items"]:
        villages = (await client.get(f"/api/v1/regions?parent={township['code']}")).json()["items"]
        assert len(villages) >= 3
        for village in villages:
            grids = (await client.get(f"/api/v1/regions?parent={village['code']}")).json()["items"]
            assert grids, village
