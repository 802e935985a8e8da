"""Reading one file out of a multipart body, refusing it (413) as soon as it is too large.

The upload route turns off Litestar's own body limit (``request_max_body_size=None``,
a fixed number set where the route is declared) and reads the ASGI stream here
instead, against ``media_max_bytes`` from the settings: first the Content-Length
header, before anything is read, then a running count, for bodies sent without one.
"""

from __future__ import annotations

from litestar import Request
from multipart import (
    MultipartSegment,
    ParserError,
    ParserLimitReached,
    PushMultipartParser,
)

from backend.lib.errors import AppError, Invalid

FIELD = "file"
#: Room for the multipart envelope around the file: boundaries, part headers, small fields.
ENVELOPE_BYTES = 64 * 1024
MAX_PARTS = 8


def too_large(max_bytes: int) -> AppError:
    return AppError(413, "media.too_large", max_mb=f"{max_bytes / 1048576:g}")


async def read_file(request: Request, max_bytes: int) -> bytes:
    """The bytes of the multipart field ``file``, at most ``max_bytes`` of them."""
    limit = max_bytes + ENVELOPE_BYTES
    if (request.content_length or 0) > limit:
        raise too_large(max_bytes)
    kind, options = request.content_type
    if kind != "multipart/form-data" or not options.get("boundary"):
        raise Invalid("media.file_required", field=FIELD)
    data = bytearray()
    received = 0
    state = "before"  # → "reading" → "done"
    try:
        with PushMultipartParser(options["boundary"], max_segment_count=MAX_PARTS) as parser:
            async for chunk in request.stream():
                received += len(chunk)
                if received > limit:
                    raise too_large(max_bytes)
                for event in parser.parse(chunk):
                    if isinstance(event, MultipartSegment):
                        if event.name == FIELD and state == "before":
                            state = "reading"
                    elif event is None:
                        state = "done" if state == "reading" else state
                    elif state == "reading":
                        data += event
                        if len(data) > max_bytes:
                            raise too_large(max_bytes)
                if parser.closed:
                    break
    except (ParserError, ParserLimitReached):
        raise Invalid("media.file_required", field=FIELD) from None
    if state != "done" or not data:
        raise Invalid("media.file_required", field=FIELD)
    return bytes(data)
