"""Statistics on a fixed set of cases whose figures are worked out by hand below.

Period 2026-11-23 … 2026-11-30 (Beijing time), township 清河镇 (990101001):

case  village  service      submitted (BJ)   response        resolved (BJ)      rating
C0    东山      complaint    11-22 23:59      —               —                  —        (before the period)
C1    东山      AST-001      11-23 10:00      accepted 11:00  11-25 10:00 (48h)  5 (flag rejected)
C2    东山      complaint    11-23 12:00      accepted 11-25  11-27 12:00 (96h)  1 → follow-up on time → 追评 4
C3    西塘      AST-001      11-23 14:00      rejected 15:00  —                  —
C4    西塘      TST-001 (1d) 11-24 09:00      accepted 10:00  11-27 09:00 (72h, late)  2, flag upheld
C5    东山      AST-001      11-24 10:00      accepted 11:00  —                  —
C6    东山      complaint    12-01 00:30      —               —                  —        (after the period)
C7    东山      complaint    11-30 23:59      —               —                  —

submitted 6 · responded 4 (C1 C3 C4 C5; C2 answered after its 1-working-day due) · accepted 4
resolved 3 · on time 2 (C4 late) · rated 2 (C4's upheld rating leaves) · satisfied 2 (C2 counts its 追评)
bad ratings 1 (C2) · follow-ups 1, on time 1 · hours 48, 96, 72 → mean 72, median 72
"""

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from backend.accounts.tables import User
from tests.api.cases.helpers import GRID_A, GRID_B, add_user, move, submit, user_id
from tests.api.ratings.helpers import rate

PERIOD = {"region": "990101001", "from": "2026-11-23", "to": "2026-11-30"}


def bj(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A Beijing wall-clock time as a UTC instant."""
    return datetime(2026, month, day, hour, minute, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)


@pytest.fixture
async def dataset(client, auth, clock):
    resident_a, staff, admin = await auth.role("resident"), await auth.role("staff"), await auth.role("admin")
    worker = await auth.role("grid_worker")
    worker_id = await user_id(client, worker)
    _, resident_b = await add_user(client, auth, "resident", GRID_B)
    worker_b_id, worker_b = await add_user(client, auth, "grid_worker", GRID_B, name="西塘网格员")
    await client.post(
        "/api/v1/services",
        json={
            "code": "TST-001",
            "category": "civil_affairs",
            "name_hans": "一日办",
            "description_hans": "测试",
            "materials_hans": ["身份证"],
            "time_limit_days": 1,
            "channels": ["online"],
        },
        headers=admin,
    )

    async def at(moment, call):
        clock.set(moment)
        response = await call
        assert response.status_code in (200, 201), response.text
        return response.json()

    complaint = {"kind": "complaint", "service_code": None, "title": "投诉"}
    await at(bj(22, 23, 59), submit(client, resident_a, **complaint))  # C0
    c1 = await at(bj(23, 10), submit(client, resident_a))
    await at(bj(23, 11), move(client, staff, c1["id"], "accept"))
    await at(bj(23, 11), move(client, staff, c1["id"], "assign", assignee_id=worker_id))
    await at(bj(23, 11), move(client, worker, c1["id"], "start"))
    await at(bj(25, 10), move(client, worker, c1["id"], "resolve", note="好了"))
    c1_rating = await at(bj(25, 11), rate(client, resident_a, c1["id"], score=5))

    c2 = await at(bj(23, 12), submit(client, resident_a, **complaint))
    await at(bj(25, 9), move(client, staff, c2["id"], "accept"))
    await at(bj(25, 9), move(client, staff, c2["id"], "assign", assignee_id=worker_id))
    await at(bj(25, 9), move(client, worker, c2["id"], "start"))
    await at(bj(27, 12), move(client, worker, c2["id"], "resolve", note="好了"))
    await at(bj(27, 13), rate(client, resident_a, c2["id"], score=1, tags=["slow"]))
    follow_up = (await client.get("/api/v1/follow-ups", headers=staff)).json()["items"][0]
    for step, outcome, day in (("callback", "verified", 27), ("fix", "rectified", 28)):
        await at(
            bj(day, 15),
            client.post(
                f"/api/v1/follow-ups/{follow_up['id']}/steps",
                json={"step": step, "outcome": outcome, "note": "记录"},
                headers=staff,
            ),
        )
    await at(bj(28, 16), rate(client, resident_a, c2["id"], score=4))

    c3 = await at(bj(23, 14), submit(client, resident_b, region=GRID_B))
    await at(bj(23, 15), move(client, staff, c3["id"], "reject", note="不属本镇"))

    c4 = await at(bj(24, 9), submit(client, resident_b, region=GRID_B, service_code="TST-001"))
    await at(bj(24, 10), move(client, staff, c4["id"], "accept"))
    await at(bj(24, 10), move(client, staff, c4["id"], "assign", assignee_id=worker_b_id))
    await at(bj(24, 10), move(client, worker_b, c4["id"], "start"))
    await at(bj(27, 9), move(client, worker_b, c4["id"], "resolve", note="晚了"))
    c4_rating = await at(bj(27, 10), rate(client, resident_b, c4["id"], score=2, tags=["slow"]))

    c5 = await at(bj(24, 10), submit(client, resident_a))
    await at(bj(24, 11), move(client, staff, c5["id"], "accept"))
    await at(bj(1, 0, 30, month=12), submit(client, resident_a, **complaint))  # C6
    await at(bj(30, 23, 59), submit(client, resident_a, **complaint))  # C7

    for rating, uphold in ((c1_rating, False), (c4_rating, True)):
        await at(bj(29, 9), client.post(f"/api/v1/ratings/{rating['id']}/flag", json={"reason": "核查"}, headers=staff))
        await at(
            bj(29, 10), client.post(f"/api/v1/ratings/{rating['id']}/decision", json={"uphold": uphold}, headers=admin)
        )
    clock.set(bj(30, 23, 59))
    return {"worker_id": worker_id, "worker_b_id": worker_b_id}


async def test_totals_match_the_hand_computed_figures(client, auth, dataset):
    summary = (await client.get("/api/v1/stats/summary", params=PERIOD, headers=await auth.role("staff"))).json()
    assert summary["region"] == "990101001" and summary["from"] == "2026-11-23" and summary["to"] == "2026-11-30"
    totals = summary["totals"]
    assert {
        k: totals[k]
        for k in (
            "submitted",
            "responded",
            "accepted",
            "resolved",
            "resolved_on_time",
            "rated",
            "satisfied",
            "bad_ratings",
            "follow_ups",
            "follow_ups_on_time",
        )
    } == {
        "submitted": 6,
        "responded": 4,
        "accepted": 4,
        "resolved": 3,
        "resolved_on_time": 2,
        "rated": 2,
        "satisfied": 2,
        "bad_ratings": 1,
        "follow_ups": 1,
        "follow_ups_on_time": 1,
    }
    assert totals["response_rate"] == pytest.approx(4 / 6, abs=1e-4)
    assert totals["resolution_rate"] == pytest.approx(0.75)
    assert totals["satisfaction_rate"] == pytest.approx(1.0)
    assert totals["on_time_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert totals["follow_up_on_time_rate"] == pytest.approx(1.0)
    assert totals["mean_hours_to_resolve"] == pytest.approx(72.0)
    assert totals["median_hours_to_resolve"] == pytest.approx(72.0)


@pytest.mark.parametrize(
    ("group_by", "expected"),
    [
        ("village", {"990101001001": ("东山村", 4), "990101001002": ("西塘村", 2)}),
        ("township", {"990101001": ("清河镇", 6)}),
        ("category", {"social_assistance": ("社会救助", 3), "civil_affairs": ("民政事务", 1), "": (None, 2)}),
        ("day", {"2026-11-23": ("2026-11-23", 3), "2026-11-24": ("2026-11-24", 2), "2026-11-30": ("2026-11-30", 1)}),
        ("week", {"2026-11-23": ("2026-11-23起一周", 5), "2026-11-30": ("2026-11-30起一周", 1)}),  # 11-30 is a Monday
        ("month", {"2026-11": ("2026-11", 6)}),
    ],
)
async def test_each_grouping_counts_where_and_when_cases_were_submitted(client, auth, dataset, group_by, expected):
    params = {**PERIOD, "group_by": group_by}
    groups = (await client.get("/api/v1/stats/summary", params=params, headers=await auth.role("staff"))).json()[
        "groups"
    ]
    assert {g["key"]: g["submitted"] for g in groups} == {k: v[1] for k, v in expected.items()}
    for group in groups:
        label = expected[group["key"]][0]
        if label is not None:
            assert group["label"] == label


async def test_worker_grouping_and_per_group_rates(client, auth, dataset):
    params = {**PERIOD, "group_by": "worker"}
    groups = (await client.get("/api/v1/stats/summary", params=params, headers=await auth.role("staff"))).json()[
        "groups"
    ]
    by_key = {g["key"]: g for g in groups}
    mine = by_key[str(dataset["worker_id"])]
    assert (mine["label"], mine["submitted"], mine["resolved"], mine["resolved_on_time"]) == ("李建国", 2, 2, 2)
    assert mine["mean_hours_to_resolve"] == pytest.approx(72.0) and mine["median_hours_to_resolve"] == pytest.approx(
        72.0
    )
    west = by_key[str(dataset["worker_b_id"])]
    assert (west["submitted"], west["on_time_rate"], west["rated"], west["satisfaction_rate"]) == (1, 0.0, 0, None)
    assert by_key[""]["submitted"] == 3 and by_key[""]["label"] == "未派给个人"


async def test_period_boundaries_are_midnight_in_beijing(client, auth, dataset):
    staff = await auth.role("staff")
    november = await client.get("/api/v1/stats/summary", params={**PERIOD, "from": "2026-11-01"}, headers=staff)
    assert november.json()["totals"]["submitted"] == 7  # C0 (11-22 23:59) joins
    december = await client.get(
        "/api/v1/stats/summary", params={"region": "990101001", "from": "2026-12-01", "to": "2026-12-01"}, headers=staff
    )
    assert december.json()["totals"]["submitted"] == 1  # C6 (12-01 00:30)
    last_day = await client.get(
        "/api/v1/stats/summary", params={"region": "990101001", "from": "2026-11-30", "to": "2026-11-30"}, headers=staff
    )
    assert last_day.json()["totals"]["submitted"] == 1  # C7 (11-30 23:59)


async def test_a_region_narrows_the_figures(client, auth, dataset):
    village = (
        await client.get(
            "/api/v1/stats/summary", params={**PERIOD, "region": GRID_A[:12]}, headers=await auth.role("staff")
        )
    ).json()
    assert village["region_name"] == "东山村" and village["totals"]["submitted"] == 4
    assert village["totals"]["bad_ratings"] == 1


async def test_statistics_are_for_staff_in_their_own_area(client, auth, dataset):
    for role in ("resident", "grid_worker"):
        assert (await client.get("/api/v1/stats/summary", headers=await auth.role(role))).status_code == 403
    _, other_staff = await add_user(client, auth, "staff", "990101002")
    assert (await client.get("/api/v1/stats/summary", params=PERIOD, headers=other_staff)).status_code == 404
    own = (
        await client.get(
            "/api/v1/stats/summary", params={"from": "2026-11-23", "to": "2026-11-30"}, headers=other_staff
        )
    ).json()
    assert own["region"] == "990101002" and own["totals"]["submitted"] == 0
    assert own["totals"]["response_rate"] is None
    county = (
        await client.get(
            "/api/v1/stats/summary", params={**PERIOD, "region": "990101"}, headers=await auth.role("admin")
        )
    ).json()
    assert county["totals"]["submitted"] == 6
    bad = await client.get(
        "/api/v1/stats/summary", params={**PERIOD, "from": "2026-12-01"}, headers=await auth.role("staff")
    )
    assert bad.status_code == 400


async def test_spreadsheet_opens_and_matches_the_json(client, auth, dataset):
    staff = await auth.role("staff")
    response = await client.get("/api/v1/stats/export.xlsx", params=PERIOD, headers=staff)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:4] == ["汇总", "按乡镇", "按村", "按网格"]
    header = [c.value for c in book["汇总"][1]]
    totals_row = dict(zip(header, [c.value for c in book["汇总"][2]], strict=True))
    summary = (await client.get("/api/v1/stats/summary", params=PERIOD, headers=staff)).json()["totals"]
    assert totals_row["登记数"] == summary["submitted"] == 6
    assert totals_row["响应率"] == pytest.approx(summary["response_rate"])
    assert book["汇总"].cell(row=2, column=header.index("响应率") + 1).number_format == "0.0%"
    villages = {row[0].value: row[1].value for row in book["按村"].iter_rows(min_row=2)}
    assert villages == {"东山村": 4, "西塘村": 2}


async def test_spreadsheet_drops_control_characters_a_name_carries(client, auth, dataset):
    # A name pasted from a chat may carry a control character; openpyxl refuses those, and
    # the whole workbook used to fail (found by tests/fuzz).
    await User.update({User.name: "王\x07网格员"}).where(User.role == "grid_worker")
    staff = await auth.role("staff")
    response = await client.get("/api/v1/stats/export.xlsx", params=PERIOD, headers=staff)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    labels = {row[0].value for sheet in book.worksheets for row in sheet.iter_rows(min_row=2)}
    assert "王网格员" in labels
