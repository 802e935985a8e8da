"""Real `bianmin serve` processes for the fault tests, and clients that retry
like a phone on a bad line: the same Idempotency-Key until an answer arrives."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.unit.cli.processes import BIANMIN

STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One `bianmin serve` on a fixed port that a test may kill and start again."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env, self.log_path = env, log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.kills = 0

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [BIANMIN, "serve", "--port", str(self.port)], env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()

    async def wait_healthy(self, seconds: float = STARTUP_SECONDS) -> None:
        deadline = time.monotonic() + seconds
        async with httpx.AsyncClient(timeout=2) as http:
            while time.monotonic() < deadline:
                assert self.process is not None and self.process.poll() is None, self.log()[-3000:]
                try:
                    if (await http.get(f"{self.url}/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        raise AssertionError(f"server not healthy in {seconds} s:\n{self.log()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, open transactions die with the process."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.kills += 1

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""


@dataclass
class Tally:
    """What the clients saw: answers by client number, and every failed try."""

    answers: dict[int, httpx.Response] = field(default_factory=dict)
    transport_errors: int = 0
    retried_statuses: dict[int, int] = field(default_factory=dict)
    tries: int = 0

    @property
    def acknowledged(self) -> int:
        return len(self.answers)


#: Answers a phone retries: the server was restarting, overloaded or cut off from its database.
RETRY_STATUSES = {429, 500, 502, 503, 504}


async def send_until_answered(
    http: httpx.AsyncClient,
    tally: Tally,
    number: int,
    path: str,
    body: dict,
    headers: dict[str, str],
    *,
    deadline: float,
) -> None:
    """POST with one Idempotency-Key until an answer that is not a fault, as the PWA's outbox does."""
    headers = {**headers, "Idempotency-Key": f"fault-{number}-{os.getpid()}"}
    pause = 0.05
    while time.monotonic() < deadline:
        tally.tries += 1
        try:
            answer = await http.post(path, json=body, headers=headers)
        except httpx.TransportError:
            tally.transport_errors += 1
        else:
            if answer.status_code not in RETRY_STATUSES:
                tally.answers[number] = answer
                return
            tally.retried_statuses[answer.status_code] = tally.retried_statuses.get(answer.status_code, 0) + 1
        await asyncio.sleep(pause * (0.5 + random.random()))
        pause = min(pause * 2, 1.0)
    raise AssertionError(f"client {number} got no answer before the deadline")
