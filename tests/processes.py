"""Real `bianmin` processes for the tests that need one: the browser tests' server,
the fault tests' server that is killed and started again, the command-line tests'
`serve --workers 2`. One way to start `bianmin serve` and wait until /healthz answers."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from backend.settings import Settings
from tests.conftest import SECRET

BIANMIN = str(Path(sys.executable).parent / "bianmin")
#: Generous: a first start migrates and seeds a database, on a machine that may be busy.
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_env(settings: Settings, data_dir: Path, **extra: str) -> dict[str, str]:
    """This environment without any BIANMIN_ setting, pointed at the test's database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BIANMIN_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=settings.effective_database_url, BIANMIN_SECRET_KEY=SECRET, BIANMIN_DATA_DIR=str(data_dir), **extra
    )
    return env


class Server:
    """One `bianmin serve` on a fixed port of 127.0.0.1, its output appended to ``log_path``;
    a test may kill it and start it again on the same port.

    ``args`` go after ``serve`` (``"--workers", "2"``); ``cwd`` is where it runs."""

    def __init__(self, env: dict[str, str], log_path: Path, *, args: tuple[str, ...] = (), cwd: Path | None = None):
        self.env, self.log_path, self.args, self.cwd = env, log_path, args, cwd
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.kills = 0

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [BIANMIN, "serve", "--host", "127.0.0.1", "--port", str(self.port), *self.args],
                env=self.env,
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def wait_until_healthy(self, seconds: float = STARTUP_SECONDS) -> None:
        """Returns once /healthz answers 200; fails with the log's tail if the process
        exits or ``seconds`` pass first."""
        deadline = time.monotonic() + seconds
        while not self.healthy():
            assert self.process is not None, "start() the server first"
            if self.process.poll() is not None:
                raise AssertionError(f"bianmin serve exited with {self.process.returncode}:\n{self.log()[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"bianmin serve did not answer /healthz in {seconds} s:\n{self.log()[-3000:]}")
            time.sleep(0.2)

    async def wait_healthy(self, seconds: float = STARTUP_SECONDS) -> None:
        """`wait_until_healthy` off the event loop, so the test's other clients keep running."""
        await asyncio.to_thread(self.wait_until_healthy, seconds)

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
