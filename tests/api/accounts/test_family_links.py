"""Family links: asking for one, ending one (DELETE /family-links/{id})."""

from backend.accounts import service as accounts
from backend.accounts.tables import User
from tests.api.cases.helpers import GRID_A, GRID_B, add_user, user_id
from tests.conftest import DEMO


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


async def test_asking_for_a_link_tells_nothing_about_whose_number_it_is(client, auth):
    """The attack: ask for links to numbers and read off who owns each one (name, resident
    or official), and plant accounts under names of one's choosing."""
    _, son = await add_user(client, auth, "resident", GRID_A)
    neighbour_id, neighbour = await add_user(client, auth, "resident", GRID_B, name="邻居刘芳")
    neighbour_phone = (await client.get("/api/v1/me", headers=neighbour)).json()["phone"]
    colleague_id, colleague = await add_user(client, auth, "grid_worker", GRID_A, name="网格员赵敏")
    colleague_phone = (await client.get("/api/v1/me", headers=colleague)).json()["phone"]
    numbers = {
        "clerk": DEMO["staff"],
        "grid worker": colleague_phone,
        "resident": neighbour_phone,
        "nobody": "13912349999",
    }
    answers, seen = {}, {}
    for who, phone in numbers.items():
        response = await client.post(
            "/api/v1/family-links", json={"phone": phone, "relation": "母亲", "relative_name": "妈妈"}, headers=son
        )
        answers[who] = response
        assert response.status_code == 201, response.text
        seen[who] = {key: value for key, value in response.json().items() if key != "id"}
        assert seen[who]["relative"] == {"id": 0, "name": "妈妈", "phone": phone}
        seen[who]["relative"] = seen[who]["relative"] | {"phone": "(typed)"}
    assert seen["clerk"] == seen["grid worker"] == seen["resident"] == seen["nobody"], seen
    for answer in answers.values():
        assert not any(name in answer.text for name in ("张丽", "网格员赵敏", "邻居刘芳", "staff", "grid_worker"))
    listed = (await client.get("/api/v1/family-links", headers=son)).json()["items"]
    assert {item["relative"]["name"] for item in listed} == {"妈妈"} and {i["relative"]["id"] for i in listed} == {0}
    # No account carries the name the requester chose; the new one has none, and no home.
    assert not await User.exists().where(User.name == "妈妈")
    created = await User.select(User.name, User.region).where(User.phone == "13912349999").first()
    assert created == {"name": "", "region": None}
    assert (await User.select(User.name).where(User.phone == DEMO["staff"]).first())["name"] == "张丽"
    # A link to an official's number is never confirmed, by them or by a grid worker of their grid.
    official_link = answers["grid worker"].json()["id"]
    for confirmer, body in ((colleague, {}), (await auth.role("grid_worker"), {"identity_check": "in_person"})):
        refused = await client.post(f"/api/v1/family-links/{official_link}/confirm", json=body, headers=confirmer)
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "family.not_yours_to_confirm"
    assert not await accounts.acts_for(await user_id(client, son), colleague_id)
    # Once the neighbour says yes, the requester sees who she is.
    link_id = answers["resident"].json()["id"]
    assert (await client.post(f"/api/v1/family-links/{link_id}/confirm", json={}, headers=neighbour)).status_code == 200
    mine = next(
        i for i in (await client.get("/api/v1/family-links", headers=son)).json()["items"] if i["id"] == link_id
    )
    assert mine["relative"] == {"id": neighbour_id, "name": "邻居刘芳", "phone": neighbour_phone}
