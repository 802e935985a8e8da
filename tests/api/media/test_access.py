"""Who may see a photo: whoever may see its case; before that, only its uploader. Others get 404."""

from urllib.parse import parse_qs, urlsplit

from tests.api.cases.helpers import GRID_B, GRID_OTHER_TOWN, add_user, submit
from tests.conftest import error_code

from .helpers import path_of, photo


def _without_token(url: str) -> str:
    return urlsplit(url).path


async def test_photo_of_a_case_is_served_only_inside_the_cases_scope(client, auth):
    resident = await auth.role("resident")
    uploaded = await photo(client, resident)
    case = await submit(client, resident, media=[uploaded["id"]])
    assert case.status_code == 201, case.text
    _, neighbour = await add_user(client, auth, "resident", GRID_B)  # same township, another grid
    _, other_worker = await add_user(client, auth, "grid_worker", GRID_B)
    _, other_staff = await add_user(client, auth, "staff", GRID_OTHER_TOWN[:9])  # another township
    path = _without_token(uploaded["url"])
    for name, headers in (("neighbour", neighbour), ("other worker", other_worker), ("other staff", other_staff)):
        for url in (path, path + "/thumb"):
            response = await client.get(url, headers=headers)
            assert response.status_code == 404 and error_code(response) == "not_found", (name, url)
    for role in ("resident", "grid_worker", "staff", "admin"):
        response = await client.get(path, headers=await auth.role(role))
        assert response.status_code == 200, role


async def test_unattached_photo_is_its_uploaders_alone(client, auth):
    resident = await auth.role("resident")
    uploaded = await photo(client, resident)
    path = _without_token(uploaded["url"])
    assert (await client.get(path, headers=resident)).status_code == 200
    for role in ("grid_worker", "staff", "admin"):
        assert (await client.get(path, headers=await auth.role(role))).status_code == 404, role
    assert (await client.get(f"/api/v1/media/999999/{'0' * 24}", headers=resident)).status_code == 404


async def test_signed_link_opens_the_photo_without_a_bearer_token_until_it_expires(client, auth, clock):
    resident = await auth.role("resident")
    uploaded = await photo(client, resident)
    image, thumb = await client.get(uploaded["url"]), await client.get(uploaded["thumb_url"])
    assert image.status_code == thumb.status_code == 200
    assert image.content != thumb.content
    clock.travel(hours=25)
    expired = await client.get(uploaded["url"])
    assert expired.status_code == 401 and error_code(expired) == "auth.required"
    assert (await client.get(_without_token(uploaded["url"]))).status_code == 401


async def test_signed_link_is_for_one_photo_and_cannot_be_altered(client, auth):
    resident = await auth.role("resident")
    first, second = await photo(client, resident), await photo(client, resident)
    token = parse_qs(urlsplit(first["url"]).query)["t"][0]
    viewer, expires, signature = token.split(".")
    assert (await client.get(f"{path_of(second)}?t={token}")).status_code == 401
    staff_id = (await client.get("/api/v1/me", headers=await auth.role("staff"))).json()["id"]
    for forged in (f"{staff_id}.{expires}.{signature}", f"{viewer}.{int(expires) + 86400}.{signature}", "1.2.三", "x"):
        assert (await client.get(f"{path_of(first)}?t={forged}")).status_code == 401, forged


async def test_signed_link_follows_its_viewers_access_as_it_is_now(client, auth):
    resident = await auth.role("resident")
    uploaded = await photo(client, resident)
    case_id = (await submit(client, resident, media=[uploaded["id"]])).json()["id"]
    staff_id, staff = await add_user(client, auth, "staff", "990101001")
    link = (await client.get(f"/api/v1/cases/{case_id}", headers=staff)).json()["timeline"][0]["photos"][0]["url"]
    assert (await client.get(link)).status_code == 200
    admin = await auth.role("admin")
    moved = await client.patch(f"/api/v1/users/{staff_id}", json={"region": GRID_OTHER_TOWN[:9]}, headers=admin)
    assert moved.status_code == 200, moved.text
    assert (await client.get(link)).status_code == 404  # another township now
    removed = await client.patch(f"/api/v1/users/{staff_id}", json={"active": False}, headers=admin)
    assert removed.status_code == 200, removed.text
    assert (await client.get(link)).status_code == 401
