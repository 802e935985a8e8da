"""The ceiling for bench/http_load.py: a bare Litestar route answering a fixed JSON body.

It runs under the same server settings as `bianmin serve` (uvicorn, info log with
access lines), so the difference to a real endpoint is what the project's own
work costs: authentication, the database, rendering.

    .venv/bin/python bench/ceiling_app.py --port 8001 --bytes 2400
"""

from __future__ import annotations

import argparse

import uvicorn
from litestar import Litestar, Response, get


def make_app(size: int) -> Litestar:
    body = b'{"padding":"' + b"x" * max(0, size - 14) + b'"}'

    @get("/ceiling", sync_to_thread=False)
    def ceiling() -> Response[bytes]:
        return Response(body, media_type="application/json")

    return Litestar(route_handlers=[ceiling])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--bytes", type=int, required=True, help="size of the JSON body")
    args = parser.parse_args()
    uvicorn.run(make_app(args.bytes), host="127.0.0.1", port=args.port, log_level="info")


if __name__ == "__main__":
    main()
