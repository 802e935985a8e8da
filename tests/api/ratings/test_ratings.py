"""好差评: rate once, follow up bad ratings, 追评, and malicious-rating appeals."""

import pytest

from backend.accounts.tables import Audit
from backend.notifications import service as notifications
from tests.api.cases.helpers import move, submit
from tests.conftest import error_code

from .helpers import rate, resolved_case


async def test_resident_rates_a_resolved_case_which_closes_it(client, auth):
    resident = await auth.role("resident")
    case = await resolved_case(client, auth)
    response = await rate(client, resident, case["id"], score=5, tags=["efficient", "friendly"], comment="很快")
    assert response.status_code == 201, response.text
    rating = response.json()
    assert rating["level_label"] == "非常满意" and rating["tag_labels"] == ["办事效率高", "服务态度好"]
    detail = (await client.get(f"/api/v1/cases/{case['id']}", headers=resident)).json()
    assert detail["status"] == "closed" and detail["timeline"][-1]["action"] == "rate"
    view = (await client.get(f"/api/v1/cases/{case['id']}/rating", headers=resident)).json()
    assert [r["score"] for r in view["ratings"]] == [5] and view["follow_up"] is None and view["can_rate"] is False


async def test_second_rating_or_rating_before_resolved_is_409(client, auth):
    resident = await auth.role("resident")
    open_case = (await submit(client, resident)).json()
    early = await rate(client, resident, open_case["id"], score=4)
    assert early.status_code == 409 and error_code(early) == "rating.not_resolved"
    case = await resolved_case(client, auth)
    assert (await rate(client, resident, case["id"], score=4)).status_code == 201
    again = await rate(client, resident, case["id"], score=1)
    assert again.status_code == 409 and error_code(again) == "rating.already_rated"


async def test_retried_rating_with_its_key_is_answered_once(client, auth):
    resident = await auth.role("resident")
    case = await resolved_case(client, auth)
    first = await rate(client, resident, case["id"], key="r-1", score=4)
    retry = await rate(client, resident, case["id"], key="r-1", score=4)
    assert first.status_code == retry.status_code == 201 and first.content == retry.content


async def test_only_the_resident_can_rate(client, auth):
    case = await resolved_case(client, auth)
    staff_try = await rate(client, await auth.role("staff"), case["id"], score=5)
    assert staff_try.status_code == 409 and error_code(staff_try) == "rating.not_yours"
    outsider = await client.post(
        f"/api/v1/cases/{case['id']}/rating",
        json={"score": 5},
        headers=await auth.headers(await _other_resident(client, auth)),
    )
    assert outsider.status_code == 404


async def _other_resident(client, auth) -> str:
    await client.post(
        "/api/v1/users", json={"phone": "13711112222", "region": "990101001002001"}, headers=await auth.role("admin")
    )
    return "13711112222"


@pytest.mark.parametrize(("score", "tags"), [(5, ["slow"]), (1, ["friendly"]), (7, []), (0, [])])
async def test_tags_must_fit_the_score(client, auth, score, tags):
    case = await resolved_case(client, auth)
    response = await rate(client, await auth.role("resident"), case["id"], score=score, tags=tags)
    assert response.status_code == 400
    detail = (await client.get(f"/api/v1/cases/{case['id']}", headers=await auth.role("resident"))).json()
    assert detail["status"] == "resolved"


async def test_bad_rating_opens_a_follow_up_and_allows_a_second_rating_after_the_fix(client, auth, clock):
    resident, staff = await auth.role("resident"), await auth.role("staff")
    case = await resolved_case(client, auth)
    bad = await rate(client, resident, case["id"], score=1, tags=["multiple_trips"], comment="跑了三趟")
    assert bad.status_code == 201
    owner = case["owner"]["id"]
    assert [n["kind"] for n in await notifications.for_user(owner)][-1] == "case.rated_bad"
    follow_ups = (await client.get("/api/v1/follow-ups", headers=staff)).json()["items"]
    assert len(follow_ups) == 1
    follow_up = follow_ups[0]
    assert follow_up["score"] == 1 and follow_up["overdue"] is False
    # Rated Monday 10:00 (Shanghai): callback due end of Tuesday, fix due end of next Monday.
    assert follow_up["callback_due"].startswith("2026-11-24T15:59:59")
    assert follow_up["fix_due"].startswith("2026-11-30T15:59:59")
    assert (await rate(client, resident, case["id"], score=4)).status_code == 409  # not fixed yet
    fix_first = await client.post(
        f"/api/v1/follow-ups/{follow_up['id']}/steps",
        json={"step": "fix", "outcome": "rectified", "note": "x"},
        headers=staff,
    )
    assert fix_first.status_code == 409 and error_code(fix_first) == "rating.callback_first"
    for step, outcome in (("callback", "verified"), ("fix", "rectified")):
        response = await client.post(
            f"/api/v1/follow-ups/{follow_up['id']}/steps",
            json={"step": step, "outcome": outcome, "note": f"{step} 记录"},
            headers=staff,
        )
        assert response.status_code == 200, response.text
    done = response.json()
    assert [s["outcome_label"] for s in done["steps"]] == ["已核实", "已整改"]
    assert (await client.get("/api/v1/follow-ups", headers=staff)).json()["items"] == []
    again = await rate(client, resident, case["id"], score=4, comment="改好了")
    assert again.status_code == 201 and again.json()["kind"] == "again"
    view = (await client.get(f"/api/v1/cases/{case['id']}/rating", headers=resident)).json()
    assert [(r["kind"], r["score"]) for r in view["ratings"]] == [("first", 1), ("again", 4)]
    actions = [
        e["action"] for e in (await client.get(f"/api/v1/cases/{case['id']}", headers=resident)).json()["timeline"]
    ]
    assert actions[-4:] == ["rate", "follow_up_callback", "follow_up_fix", "rate_again"]
    assert (await rate(client, resident, case["id"], score=5)).status_code == 409


async def test_follow_up_overdue_with_a_travelled_clock(client, auth, clock):
    resident, staff = await auth.role("resident"), await auth.role("staff")
    case = await resolved_case(client, auth)
    await rate(client, resident, case["id"], score=2, tags=["slow"])
    assert (await client.get("/api/v1/follow-ups?status=overdue", headers=staff)).json()["items"] == []
    clock.travel(days=2)
    late = (await client.get("/api/v1/follow-ups?status=overdue", headers=staff)).json()["items"]
    assert len(late) == 1 and late[0]["overdue"] is True
    outsider = await client.post(
        "/api/v1/users",
        json={"phone": "13722223333", "role": "staff", "region": "990101002"},
        headers=await auth.role("admin"),
    )
    assert outsider.status_code == 201
    other_staff = await auth.headers("13722223333")
    assert (await client.get("/api/v1/follow-ups?status=all", headers=other_staff)).json()["items"] == []
    step = await client.post(
        f"/api/v1/follow-ups/{late[0]['id']}/steps",
        json={"step": "callback", "outcome": "verified", "note": "x"},
        headers=other_staff,
    )
    assert step.status_code == 404


async def test_low_rating_lets_the_resident_reopen_the_closed_case(client, auth):
    resident = await auth.role("resident")
    good = await resolved_case(client, auth)
    await rate(client, resident, good["id"], score=5)
    assert (await move(client, resident, good["id"], "reopen", note="x")).status_code == 409
    bad = await resolved_case(client, auth)
    await rate(client, resident, bad["id"], score=2, tags=["not_resolved"])
    reopened = await move(client, resident, bad["id"], "reopen", note="问题还在")
    assert reopened.status_code == 200 and reopened.json()["status"] == "in_progress"


async def test_malicious_flag_is_decided_by_an_admin_and_audited(client, auth):
    resident, staff, admin = await auth.role("resident"), await auth.role("staff"), await auth.role("admin")
    case = await resolved_case(client, auth)
    rating = (await rate(client, resident, case["id"], score=1, comment="乱评")).json()
    no_reason = await client.post(f"/api/v1/ratings/{rating['id']}/flag", json={"reason": ""}, headers=staff)
    assert no_reason.status_code == 400
    assert (
        await client.post(f"/api/v1/ratings/{rating['id']}/flag", json={"reason": "x"}, headers=resident)
    ).status_code == 403
    flagged = await client.post(
        f"/api/v1/ratings/{rating['id']}/flag", json={"reason": "与事实不符，有录音"}, headers=staff
    )
    assert flagged.status_code == 200 and flagged.json()["flag_status"] == "flagged"
    assert (
        await client.post(f"/api/v1/ratings/{rating['id']}/flag", json={"reason": "再来"}, headers=staff)
    ).status_code == 409
    staff_decides = await client.post(f"/api/v1/ratings/{rating['id']}/decision", json={"uphold": True}, headers=staff)
    assert staff_decides.status_code == 403
    decided = await client.post(
        f"/api/v1/ratings/{rating['id']}/decision", json={"uphold": True, "note": "核实为恶意"}, headers=admin
    )
    assert decided.status_code == 200 and decided.json()["flag_status"] == "upheld"
    assert decided.json()["score"] == 1  # the score itself is never changed
    actions = [r["action"] for r in await Audit.select(Audit.action).where(Audit.object_type == "rating")]
    assert actions == ["rating.flag", "rating.flag_upheld"]


async def test_there_is_no_way_to_edit_a_rating(client, auth):
    resident, admin = await auth.role("resident"), await auth.role("admin")
    case = await resolved_case(client, auth)
    rating = (await rate(client, resident, case["id"], score=1)).json()
    for method in ("put", "patch", "delete"):
        response = await client.request(
            method.upper(), f"/api/v1/ratings/{rating['id']}", json={"score": 5}, headers=admin
        )
        assert response.status_code in (404, 405)
    assert (await client.get(f"/api/v1/cases/{case['id']}/rating", headers=resident)).json()["ratings"][0]["score"] == 1
