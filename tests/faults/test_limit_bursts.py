"""Bursts against the limits of real `bianmin serve` processes (two on one database,
the burst split between them, so the limits must hold across processes, not just
inside one event loop): 300 requests at once, from one address or from 300, sending
texts through a real SMS gateway (the webhook). Counting and recording an attempt is one step, so no more are evaluated
than the limit allows, however many arrive together. Before that step was atomic one
burst had 244 wrong codes compared for one phone (limit 5), 63 texts sent to one
phone (limit 5) and 102 receipt lookups searched (limit 10).

Runs on whichever database the suite uses (SQLite file or PostgreSQL)."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections import Counter

import httpx
import pytest

from tests.conftest import DEMO
from tests.processes import Server, process_env

BURST = 300
PHONE = DEMO["admin"]  # the account an attacker would most like to guess


def _from(addresses: str, n: int) -> dict[str, str]:
    return {"X-Forwarded-For": "198.51.100.7" if addresses == "one address" else f"203.0.{n // 250}.{n % 250 + 1}"}


@pytest.fixture
async def servers(client, settings, push_service, tmp_path):
    """Two `bianmin serve` processes on the test's database behind a trusted proxy, texting
    through ``push_service``'s SMS gateway (``client`` empties and seeds the database first).
    Two processes rather than ``--workers 2``: uvicorn's supervisor restarts a worker that
    does not answer its health check within 5 s, which a busy test machine can exceed."""
    env = process_env(
        settings,
        tmp_path / "serve-data",
        BIANMIN_DEMO="off",
        BIANMIN_TRUST_FORWARDED_FOR="on",
        BIANMIN_SMS_BACKEND="webhook",
        BIANMIN_SMS_WEBHOOK_URL=f"{push_service.url}/sms",
    )
    started = [Server(env, tmp_path / f"server-{n}.log") for n in range(2)]
    try:
        for server in started:  # one after the other: the first one migrates
            server.start()
            await server.wait_healthy()
        yield started
    finally:
        for server in started:
            server.stop()


async def _burst(servers: list[Server], requests: list[tuple[str, str, dict, dict]]) -> list[httpx.Response]:
    """Send every request at once, each on its own connection, alternating between the servers."""
    limits = httpx.Limits(max_connections=len(requests), max_keepalive_connections=0)
    async with contextlib.AsyncExitStack() as stack:
        https = [
            await stack.enter_async_context(httpx.AsyncClient(base_url=server.url, timeout=120, limits=limits))
            for server in servers
        ]
        return await asyncio.gather(*(_one(https[n % len(https)], *request) for n, request in enumerate(requests)))


async def _one(http: httpx.AsyncClient, method: str, path: str, body: dict, headers: dict) -> httpx.Response:
    if method == "GET":
        return await http.get(path, params=body, headers=headers)
    return await http.post(path, json=body, headers=headers)


def _tally(answers: list[httpx.Response]) -> Counter:
    """Answers by status and error code: {"401 auth.code_wrong": 5, "429 auth.too_many_attempts": 295}."""
    return Counter(
        f"{answer.status_code} {answer.json()['error']['code']}"
        if answer.status_code >= 400
        else str(answer.status_code)
        for answer in answers
    )


@pytest.mark.parametrize("addresses", ["one address", "300 addresses"])
async def test_a_burst_of_wrong_codes_has_five_compared(servers, push_service, addresses):
    sent = await _burst(servers[:1], [("POST", "/api/v1/auth/otp", {"phone": PHONE}, _from("one address", 0))])
    assert sent[0].status_code == 202
    right = re.search(r"\d{6}", push_service.sms[-1]["text"]).group(0)
    wrong = "000000" if right != "000000" else "111111"
    answers = await _burst(
        servers,
        [("POST", "/api/v1/auth/login", {"phone": PHONE, "code": wrong}, _from(addresses, n)) for n in range(BURST)],
    )
    tally = _tally(answers)
    assert tally == {"401 auth.code_wrong": 5, "429 auth.too_many_attempts": BURST - 5}, tally


@pytest.mark.parametrize("addresses", ["one address", "300 addresses"])
async def test_a_burst_of_code_requests_sends_five_texts(servers, push_service, addresses):
    answers = await _burst(
        servers, [("POST", "/api/v1/auth/otp", {"phone": PHONE}, _from(addresses, n)) for n in range(BURST)]
    )
    tally = _tally(answers)
    assert tally == {"202": 5, "429 auth.too_many_attempts": BURST - 5}, tally
    assert [text["phone"] for text in push_service.sms] == [PHONE] * 5, f"{len(push_service.sms)} texts sent"


async def test_a_burst_of_receipt_lookups_searches_ten(servers):
    answers = await _burst(
        servers,
        [
            (
                "GET",
                "/api/v1/cases/lookup",
                {"receipt_no": f"BM-2026-11-{n:06d}", "phone": PHONE},
                _from("one address", 0),
            )
            for n in range(BURST)
        ],
    )
    tally = _tally(answers)
    assert tally == {"404 not_found": 10, "429 rate_limited": BURST - 10}, tally
