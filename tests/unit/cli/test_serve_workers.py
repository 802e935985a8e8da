"""`bianmin serve --workers 2` as real processes, on whichever database the suite runs on."""

import asyncio
import socket
import subprocess
import time

import httpx

from tests.api.cases.helpers import GRID_A
from tests.unit.cli.processes import BIANMIN, process_env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_two_server_processes_take_submissions_side_by_side(client, auth, settings, tmp_path):
    headers = await auth.role("resident")  # a resident in the shared database
    port = _free_port()
    env = process_env(settings, tmp_path / "serve-data", BIANMIN_DEMO="off")
    server = subprocess.Popen(
        [BIANMIN, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.3)
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
        server.terminate()
        log = server.communicate(timeout=30)[0].decode()
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
