"""What the server's log may say about a request: its path, never the secrets in its query.

Uvicorn's access log writes each request line whole. Two of ours carry a secret in the
query string: the receipt lookup (``?phone=``) and a photo's signed link (``?t=``, worth
its viewer's access to the photo for up to a day). The filter keeps the parameter names
and hides their values, so the log still says which request it was.
"""

from __future__ import annotations

import logging
import re

#: Query parameters whose values never reach the log.
SECRET_PARAMETERS = ("phone", "t", "code", "token", "access_token", "id_number", "resident_phone")
_SECRET_VALUE = re.compile(rf"([?&](?:{'|'.join(SECRET_PARAMETERS)})=)[^&#\s]*", re.IGNORECASE)


def redact_query(target: str) -> str:
    """``target`` with the values of secret query parameters replaced.

    >>> redact_query("/api/v1/cases/lookup?receipt_no=BM-2026-11-000001&phone=13800000001")
    '/api/v1/cases/lookup?receipt_no=BM-2026-11-000001&phone=***'
    """
    return _SECRET_VALUE.sub(r"\1***", target) if "?" in target else target


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
