import pytest

from backend.accounts.tables import Audit
from backend.lib.privacy import mask_phone
from tests.conftest import DEMO, error_code


@pytest.mark.parametrize("role", ["resident", "grid_worker"])
async def test_residents_and_grid_workers_cannot_manage_users(client, auth, role):
    headers = await auth.role(role)
    listing = await client.get("/api/v1/users", headers=headers)
    assert listing.status_code == 403
    assert error_code(listing) == "auth.forbidden"
    created = await client.post("/api/v1/users", json={"phone": "13911112222"}, headers=headers)
    assert created.status_code == 403


async def test_signed_out_user_is_asked_to_sign_in(client):
    response = await client.get("/api/v1/users")
    assert response.status_code == 401
    assert error_code(response) == "auth.required"


async def test_admin_sees_every_user_of_the_county(client, auth):
    listing = await client.get("/api/v1/users", headers=await auth.role("admin"))
    assert listing.status_code == 200
    # Managing users needs no means to call them: the list masks phones.
    assert {u["phone"] for u in listing.json()["items"]} == {mask_phone(phone) for phone in DEMO.values()}


async def test_staff_see_only_residents_of_their_township(client, auth):
    admin = await auth.role("admin")
    other = await client.post(
        "/api/v1/users",
        json={"phone": "13911110000", "name": "白石居民", "region": "990101002001001"},
        headers=admin,
    )
    assert other.status_code == 201
    listing = await client.get("/api/v1/users", headers=await auth.role("staff"))
    assert [u["phone"] for u in listing.json()["items"]] == [mask_phone(DEMO["resident"])]


async def test_staff_register_a_resident_with_flags_and_id_number(client, auth):
    staff = await auth.role("staff")
    created = await client.post(
        "/api/v1/users",
        json={
            "phone": "139 2222 3333",
            "name": "赵大爷",
            "region": "990101001002001",
            "flags": ["elderly", "disabled"],
            "id_number": "99010119440315002x",
        },
        headers=staff,
    )
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["phone"] == "13922223333"
    assert user["flags"] == ["elderly", "disabled"]
    assert user["id_number"] == "990***********002X"
    audit = await Audit.select().where(Audit.action == "user.create")
    assert any(row["object_id"] == str(user["id"]) for row in audit)


async def test_staff_cannot_create_staff_or_place_residents_elsewhere(client, auth):
    staff = await auth.role("staff")
    as_staff = await client.post(
        "/api/v1/users", json={"phone": "13911113333", "role": "staff", "region": "990101001"}, headers=staff
    )
    assert as_staff.status_code == 403
    elsewhere = await client.post(
        "/api/v1/users", json={"phone": "13911113333", "region": "990101002001001"}, headers=staff
    )
    assert elsewhere.status_code == 403


async def test_user_outside_scope_is_not_found(client, auth):
    admin = await auth.role("admin")
    worker = next(
        u for u in (await client.get("/api/v1/users", headers=admin)).json()["items"] if u["role"] == "grid_worker"
    )
    response = await client.patch(f"/api/v1/users/{worker['id']}", json={"name": "x"}, headers=await auth.role("staff"))
    assert response.status_code == 404
    assert error_code(response) == "not_found"
    missing = await client.patch("/api/v1/users/999999", json={"name": "x"}, headers=admin)
    assert missing.status_code == 404


async def test_invalid_id_number_and_duplicate_phone_change_nothing(client, auth):
    staff = await auth.role("staff")
    bad = await client.post(
        "/api/v1/users",
        json={"phone": "13911114444", "region": "990101001001001", "id_number": "990101194403150021"},
        headers=staff,
    )
    assert bad.status_code == 400 and error_code(bad) == "user.id_number_invalid"
    dup = await client.post(
        "/api/v1/users", json={"phone": DEMO["resident"], "region": "990101001001001"}, headers=staff
    )
    assert dup.status_code == 409 and error_code(dup) == "user.phone_taken"
    listing = await client.get("/api/v1/users", headers=await auth.role("admin"))
    assert len(listing.json()["items"]) == 4


async def test_role_must_fit_the_home_region(client, auth):
    admin = await auth.role("admin")
    response = await client.post(
        "/api/v1/users", json={"phone": "13911115555", "role": "staff", "region": "990101001001001"}, headers=admin
    )
    assert response.status_code == 400
    assert error_code(response) == "user.region_invalid"
