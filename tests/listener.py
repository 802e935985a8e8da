"""A TCP listener on 127.0.0.1 (and ::1 on the same port) that counts the connections it
accepts and answers each request 201: a stand-in for what lives on the server's own
network, which the push worker must never reach."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Listener:
    """Something on this machine the worker must never reach; counts accepted connections."""

    def __init__(self) -> None:
        self.accepted = 0
        self.servers: list[asyncio.Server] = []
        self.port = 0

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    async def start(self) -> None:
        server = await asyncio.start_server(self._answer, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self.servers.append(server)
        with contextlib.suppress(OSError):  # the same port on ::1, where the machine has IPv6
            self.servers.append(await asyncio.start_server(self._answer, "::1", self.port))

    @property
    def ipv6(self) -> bool:
        return len(self.servers) == 2

    async def close(self) -> None:
        for server in self.servers:
            server.close()
            await server.wait_closed()


@asynccontextmanager
async def listening() -> AsyncIterator[Listener]:
    """A started listener, closed on exit (the ``listener`` fixture of the push tests)."""
    listener = Listener()
    await listener.start()
    try:
        yield listener
    finally:
        await listener.close()
