"""Hostile request headers against a real `bianmin serve`, over raw sockets: a 64 MB header
is refused with 431 after a few kilobytes while other clients are answered; headers
trickled a byte at a time, or never sent, are cut off after ``BIANMIN_HEADER_TIMEOUT``;
big but legal headers (an 8 KiB cookie) still work.

The limits live in the HTTP protocol (backend/lib/serving.py), before the database is
involved, so one server on its own SQLite file serves every test of the module."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from backend.settings import Settings
from tests.processes import Server, process_env
from tests.waiting import eventually

TIMEOUT = 2  # seconds, BIANMIN_HEADER_TIMEOUT for this server
LIMIT = 16 * 1024  # BIANMIN_MAX_HEADER_BYTES, the default


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("header-limits")
    env = process_env(Settings(data_dir=data_dir), data_dir, BIANMIN_DEMO="off", BIANMIN_HEADER_TIMEOUT=str(TIMEOUT))
    running = Server(env, data_dir / "server.log")
    running.start()
    try:
        running.wait_until_healthy()
        yield running
    finally:
        running.stop()


async def _read_all(reader: asyncio.StreamReader, seconds: float = 15) -> tuple[bytes, bool]:
    """Everything until the server hangs up; and whether it did within ``seconds``."""
    answer = b""
    try:
        while chunk := await asyncio.wait_for(reader.read(65536), seconds):
            answer += chunk
    except TimeoutError:
        return answer, False
    except ConnectionError:
        pass
    return answer, True


def _status_and_error(answer: bytes) -> tuple[bytes, dict]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return head.partition(b"\r\n")[0], json.loads(body)["error"]


class Flood:
    """One client sending a 64 MB header from a thread, its answer read by another thread.

    Plain blocking sockets: the kernel keeps what arrived readable after the server
    resets the connection, where an asyncio stream would drop it for the error."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sent = 0
        self.answered_after = -1.0
        self.answer = b""
        self.closed = False

    def _read(self, started: float) -> None:
        while True:
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                return
            if not chunk:
                self.closed = True
                return
            if not self.answer:
                self.answered_after = time.monotonic() - started
            self.answer += chunk

    def run(self) -> None:
        started = time.monotonic()
        reading = threading.Thread(target=self._read, args=(started,))
        reading.start()
        chunk = b"a" * 65536
        try:
            self.sock.sendall(b"GET /api/v1/services HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ")
            while self.sent < 64 * 1024 * 1024:
                self.sock.sendall(chunk)
                self.sent += len(chunk)
        except OSError:
            pass  # the server stopped listening to it
        reading.join(15)
        self.closed = self.closed or not reading.is_alive()
        self.sock.close()


async def test_a_64_mb_header_is_refused_with_431_and_others_are_answered_meanwhile(server):
    flood = Flood(server.port)
    flooding = asyncio.create_task(asyncio.to_thread(flood.run))
    await eventually(lambda: flood.sent, what="the flood to start")
    # Meanwhile another client is answered at once.
    async with httpx.AsyncClient(base_url=server.url, timeout=5) as http:
        other_started = time.monotonic()
        other = await http.get("/api/v1/services")
        other_seconds = time.monotonic() - other_started
    await flooding

    assert other.status_code == 200 and other_seconds < 2, other_seconds
    status, error = _status_and_error(flood.answer)
    assert status == b"HTTP/1.1 431 Request Header Fields Too Large", flood.answer[:300]
    assert error["code"] == "request.headers_too_large"
    assert (
        error["message"] == f"请求头太大（最多{LIMIT}字节），通常是浏览器存的数据太多，请清除本网站的浏览数据后重试。"
    )
    assert 0 <= flood.answered_after < 2, flood.answered_after
    # The connection closed long before 64 MB could be sent (what the sender got out went
    # mostly into the kernels' socket buffers; the server reads at most ~1 MB after refusing).
    assert flood.closed and flood.sent < 24 * 1024 * 1024, flood.sent


async def test_headers_too_large_in_one_piece_are_refused_before_the_app_runs(server):
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(
        b"GET /api/v1/services HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + b"".join(b"X-Filler-%d: %s\r\n" % (n, b"b" * 1000) for n in range(20))
        + b"\r\n"
    )
    await writer.drain()
    answer, closed = await _read_all(reader)
    writer.close()
    assert _status_and_error(answer)[0].startswith(b"HTTP/1.1 431"), answer[:300]
    assert closed


async def test_a_header_trickled_byte_by_byte_is_cut_off_after_the_timeout(server):
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(b"GET /api/v1/services HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    await writer.drain()
    started, answer, sent = time.monotonic(), b"", 0
    try:
        while time.monotonic() - started < 30:
            try:
                answer = await asyncio.wait_for(reader.read(65536), 0.3)
                break  # the server spoke or hung up
            except TimeoutError:
                writer.write(b"X")
                await writer.drain()
                sent += 1
    except ConnectionError:
        pass
    elapsed = time.monotonic() - started
    rest, closed = await _read_all(reader)
    writer.close()
    status, error = _status_and_error(answer + rest)
    assert status == b"HTTP/1.1 408 Request Timeout"
    assert error["code"] == "request.headers_too_slow"
    assert error["message"] == f"请求传得太慢，{TIMEOUT}秒内没有收完，请检查网络后重试。"
    assert TIMEOUT - 0.5 <= elapsed < TIMEOUT + 3, elapsed
    assert closed and sent > 3


async def test_a_connection_that_never_speaks_is_closed_after_the_timeout(server):
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    started = time.monotonic()
    answer, closed = await _read_all(reader)
    elapsed = time.monotonic() - started
    writer.close()
    assert (answer, closed) == (b"", True)
    assert TIMEOUT - 0.5 <= elapsed < TIMEOUT + 3, elapsed


async def test_big_but_legal_headers_still_work(server):
    cookie = "; ".join(f"c{n}={'v' * 90}" for n in range(85))  # about 8 KiB
    assert 8000 < len(cookie) < 8500
    async with httpx.AsyncClient(base_url=server.url, timeout=5) as http:
        response = await http.get("/api/v1/services", headers={"Cookie": cookie, "X-Request-Note": "n" * 4000})
        assert response.status_code == 200
        # The same connection serves a next request: the allowance starts again per request.
        again = await http.get("/api/v1/services", headers={"Cookie": cookie})
        assert again.status_code == 200
