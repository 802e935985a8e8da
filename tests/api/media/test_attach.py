"""Photos on a case: at submission and on timeline steps, only one's own, only once."""

from tests.api.cases.helpers import move, submit, user_id
from tests.conftest import error_code

from .helpers import path_of, photo


async def _in_progress(client, auth, resident) -> tuple[int, dict]:
    """A case assigned to the demo grid worker and started; returns its id and the worker's headers."""
    case_id = (await submit(client, resident)).json()["id"]
    staff, worker = await auth.role("staff"), await auth.role("grid_worker")
    await move(client, staff, case_id, "accept")
    await move(client, staff, case_id, "assign", assignee_id=await user_id(client, worker))
    await move(client, worker, case_id, "start")
    return case_id, worker


async def test_submitted_case_shows_its_photos_on_the_submit_event(client, auth):
    resident = await auth.role("resident")
    culvert, document = await photo(client, resident), await photo(client, resident)
    ids = [culvert["id"], document["id"]]
    response = await submit(client, resident, kind="complaint", service_code=None, media=ids)
    assert response.status_code == 201, response.text
    submitted = response.json()["timeline"][0]
    assert submitted["action"] == "submit"
    assert submitted["media"] == [culvert["id"], document["id"]]
    assert [p["id"] for p in submitted["photos"]] == submitted["media"]
    assert (submitted["photos"][0]["width"], submitted["photos"][0]["height"]) == (640, 480)
    staff = await auth.role("staff")
    seen = (await client.get(f"/api/v1/cases/{response.json()['id']}", headers=staff)).json()["timeline"][0]
    for shown in seen["photos"]:  # links signed for the staff member: an <img> loads them as they are
        assert (await client.get(shown["url"])).status_code == 200
        assert (await client.get(shown["thumb_url"])).status_code == 200


async def test_someone_elses_photo_cannot_be_attached_and_nothing_is_filed(client, auth):
    resident, worker = await auth.role("resident"), await auth.role("grid_worker")
    theirs = await photo(client, worker)
    response = await submit(client, resident, media=[theirs["id"]])
    assert response.status_code == 400 and error_code(response) == "media.not_attachable"
    assert response.json()["error"]["details"] == {"field": "media"}
    missing = await submit(client, resident, media=[999999])
    assert missing.status_code == 400 and error_code(missing) == "media.not_attachable"
    assert (await client.get("/api/v1/cases", headers=resident)).json()["items"] == []


async def test_a_photo_belongs_to_one_case_only(client, auth):
    resident = await auth.role("resident")
    uploaded = await photo(client, resident)
    first = await submit(client, resident, media=[uploaded["id"]])
    assert first.status_code == 201
    second = await submit(client, resident, media=[uploaded["id"]])
    assert second.status_code == 400 and error_code(second) == "media.not_attachable"
    too_many = await submit(client, resident, media=list(range(1, 11)))
    assert too_many.status_code == 400 and error_code(too_many) == "request.too_many_items"
    assert too_many.json()["error"]["details"] == {"field": "media", "max": 9}


async def test_resolving_with_a_photo_shows_it_to_the_resident(client, auth):
    resident = await auth.role("resident")
    case_id, worker = await _in_progress(client, auth, resident)
    repaired = await photo(client, worker)
    resolved = await move(client, worker, case_id, "resolve", note="涵洞已经清理好了", media=[repaired["id"]])
    assert resolved.status_code == 200, resolved.text
    step = resolved.json()["timeline"][-1]
    assert step["action"] == "resolve" and step["media"] == [repaired["id"]]
    seen = (await client.get(f"/api/v1/cases/{case_id}", headers=resident)).json()["timeline"][-1]
    assert seen["media"] == [repaired["id"]]
    assert (await client.get(seen["photos"][0]["url"])).status_code == 200
    assert (await client.get(path_of(repaired), headers=resident)).status_code == 200


async def test_a_refused_step_attaches_nothing(client, auth):
    resident = await auth.role("resident")
    case_id, worker = await _in_progress(client, auth, resident)
    repaired = await photo(client, worker)
    no_note = await move(client, worker, case_id, "resolve", media=[repaired["id"]])
    assert no_note.status_code == 400
    theirs = await photo(client, resident)
    not_theirs = await move(client, worker, case_id, "resolve", note="好了", media=[theirs["id"]])
    assert not_theirs.status_code == 400 and error_code(not_theirs) == "media.not_attachable"
    case = (await client.get(f"/api/v1/cases/{case_id}", headers=resident)).json()
    assert case["status"] == "in_progress"
    # Still the worker's own, unattached photo: the resident cannot open it yet.
    assert (await client.get(path_of(repaired), headers=resident)).status_code == 404
