"""The authorization matrix: every route that takes an object id × every caller × an
object on each side of the county, generated from the app's own route table.

For each case the same request is also sent with an id that does not exist. A caller
outside the object's scope must get exactly that answer (same status, same body: 404
for a caller the route's role guard lets in, else the guard's 401/403), so nothing tells
a probed id from a missing one, and no text of the object's side appears. A caller in
scope whom the guard lets in must get something other than 404, which shows the object
really was there to be found.

A new route with an id in its path and no entry in ``MATRIX`` makes
``test_every_route_with_an_id_has_a_matrix_entry`` (and its own generated case) fail.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from backend.app import create_app
from backend.settings import Settings
from tests.api.authz_world import CALLERS, World
from tests.conftest import SECRET

MISSING = 987654321
#: Who may reach each side's object, by the kind of reach a route needs.
CASE = {
    "a": {"resident_a", "family_a", "worker_a", "staff_1", "admin"},
    "c": {"resident_c", "worker_c", "staff_2", "admin"},
}
CLERKS = {"a": {"staff_1", "admin"}, "c": {"staff_2", "admin"}}
SLOT = {"a": {"worker_a", "staff_1", "admin"}, "c": {"worker_c", "staff_2", "admin"}}
LINK = {"a": {"family_a", "resident_a", "worker_a"}, "c": {"resident_c", "worker_c"}}
LINK_PARTIES = {"a": {"resident_a"}, "c": {"resident_c"}}
OWNER = {"a": {"resident_a"}, "c": {"resident_c"}}
COUNTY_ADMIN = {"a": {"admin"}, "c": {"admin"}}
EVERYONE = {"a": set(CALLERS), "c": set(CALLERS)}


class Entry(NamedTuple):
    #: (object kind in ``World.objects``, who reaches it) pairs to try.
    objects: tuple[tuple[str, dict[str, set[str]]], ...]
    #: A body the route accepts; chosen so that a caller in scope changes nothing
    #: the other cases depend on (a move the state forbids, an unchanged record …).
    body: dict | None = None


REOPEN = {"action": "reopen", "note": "再看看"}
HANDOVER = {"items": [{"name": "户口簿", "count": 1}], "direction": "returned"}
MATRIX: dict[tuple[str, str], Entry] = {
    ("PATCH", "/api/v1/users/{user_id:int}"): Entry((("user", CLERKS), ("worker_user", COUNTY_ADMIN)), {}),
    ("GET", "/api/v1/services/{code:str}"): Entry((("service", EVERYONE),)),
    ("PUT", "/api/v1/services/{code:str}"): Entry((("service", CLERKS),), {"from": "service_body"}),
    ("DELETE", "/api/v1/services/{code:str}"): Entry((("service_to_retire", CLERKS),)),
    ("GET", "/api/v1/cases/{case_id:int}"): Entry((("case", CASE), ("rated_case", CASE), ("booking_case", CASE))),
    ("POST", "/api/v1/cases/{case_id:int}/transitions"): Entry((("case", CASE),), REOPEN),
    # The case is still submitted and the consent is dated before the request: in scope answers 409 / 400.
    ("POST", "/api/v1/cases/{case_id:int}/extensions"): Entry((("case", CASE),), {"days": 1, "reason": "核实"}),
    ("POST", "/api/v1/cases/{case_id:int}/extensions/{extension_id:int}/answer"): Entry(
        (("extension", CASE),), {"agree": False}
    ),
    ("POST", "/api/v1/cases/{case_id:int}/extensions/{extension_id:int}/phone-consent"): Entry(
        (("extension", CASE),), {"agreed_by": "王", "agreed_at": "2020-01-01T00:00:00Z"}
    ),
    ("GET", "/api/v1/cases/{case_id:int}/rating"): Entry((("case", CASE), ("rated_case", CASE))),
    ("POST", "/api/v1/cases/{case_id:int}/rating"): Entry((("case", CASE),), {"score": 5}),
    ("GET", "/api/v1/cases/{case_id:int}/handovers"): Entry((("booking_case", CASE),)),
    ("POST", "/api/v1/cases/{case_id:int}/handovers"): Entry((("booking_case", CASE),), HANDOVER),
    ("POST", "/api/v1/cases/{case_id:int}/handovers/{handover_id:int}/confirm"): Entry((("handover", CASE),)),
    ("POST", "/api/v1/follow-ups/{follow_up_id:int}/steps"): Entry(
        (("follow_up", CLERKS),), {"step": "fix", "outcome": "verified", "note": "整改"}
    ),
    ("POST", "/api/v1/ratings/{rating_id:int}/flag"): Entry((("rating", CASE),), {"reason": "恶意"}),
    ("POST", "/api/v1/ratings/{rating_id:int}/decision"): Entry((("rating", CASE),), {"uphold": True}),
    ("POST", "/api/v1/family-links/{link_id:int}/confirm"): Entry((("link", LINK),), {}),
    ("DELETE", "/api/v1/family-links/{link_id:int}"): Entry((("link_to_revoke", LINK_PARTIES),)),
    ("PATCH", "/api/v1/slots/{slot_id:int}"): Entry((("slot", SLOT),), {}),
    ("GET", "/api/v1/bookings/{booking_id:int}"): Entry((("booking", CASE),)),
    ("POST", "/api/v1/bookings/{booking_id:int}/cancel"): Entry((("booking_to_cancel", CASE),)),
    ("POST", "/api/v1/bookings/{booking_id:int}/check-in"): Entry((("booking", CASE),), {}),
    ("POST", "/api/v1/bookings/{booking_id:int}/check-out"): Entry((("booking", CASE),), {}),
    ("POST", "/api/v1/notifications/{notification_id:int}/read"): Entry((("notification", OWNER),)),
    ("GET", "/api/v1/media/{media_id:int}/{key:str}"): Entry((("media", CASE),)),
    ("GET", "/api/v1/media/{media_id:int}/{key:str}/thumb"): Entry((("media", CASE),)),
    ("PATCH", "/api/v1/regions/{code:str}"): Entry((("region", COUNTY_ADMIN),), {}),
    ("DELETE", "/api/v1/me/sessions/{session_id:int}"): Entry((("session", OWNER),)),
}
#: Paths with a parameter that is not an object of anyone's (the schema viewer's files).
NOT_OBJECTS = {"/schema/{path:str}"}


def id_routes() -> set[tuple[str, str]]:
    """(method, path) of every route of the app with a path parameter."""
    settings = Settings(
        data_dir=Path("/nonexistent/authz"),
        database_url="sqlite:////nonexistent/authz.sqlite3",
        secret_key=SECRET,
        pwa_dir=Path("/nonexistent/pwa"),
    )
    found = set()
    for route in create_app(settings).routes:
        if "{" not in route.path or route.path in NOT_OBJECTS:
            continue
        for method in getattr(route, "methods", set()) - {"HEAD", "OPTIONS"}:
            found.add((method, route.path))
    return found


ROUTES = id_routes()


class Case(NamedTuple):
    method: str
    path: str
    kind: str
    side: str
    caller: str
    in_scope: bool


def generate() -> list[Case | tuple[str, str]]:
    """Every case, out-of-scope callers first: an in-scope caller may retire, revoke or
    cancel the object, and the out-of-scope ones must meet it while it exists."""
    cases: list[Case] = []
    for (method, path), entry in sorted(MATRIX.items()):
        if (method, path) not in ROUTES:
            continue  # a stale entry: test_every_route_with_an_id_has_a_matrix_entry names it
        for kind, audience in entry.objects:
            for side in ("a", "c"):
                for caller in CALLERS:
                    cases.append(Case(method, path, kind, side, caller, caller in audience[side]))
    cases.sort(key=lambda case: case.in_scope)
    unmapped = sorted(ROUTES - set(MATRIX))
    return [*cases, *unmapped]


CASES = generate()


def _case_id(case: Case | tuple[str, str]) -> str:
    if isinstance(case, Case):
        scope = "in" if case.in_scope else "out"
        return f"{case.method} {case.path.removeprefix('/api/v1')} {case.kind}.{case.side} {case.caller} {scope}"
    return f"UNMAPPED {case[0]} {case[1]}"


def _url(path: str, values: tuple) -> str:
    for value in values:
        start = path.index("{")
        path = path[:start] + str(value) + path[path.index("}") + 1 :]
    return path


def _request(world: World, case: Case, values: tuple) -> dict:
    body = MATRIX[(case.method, case.path)].body
    if body is not None and "from" in body:
        # The record itself, under the code in the path (a missing code's record for the missing one).
        body = {**world.objects[body["from"]][case.side], "code": values[0]}
    request = {"method": case.method, "url": _url(case.path, values), "headers": world.headers[case.caller]}
    if body is not None:
        request["json"] = body
    return request


def test_every_route_with_an_id_has_a_matrix_entry():
    assert ROUTES - set(MATRIX) == set(), "routes taking an id without an authorization matrix entry"
    assert set(MATRIX) - ROUTES == set(), "matrix entries for routes the app no longer has"


def test_the_matrix_generates_cases_for_every_route_role_and_side():
    generated = [case for case in CASES if isinstance(case, Case)]
    assert generated, "no authorization cases were generated"
    assert {(c.method, c.path) for c in generated} == ROUTES
    assert {c.caller for c in generated} == set(CALLERS)
    assert {c.in_scope for c in generated} == {True, False}
    print(f"\nauthorization matrix: {len(generated)} cases over {len(ROUTES)} routes and {len(CALLERS)} callers")


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("case", CASES, ids=[_case_id(case) for case in CASES])
async def test_out_of_scope_answers_like_a_missing_object(world: World, case):
    assert isinstance(case, Case), f"no matrix entry for {case[0]} {case[1]}: add one to MATRIX"
    value = world.objects[case.kind][case.side]
    values = value if isinstance(value, tuple) else (value,)
    missing_values = tuple(MISSING if isinstance(v, int) else "ZZ-9999" for v in values)
    answer = await world.client.request(**_request(world, case, values))
    missing = await world.client.request(**_request(world, case, missing_values))
    assert answer.status_code < 500, answer.text
    if case.in_scope:
        if missing.status_code == 404:
            assert answer.status_code != 404, f"{case.caller} should reach {case.kind}.{case.side}: {answer.text}"
        return
    assert answer.status_code in (401, 403, 404), answer.text
    assert (answer.status_code, answer.content) == (missing.status_code, missing.content), (
        f"{case.caller} tells {case.kind}.{case.side} from a missing one: {answer.status_code} {answer.text}"
    )
    leaked = [secret for secret in world.secrets[case.side] if secret in answer.text]
    assert not leaked, leaked
