"""What the server's log may say about a request: its path, never the secrets in its query.

Uvicorn's access log writes each request line whole. Some of ours carry a secret in the
query string: the receipt lookup (``?phone=``), a photo's signed link (``?t=``, worth its
viewer's access to the photo for up to a day), and a search (``?q=``: a name, or a whole
phone number a clerk typed). The filter keeps the parameter names and hides their values,
so the log still says which request it was; in every other value it hides whatever reads
as a mobile number (with spaces, dashes, full-width digits or +86), whatever the
parameter is called.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote_plus, unquote_plus

from backend.lib.privacy import FULL_WIDTH_DIGITS

#: Query parameters whose values never reach the log.
SECRET_PARAMETERS = frozenset({"phone", "t", "code", "token", "access_token", "id_number", "resident_phone", "q"})
#: A mainland mobile number as people type it, in any script's digits, not inside a longer number.
_PHONE_LIKE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[\s.-]*)?1[\s.-]*[3-9](?:[\s.-]*\d){9}(?!\d)")


def redact_query(target: str) -> str:
    """``target`` with the values of secret query parameters, and phone numbers in any other, hidden.

    >>> redact_query("/api/v1/cases/lookup?receipt_no=BM-2026-11-000001&phone=13800000001")
    '/api/v1/cases/lookup?receipt_no=BM-2026-11-000001&phone=***'
    >>> redact_query("/api/v1/residents?limit=50&q=138+0000+0001&cursor=7&note=%E7%94%B5%E8%AF%9D13800000001")
    '/api/v1/residents?limit=50&q=***&cursor=7&note=%E7%94%B5%E8%AF%9D***'
    """
    path, mark, query = target.partition("?")
    if not mark:
        return target
    return f"{path}?{'&'.join(_redact_parameter(part) for part in query.split('&'))}"


def _redact_parameter(part: str) -> str:
    name, equals, value = part.partition("=")
    if not equals or not value:
        return part
    if unquote_plus(name).strip().lower() in SECRET_PARAMETERS:
        return f"{name}=***"
    typed = unquote_plus(value).translate(FULL_WIDTH_DIGITS)
    hidden = _PHONE_LIKE.sub("***", typed)
    return part if hidden == typed else f"{name}={quote_plus(hidden, safe='*')}"


class RedactQuery(logging.Filter):
    """Rewrites the request target of uvicorn's access records (``client, method, target, version, status``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_query(args[2]), *args[3:])
        return True


def redact_access_log(logger_name: str = "uvicorn.access") -> None:
    """Install ``RedactQuery`` once on the access logger (every app process calls this)."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(existing, RedactQuery) for existing in logger.filters):
        logger.addFilter(RedactQuery())
