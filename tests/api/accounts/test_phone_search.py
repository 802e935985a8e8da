"""Reading a masked phone back through search (GET /users?q=, GET /residents?q=).

The attack: lists show 139****1234, and searching digits matched any part of the number,
so growing a prefix ("1395", "13955", …) or trying runs from the middle told the hidden
digits one at a time, in 4 to 40 searches and without an audit row. Now digits match a
whole number or exactly the last four (which the mask shows anyway), each search by digits
counts against the searcher, and each person it finds is audited.
"""

import msgspec
import pytest

from backend.accounts.tables import Audit
from tests.api.cases.helpers import GRID_A, user_id
from tests.conftest import error_code

PHONE = "13955551234"  # shown as 139****1234
NAME = "钱秀兰"
SEARCHES = [("/api/v1/users", "admin"), ("/api/v1/users", "staff"), ("/api/v1/residents", "grid_worker")]


async def _resident(client, auth) -> int:
    created = await client.post(
        "/api/v1/users", json={"phone": PHONE, "name": NAME, "region": GRID_A}, headers=await auth.role("admin")
    )
    assert created.status_code == 201, created.text
    return created.json()["id"]


def _names(response) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


def _attack_queries() -> list[str]:
    """What the attacker typed: every prefix, a digit more each time (and each candidate for the
    next hidden digit), runs from the middle, the same with separators or in other scripts."""
    prefixes = [PHONE[:n] for n in range(1, 11)]
    next_digit = [PHONE[:3] + digit for digit in "0123456789"] + [PHONE[:6] + digit for digit in "0123456789"]
    middles = ["5555", "555512", "0000", "9555", "55551", "9-5555", "139 5555", "5555123"]
    other_scripts = ["١٣٩٥٥٥٥", "१३९५५", "１３９５５５５"]  # Arabic-Indic, Devanagari, full width
    return prefixes + next_digit + middles + other_scripts


@pytest.mark.parametrize("settings", [{"search_limit": 1000}], indirect=True)
@pytest.mark.parametrize(("path", "role"), SEARCHES)
async def test_digits_that_are_not_the_whole_number_or_its_last_four_never_find_the_person(client, auth, path, role):
    await _resident(client, auth)
    headers = await auth.role(role)
    narrowed, answered = [], []
    for query in _attack_queries():
        response = await client.get(path, params={"q": query}, headers=headers)
        if response.status_code == 400:
            assert error_code(response) == "user.search_digits", response.text
            continue
        assert response.status_code == 200, response.text
        answered.append(query)
        if NAME in _names(response):
            narrowed.append(query)
    assert narrowed == []
    # Only four ASCII digits are searched (as the last four: "1395", "5555", "0000" are not its);
    # the other 27 of the 41 queries are refused.
    assert all(len(query) == 4 and query.isascii() for query in answered), answered
    assert len(answered) == 14
    # What the card shows is still enough to find someone.
    for query in (PHONE, "139 5555 1234", "+86 139-5555-1234", "１３９５５５５１２３４", "1234"):
        found = await client.get(path, params={"q": query}, headers=headers)
        assert NAME in _names(found), (query, found.text)


async def _reveals(user: int) -> list[dict]:
    return await Audit.select().where((Audit.action == "user.find_by_phone") & (Audit.object_id == str(user)))


@pytest.mark.parametrize(("path", "role"), SEARCHES)
async def test_a_search_by_digits_that_finds_someone_is_audited_as_a_reveal(client, auth, path, role):
    resident = await _resident(client, auth)
    headers = await auth.role(role)
    searcher = await user_id(client, headers)
    assert _names(await client.get(path, params={"q": NAME}, headers=headers)) == [NAME]
    assert _names(await client.get(path, params={"q": "13955550000"}, headers=headers)) == []
    assert await _reveals(resident) == []  # a name, or a number that is nobody's, reveals no phone
    assert _names(await client.get(path, params={"q": PHONE}, headers=headers)) == [NAME]
    assert NAME in _names(await client.get(path, params={"q": "1234"}, headers=headers))
    rows = await _reveals(resident)
    assert [
        (row["actor"], msgspec.json.decode(row["detail"]) if isinstance(row["detail"], str) else row["detail"])
        for row in rows
    ] == [(searcher, {"by": "phone"}), (searcher, {"by": "last4"})]


@pytest.mark.parametrize("settings", [{"search_limit": 30}], indirect=True)
async def test_searches_by_digits_are_limited_per_searcher(client, auth, clock):
    await _resident(client, auth)
    worker, staff = await auth.role("grid_worker"), await auth.role("staff")
    # Guessing the four hidden digits, one number after another.
    statuses = [
        (await client.get("/api/v1/residents", params={"q": f"139{n:04d}1234"}, headers=worker)).status_code
        for n in range(5550, 5590)
    ]
    assert statuses == [200] * 30 + [429] * 10
    limited = await client.get("/api/v1/residents", params={"q": PHONE}, headers=worker)
    assert limited.status_code == 429 and error_code(limited) == "rate_limited" and limited.headers["Retry-After"]
    # Names are not counted; another searcher has their own budget, shared by both lists.
    assert _names(await client.get("/api/v1/residents", params={"q": NAME}, headers=worker)) == [NAME]
    for n in range(15):
        assert (await client.get("/api/v1/users", params={"q": f"{n:04d}"}, headers=staff)).status_code == 200
        assert (await client.get("/api/v1/residents", params={"q": f"{n:04d}"}, headers=staff)).status_code == 200
    assert (await client.get("/api/v1/users", params={"q": PHONE}, headers=staff)).status_code == 429
    # The window moves on.
    clock.travel(minutes=16)
    assert _names(await client.get("/api/v1/residents", params={"q": PHONE}, headers=worker)) == [NAME]
