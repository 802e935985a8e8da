"""`bianmin serve --workers 2` as real processes, on whichever database the suite runs on."""

import asyncio

import httpx

from tests.api.cases.helpers import GRID_A
from tests.processes import Server, process_env


async def test_two_server_processes_take_submissions_side_by_side(client, auth, settings, tmp_path):
    headers = await auth.role("resident")  # a resident in the shared database
    env = process_env(settings, tmp_path / "serve-data", BIANMIN_DEMO="off")
    server = Server(env, tmp_path / "server.log", args=("--workers", "2"))
    server.start()
    try:
        await server.wait_healthy()
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            body = {
                "kind": "request",
                "service_code": "AST-001",
                "title": "两个进程",
                "description": "并发",
                "region": GRID_A,
            }
            answers = await asyncio.gather(
                *(
                    http.post("/api/v1/cases", json=body, headers={**headers, "Idempotency-Key": f"two-{n % 20}"})
                    for n in range(40)
                )
            )
            listed = (await http.get("/api/v1/cases", params={"limit": 100}, headers=headers)).json()["items"]
    finally:
        server.stop()
    log = server.log()
    assert [a.status_code for a in answers] == [201] * 40, [a.text for a in answers if a.status_code != 201][:3]
    # Each key made one case, whichever process answered; a repeat got the same one.
    by_key: dict[int, set[int]] = {}
    for n, answer in enumerate(answers):
        by_key.setdefault(n % 20, set()).add(answer.json()["id"])
    assert all(len(ids) == 1 for ids in by_key.values())
    assert len({answer.json()["receipt_no"] for answer in answers}) == 20
    assert len([case for case in listed if case["title"] == "两个进程"]) == 20
    assert log.count("Started server process") == 2, log
    assert "Traceback" not in log and "database is locked" not in log, log
