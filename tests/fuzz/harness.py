"""Schemathesis against the app's own OpenAPI schema, shared by the short run in the
test suite (``tests/fuzz/test_openapi_fuzz.py``) and the long one (``tools/fuzz.py``).

Cases are drawn up front with Hypothesis from a fixed seed (the same seed draws the
same cases, so a failure in CI repeats on a laptop), then sent one by one through an
``httpx.AsyncClient`` on the app, so the app runs in the caller's event loop (the
PostgreSQL pool belongs to it). Every operation is sent by every role: each
operation's cases take the roles in turn.

Checks on every answer: no 5xx, the status and content type are the ones the schema
documents, the body matches its documented schema, and any error has the DESIGN.md
shape ``{"error": {"code", "message", "details"}}``.
"""

from __future__ import annotations

import io
import json
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import hypothesis
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from PIL import Image
from schemathesis import Case, GenerationMode
from schemathesis import checks as st_checks
from schemathesis.core.failures import FailureGroup

ROLES = ("anonymous", "resident", "grid_worker", "staff", "admin")


@schemathesis.check
def bianmin_error_shape(ctx: Any, response: schemathesis.Response, case: Case) -> bool | None:
    """Every 4xx/5xx answer is ``{"error": {"code", "message", "details"}}`` with a message to show."""
    if response.status_code < 400:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(f"error body is not JSON: {response.content[:200]!r}") from None
    error = body.get("error") if isinstance(body, dict) else None
    if set(body) != {"error"} or not isinstance(error, dict) or set(error) != {"code", "message", "details"}:
        raise AssertionError(f"error body is not in the DESIGN.md shape: {str(body)[:300]}")
    if not (
        isinstance(error["code"], str) and error["code"] and isinstance(error["message"], str) and error["message"]
    ):
        raise AssertionError(f"error without a code or message: {error}")
    if not isinstance(error["details"], dict):
        raise AssertionError(f"error details are not an object: {error}")
    return True


CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_schema_conformance,
    bianmin_error_shape,
]


@dataclass
class Report:
    """What a run did and found."""

    operations: set[str] = field(default_factory=set)
    cases: int = 0
    server_errors: int = 0
    statuses: Counter = field(default_factory=Counter)
    #: One line per distinct (operation, failure title); ``examples`` keeps a reproduction of each.
    failures: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        codes = " ".join(f"{code}:{n}" for code, n in sorted(self.statuses.items()))
        return (
            f"operations exercised: {len(self.operations)}; cases run: {self.cases}; "
            f"5xx found: {self.server_errors}; distinct failures: {len(self.failures)}; "
            f"{self.seconds:.1f} s; statuses {codes}"
        )


def load(raw: Mapping[str, Any]) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_dict(dict(raw))


def operations(schema: schemathesis.BaseSchema) -> list[schemathesis.APIOperation]:
    return [result.ok() for result in schema.get_all_operations()]


def draw(strategy: Any, count: int, seed: int) -> list[Case]:
    """Up to ``count`` cases from ``strategy``, the same ones for the same seed."""
    found: list[Case] = []
    if count <= 0:
        return found

    @hypothesis.settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        verbosity=hypothesis.Verbosity.quiet,
    )
    @hypothesis.seed(seed)
    @hypothesis.given(strategy)
    def collect(case: Case) -> None:
        found.append(case)

    collect()
    return found[:count]


def plan(
    schema: schemathesis.BaseSchema, *, positive: int, negative: int, seed: int
) -> list[tuple[schemathesis.APIOperation, Case, GenerationMode]]:
    """The cases of a run, operation by operation: ``positive`` that fit the schema and
    ``negative`` that do not (wrong types, missing fields, out-of-range values)."""
    cases = []
    for index, operation in enumerate(operations(schema)):
        for mode, count in ((GenerationMode.POSITIVE, positive), (GenerationMode.NEGATIVE, negative)):
            for case in draw(operation.as_strategy(generation_mode=mode), count, seed + index):
                cases.append((operation, case, mode))
    return cases


def _request(case: Case, headers: Mapping[str, str]) -> dict[str, Any]:
    """httpx arguments for a case. Schemathesis serializes for ``requests``, so
    ``requests`` encodes the body (JSON, form or multipart) byte for byte."""
    sent = case.as_transport_kwargs(base_url="http://testserver", headers=dict(headers))
    if not any(name.lower() == "authorization" for name in headers):
        # Anonymous means no token at all, not a token the schema's security scheme made up.
        sent["headers"].pop("Authorization", None)
    fields = ("method", "url", "headers", "params", "data", "json", "files", "cookies")
    prepared = requests.Request(**{name: sent[name] for name in fields if name in sent}).prepare()
    body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    return {"method": prepared.method, "url": prepared.url, "headers": dict(prepared.headers), "content": body}


async def run(
    client: httpx.AsyncClient,
    cases: Sequence[tuple[schemathesis.APIOperation, Case, GenerationMode]],
    headers: Mapping[str, Mapping[str, str]],
    ids: Mapping[str, Sequence[Any]] | None = None,
) -> Report:
    """Send every case and check every answer.

    ``headers`` maps each role to its request headers; ``ids`` maps path parameter
    names (``case_id``) to ids of objects that exist, which two positive cases in
    three use so the handlers get past their 404s.
    """
    report = Report()
    started = time.monotonic()
    turn: Counter = Counter()
    for operation, case, mode in cases:
        label = operation.label
        n = turn[label]
        turn[label] += 1
        role = ROLES[n % len(ROLES)]
        if mode is GenerationMode.POSITIVE and ids and n % 3 != 2:
            for name in list(case.path_parameters or {}):
                pool = ids.get(name)
                if pool:
                    case.path_parameters[name] = pool[n % len(pool)]
        args = _request(case, headers[role])
        response = await client.request(**args)
        report.cases += 1
        report.operations.add(label)
        report.statuses[response.status_code] += 1
        if response.status_code >= 500:
            report.server_errors += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=args["headers"])
        except FailureGroup as group:
            for failure in group.exceptions:
                key = f"{label} [{mode.value}] {failure.title}"
                report.failures.setdefault(
                    key,
                    f"{key}\n  as {role}: {args['method']} {response.request.url}\n"
                    f"  body: {(args['content'] or b'')[:300]!r}\n"
                    f"  answer {response.status_code}: {response.text[:300]}\n  {str(failure.message)[:600]}",
                )
    report.seconds = time.monotonic() - started
    return report


GRID = "990101001001001"  # the demo resident's and grid worker's grid


async def objects(client: httpx.AsyncClient, headers: Mapping[str, Mapping[str, str]]) -> dict[str, list[Any]]:
    """Make one of each kind of object through the API (a case in each state, a
    rating with its follow-up, a booking with a handover, a photo, a family link)
    and return their ids by path parameter name."""
    resident, worker, staff = headers["resident"], headers["grid_worker"], headers["staff"]

    async def call(method: str, url: str, who: Mapping[str, str], **kwargs: Any) -> dict[str, Any]:
        response = await client.request(method, url, headers=dict(who), **kwargs)
        assert response.status_code < 300, (method, url, response.status_code, response.text)
        return response.json() if response.content else {}

    worker_id = (await call("GET", "/api/v1/me", worker))["id"]
    body = {
        "kind": "request",
        "service_code": "AST-001",
        "title": "申请低保",
        "description": "家里困难",
        "region": GRID,
    }
    cases = [(await call("POST", "/api/v1/cases", resident, json=body))["id"] for _ in range(3)]
    first, second = cases[0], cases[1]
    for action, who, extra in (
        ("accept", staff, {}),
        ("assign", staff, {"assignee_id": worker_id}),
        ("start", worker, {}),
        ("resolve", worker, {"note": "已办好"}),
    ):
        await call("POST", f"/api/v1/cases/{first}/transitions", who, json={"action": action, **extra})
    await call("POST", f"/api/v1/cases/{second}/transitions", staff, json={"action": "accept"})
    await call("POST", f"/api/v1/cases/{first}/rating", resident, json={"score": 1, "comment": "没人管"})
    rating = (await call("GET", f"/api/v1/cases/{first}/rating", resident))["ratings"][0]["id"]
    follow_ups = [
        item["id"] for item in (await call("GET", "/api/v1/follow-ups", staff, params={"status": "all"}))["items"]
    ]

    proxy = (await call("GET", "/api/v1/services", resident, params={"channel": "proxy"}))["items"][0]["code"]
    slot = await call(
        "POST", "/api/v1/slots", worker, json={"date": "2026-11-25", "half_day": "am", "kind": "proxy", "capacity": 3}
    )
    booking = await call(
        "POST", "/api/v1/bookings", resident, json={"slot_id": slot["id"], "kind": "proxy", "service_code": proxy}
    )
    handover = await call(
        "POST",
        f"/api/v1/cases/{booking['case_id']}/handovers",
        worker,
        json={"items": [{"name": "户口簿", "count": 1}], "direction": "received"},
    )
    photo = await call("POST", "/api/v1/media", resident, files={"file": ("a.png", _png(), "image/png")})
    link = await call("POST", "/api/v1/family-links", resident, json={"phone": "13900000099", "relation": "母亲"})
    users = [item["id"] for item in (await call("GET", "/api/v1/users", headers["admin"]))["items"]]
    notes = [item["id"] for item in (await call("GET", "/api/v1/notifications", resident))["items"]]
    return {
        "case_id": [*cases, booking["case_id"]],
        "rating_id": [rating],
        "follow_up_id": follow_ups,
        "slot_id": [slot["id"]],
        "booking_id": [booking["id"]],
        "handover_id": [handover["id"]],
        "media_id": [photo["id"]],
        "link_id": [link["id"]],
        "user_id": users,
        "notification_id": notes,
        "code": ["AST-001", proxy],
    }


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()
