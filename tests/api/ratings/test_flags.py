"""The appeal queue: flagged ratings listed for the admins who decide them (GET /ratings/flags)."""

import json

import pytest

from backend.accounts import service as accounts
from backend.accounts.structs import UserCreate
from backend.regions import service as regions
from tests.api.cases.helpers import add_user
from tests.conftest import error_code

from .helpers import rate, resolved_case


async def _flagged(client, auth, reason: str = "与事实不符，有录音", **fields) -> dict:
    resident, staff = await auth.role("resident"), await auth.role("staff")
    case = await resolved_case(client, auth, **fields)
    rating = (await rate(client, resident, case["id"], score=1, tags=["attitude"], comment="乱评")).json()
    flagged = await client.post(f"/api/v1/ratings/{rating['id']}/flag", json={"reason": reason}, headers=staff)
    assert flagged.status_code == 200, flagged.text
    return rating


async def test_admin_lists_pending_flags_with_what_the_decision_needs(client, auth):
    rating = await _flagged(client, auth)
    admin = await auth.role("admin")
    await client.patch("/api/v1/me", json={"locale": "zh-Hant"}, headers=admin)  # texts follow the reader's script
    page = await client.get("/api/v1/ratings/flags?status=pending", headers=admin)
    assert page.status_code == 200, page.text
    [item] = page.json()["items"]
    assert item["rating_id"] == rating["id"] and item["flag_status"] == "flagged"
    assert item["score"] == 1 and item["level_label"] == "非常不滿意" and item["tag_labels"] == ["服務態度差"]
    assert item["flag_reason"] == "與事實不符，有錄音" and item["comment"] == "亂評"
    assert item["receipt_no"].startswith("BM-") and item["flagged_by_name"]
    assert page.json()["next_cursor"] is None


async def test_a_decided_flag_leaves_the_pending_list_for_the_decided_one(client, auth):
    rating = await _flagged(client, auth)
    admin = await auth.role("admin")
    decided = await client.post(
        f"/api/v1/ratings/{rating['id']}/decision", json={"uphold": False, "note": "评价属实"}, headers=admin
    )
    assert decided.status_code == 200
    assert (await client.get("/api/v1/ratings/flags", headers=admin)).json()["items"] == []
    [item] = (await client.get("/api/v1/ratings/flags?status=decided", headers=admin)).json()["items"]
    assert item["flag_status"] == "rejected" and item["decision_note"] == "评价属实" and item["decided_by_name"]


async def test_unflagged_ratings_are_not_listed(client, auth):
    case = await resolved_case(client, auth)
    await rate(client, await auth.role("resident"), case["id"], score=2, tags=["slow"])
    assert (await client.get("/api/v1/ratings/flags", headers=await auth.role("admin"))).json()["items"] == []


async def test_staff_see_only_their_townships_flags(client, auth):
    await _flagged(client, auth)
    _, other_staff = await add_user(client, auth, "staff", "990101002")
    assert (await client.get("/api/v1/ratings/flags", headers=other_staff)).json()["items"] == []
    assert len((await client.get("/api/v1/ratings/flags", headers=await auth.role("staff"))).json()["items"]) == 1


@pytest.mark.parametrize("role", ["resident", "grid_worker"])
async def test_residents_and_grid_workers_cannot_list_flags(client, auth, role):
    response = await client.get("/api/v1/ratings/flags", headers=await auth.role(role))
    assert response.status_code == 403 and error_code(response) == "auth.forbidden"


async def test_a_bad_status_is_a_localized_400(client, auth):
    response = await client.get("/api/v1/ratings/flags?status=open", headers=await auth.role("admin"))
    assert response.status_code == 400 and error_code(response) == "request.invalid_parameter"


async def test_an_admin_of_another_county_sees_no_flags_and_cannot_decide(client, auth, tmp_path):
    rating = await _flagged(client, auth)
    path = tmp_path / "other.json"
    path.write_text(json.dumps([{"code": "990202", "name": "远山县"}], ensure_ascii=False), encoding="utf-8")
    await regions.seed(path)
    await accounts.create_user(UserCreate(phone="13799990000", role="admin", region="990202"))
    other_admin = await auth.headers("13799990000")
    assert (await client.get("/api/v1/ratings/flags", headers=other_admin)).json()["items"] == []
    decided = await client.post(f"/api/v1/ratings/{rating['id']}/decision", json={"uphold": True}, headers=other_admin)
    assert decided.status_code == 404
