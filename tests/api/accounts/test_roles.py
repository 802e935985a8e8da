"""GET /users/roles: each role and the region level of its home, for the admin's user form."""

import pytest


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
async def test_roles_list_their_home_levels_deepest_last(client, auth, lang):
    response = await client.get("/api/v1/users/roles", headers=await auth.role("admin", lang))
    assert response.status_code == 200
    assert response.json()["items"] == [
        {"role": "resident", "home_level": "grid", "home_levels": ["village", "grid"]},
        {"role": "grid_worker", "home_level": "grid", "home_levels": ["village", "grid"]},
        {"role": "staff", "home_level": "township", "home_levels": ["township"]},
        {"role": "admin", "home_level": "county", "home_levels": ["county"]},
    ]


async def test_residents_and_grid_workers_may_not_list_roles(client, auth):
    for role in ("resident", "grid_worker"):
        assert (await client.get("/api/v1/users/roles", headers=await auth.role(role))).status_code == 403
