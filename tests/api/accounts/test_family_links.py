"""Family links: ending one (DELETE /family-links/{id})."""

from tests.api.cases.helpers import GRID_A, add_user


async def _link(client, son, phone="13800000001"):
    response = await client.post("/api/v1/family-links", json={"phone": phone, "relation": "母亲"}, headers=son)
    assert response.status_code == 201, response.text
    return response.json()


async def test_either_party_may_revoke_a_link_and_acting_for_the_relative_stops(client, auth):
    mother = await auth.role("resident")
    _, son = await add_user(client, auth, "resident", GRID_A)
    link = await _link(client, son)
    assert (await client.post(f"/api/v1/family-links/{link['id']}/confirm", json={}, headers=mother)).status_code == 200
    assert [item["id"] for item in (await client.get("/api/v1/family-links", headers=son)).json()["items"]] == [
        link["id"]
    ]

    gone = await client.delete(f"/api/v1/family-links/{link['id']}", headers=mother)
    assert gone.status_code == 204
    assert (await client.get("/api/v1/family-links", headers=son)).json()["items"] == []
    assert (await client.get("/api/v1/family-links", headers=mother)).json()["items"] == []
    # Ended, not blocked: the son may ask again, and the requester may end it too.
    again = await _link(client, son)
    assert again["status"] == "pending"
    assert (await client.delete(f"/api/v1/family-links/{again['id']}", headers=son)).status_code == 204


async def test_revoking_someone_elses_link_answers_404(client, auth):
    _, son = await add_user(client, auth, "resident", GRID_A)
    _, stranger = await add_user(client, auth, "resident", GRID_A)
    worker = await auth.role("grid_worker")
    link = await _link(client, son)
    assert (await client.delete(f"/api/v1/family-links/{link['id']}", headers=stranger)).status_code == 404
    # The relative's grid worker sees the link but is no party to it.
    assert (await client.delete(f"/api/v1/family-links/{link['id']}", headers=worker)).status_code == 404
    assert (await client.delete("/api/v1/family-links/999999", headers=son)).status_code == 404
    assert [item["id"] for item in (await client.get("/api/v1/family-links", headers=son)).json()["items"]] == [
        link["id"]
    ]
