"""Slowloris against a real `bianmin serve`: a client that sends its headers and then
trickles the body a byte at a time is cut off after ``BIANMIN_BODY_TIMEOUT`` (408 in
the error shape, then the connection closes), nothing it sent is stored, and the
server answers everyone else meanwhile. How soon it cuts the client off and how fast it
answers the others is measured in bench/responsiveness.py."""

import asyncio
import json
import time

import httpx

from tests.api.cases.helpers import GRID_A
from tests.processes import Server, process_env

TIMEOUT = 2  # seconds, BIANMIN_BODY_TIMEOUT for this server


async def _trickle(
    port: int, headers: dict[str, str], body: bytes, every: float, headers_sent: asyncio.Event
) -> tuple[bytes, float, int, bool]:
    """Send the headers at once (then set ``headers_sent``), then one body byte every
    ``every`` seconds until the server answers or hangs up. Returns what came back, after
    how long, how many body bytes went out, and whether the server then closed the connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    writer.write(
        f"POST /api/v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode()
    )
    await writer.drain()
    headers_sent.set()
    started, sent, answer, closed, elapsed = time.monotonic(), 0, b"", False, 0.0
    try:
        while sent < len(body):
            try:
                answer = await asyncio.wait_for(reader.read(65536), every)
                break  # the server spoke (or hung up: b"") before the body was complete
            except TimeoutError:
                writer.write(body[sent : sent + 1])
                await writer.drain()
                sent += 1
        elapsed = time.monotonic() - started
        while chunk := await asyncio.wait_for(reader.read(65536), 30):  # a generous deadline for the hang-up
            answer += chunk
        closed = True
    except ConnectionResetError:
        # A hang-up too: closing with body bytes still unread makes the kernel send a reset.
        elapsed = elapsed or time.monotonic() - started
        closed = bool(answer)
    except (ConnectionError, TimeoutError):
        elapsed = elapsed or time.monotonic() - started
    finally:
        writer.close()
    return answer, elapsed, sent, closed


async def test_a_body_trickled_byte_by_byte_is_cut_off_and_stores_nothing(client, auth, settings, tmp_path):
    resident = await auth.role("resident")
    env = process_env(settings, tmp_path / "serve-data", BIANMIN_DEMO="off", BIANMIN_BODY_TIMEOUT=str(TIMEOUT))
    server = Server(env, tmp_path / "server.log")
    server.start()
    try:
        await server.wait_healthy()
        body = json.dumps(
            {
                "kind": "request",
                "service_code": "AST-001",
                "title": "慢慢发",
                "description": "一个字节一个字节",
                "region": GRID_A,
            },
            ensure_ascii=False,
        ).encode()
        headers = {**resident, "Content-Type": "application/json"}
        headers_sent = asyncio.Event()
        slow = asyncio.create_task(_trickle(server.port, headers, body, 0.25, headers_sent))
        # Meanwhile the server answers others without waiting for the slow client.
        async with httpx.AsyncClient(base_url=server.url, timeout=5) as http:
            await headers_sent.wait()
            assert (await http.get("/api/v1/services/AST-001")).status_code == 200
            answered_before_the_slow_client = not slow.done()
            answer, elapsed, sent, closed = await slow
            listed = (await http.get("/api/v1/cases", headers=resident)).json()["items"]
    finally:
        server.stop()
    assert answered_before_the_slow_client
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 408"), answer[:500]
    error = json.loads(rest.partition(b"\r\n\r\n")[2])["error"]
    assert error["code"] == "request.too_slow"
    assert error["message"] == f"提交的内容传得太慢，{TIMEOUT}秒内没有收完，请检查网络后重试。"
    assert elapsed >= TIMEOUT - 0.5, elapsed  # the client had its whole allowance
    assert sent < len(body) and closed
    assert [case for case in listed if case["title"] == "慢慢发"] == []
