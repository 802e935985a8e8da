"""One error shape for every failure, localized:

``{"error": {"code": "auth.code_wrong", "message": "<localized>", "details": {...}}}``

Services raise ``AppError`` (or a subclass) with a locale key; the handlers here
turn it, and Litestar's own exceptions, into that shape in the reader's script.
"""

from __future__ import annotations

import logging
import math
import re
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_405_METHOD_NOT_ALLOWED,
    HTTP_409_CONFLICT,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from litestar.types import ExceptionHandlersMap

from backend.lib.i18n import Locale, Texts, negotiate

log = logging.getLogger("bianmin.errors")


class ErrorInfo(msgspec.Struct, kw_only=True):
    #: The locale key below ``error.``: ``case.invalid_transition``.
    code: str
    #: ``code``'s text in the reader's script.
    message: str
    #: Machine-readable particulars: ``field``, ``retry_after``, ``limit`` …
    details: dict[str, Any]


class ErrorBody(msgspec.Struct):
    """The body of every 4xx and 5xx answer (for the OpenAPI schema; see ``error_response``)."""

    error: ErrorInfo


class AppError(Exception):
    """A failure the user should be told about, in their script.

    ``key`` is the locale key below ``error.`` and doubles as the error code:
    ``AppError(409, "user.phone_taken")``.
    """

    def __init__(
        self,
        status: int,
        key: str,
        *,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        **params: Any,
    ) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.details = details or {}
        self.headers = headers or {}
        self.params = params


class NotFound(AppError):
    """Out of scope and nonexistent look the same, so ids cannot be probed."""

    def __init__(self) -> None:
        super().__init__(HTTP_404_NOT_FOUND, "not_found")


class Conflict(AppError):
    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(HTTP_409_CONFLICT, key, **params)


class Invalid(AppError):
    """The request was understood but a value is not acceptable (400 naming the field)."""

    def __init__(
        self, key: str, *, field: str | None = None, status: int = HTTP_400_BAD_REQUEST, **params: Any
    ) -> None:
        details = {"field": field} if field else {}
        super().__init__(status, key, details=details, field=field or "", **params)


class RateLimited(AppError):
    def __init__(self, retry_after: float, key: str = "rate_limited") -> None:
        seconds = max(1, math.ceil(retry_after))
        super().__init__(
            HTTP_429_TOO_MANY_REQUESTS,
            key,
            details={"retry_after": seconds},
            headers={"Retry-After": str(seconds)},
            minutes=max(1, math.ceil(seconds / 60)),
        )


def request_locale(request: Request) -> Locale:
    """The signed-in user's saved script, else the Accept-Language header."""
    user = request.scope.get("user")
    locale = getattr(user, "locale", None)
    if locale in ("zh-Hans", "zh-Hant"):
        return locale
    return negotiate(request.headers.get("accept-language"))


def error_response(
    request: Request,
    status: int,
    key: str,
    *,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    **params: Any,
) -> Response:
    texts: Texts = request.app.state.i18n
    message = texts.t(request_locale(request), f"error.{key}", **params)
    return Response(
        {"error": {"code": key, "message": message, "details": details or {}}},
        status_code=status,
        headers=headers,
        media_type="application/json",
    )


_MSGSPEC_PATH = re.compile(r"at `\$\.?([^`]*)`")
_UNKNOWN_FIELD = re.compile(r"unknown field `([^`]*)`")
_MISSING_FIELD = re.compile(r"missing required field `([^`]*)`")
#: ``lib.structs.TextRefused``'s message.
_INVISIBLE = re.compile(r"invisible character (U\+[0-9A-F]{4,6}) in `([^`]*)`")
#: msgspec's words for a body value past its ``max_length``: text too long, or too many items.
_TOO_LONG = re.compile(r"Expected `(str|array|object)` of length <= (\d+)")


def _describe_validation(exc: ValidationException) -> tuple[str, dict[str, Any], str]:
    """Name the offending field from Litestar's / msgspec's validation message."""
    extra = exc.extra if isinstance(exc.extra, list) else []
    first = extra[0] if extra and isinstance(extra[0], dict) else {}
    message = str(first.get("message") or exc.detail or "")
    source = first.get("source")
    key = first.get("key")
    if m := _UNKNOWN_FIELD.search(message):
        field = ".".join(filter(None, [_path(message), m.group(1)]))
        return "request.unknown_field", {"field": field}, field
    if m := _MISSING_FIELD.search(message):
        field = ".".join(filter(None, [_path(message), m.group(1)]))
        return "request.missing_field", {"field": field}, field
    if m := _INVISIBLE.search(message):
        # Raised in a nested struct (a handover's item): Litestar gives its path as the key.
        where = _path(message) or (str(key) if key and key not in ("body", "data") else "")
        field = ".".join(filter(None, [where, m.group(2)]))
        return "request.invisible_character", {"field": field, "character": m.group(1)}, field
    if source in {"query", "path", "header", "cookie"} and key:
        # A parameter named like a Python keyword is sent without its "_" (``from_``: ``from``).
        name = str(key).removesuffix("_")
        return "request.invalid_parameter", {"field": name, "source": source}, name
    if m := _TOO_LONG.search(message):
        field = _path(message) or (str(key) if key and key != "body" else "")
        kind = "request.too_long" if m.group(1) == "str" else "request.too_many_items"
        return kind, {"field": field, "max": int(m.group(2))}, field
    field = _path(message) or (str(key) if key and key != "body" else "")
    if field:
        return "request.invalid_field", {"field": field, "reason": message}, field
    return "request.invalid_body", {"reason": message[:200]} if message else {}, ""


def _path(message: str) -> str:
    m = _MSGSPEC_PATH.search(message)
    return m.group(1) if m else ""


def handle_app_error(request: Request, exc: AppError) -> Response:
    return error_response(request, exc.status, exc.key, details=exc.details, headers=exc.headers, **exc.params)


def handle_validation(request: Request, exc: ValidationException) -> Response:
    key, details, field = _describe_validation(exc)
    return error_response(request, HTTP_400_BAD_REQUEST, key, details=details, **{"field": field, **details})


_STATUS_KEYS = {
    HTTP_400_BAD_REQUEST: "request.invalid_body",
    HTTP_401_UNAUTHORIZED: "auth.required",
    HTTP_403_FORBIDDEN: "auth.forbidden",
    HTTP_404_NOT_FOUND: "not_found",
    HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    HTTP_413_REQUEST_ENTITY_TOO_LARGE: "payload_too_large",
    HTTP_415_UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
    HTTP_422_UNPROCESSABLE_ENTITY: "request.invalid_body",
    HTTP_429_TOO_MANY_REQUESTS: "rate_limited",
    HTTP_503_SERVICE_UNAVAILABLE: "service_unavailable",
}


def handle_http(request: Request, exc: HTTPException) -> Response:
    if isinstance(exc, ValidationException):
        return handle_validation(request, exc)
    status = exc.status_code
    key = _STATUS_KEYS.get(status)
    if isinstance(exc, NotAuthorizedException) and exc.detail == "auth.invalid_token":
        key = "auth.invalid_token"
    elif isinstance(exc, PermissionDeniedException):
        key = "auth.forbidden"
    elif isinstance(exc, NotFoundException):
        key = "not_found"
    if key is None:
        if status >= 500:
            cause = exc.__cause__ or exc
            log.error("HTTP %s on %s %s: %s", status, request.method, request.url.path, exc.detail, exc_info=cause)
        key = "internal" if status >= 500 else "request.invalid_body"
    headers = dict(exc.headers or {})
    params: dict[str, Any] = {}
    if status == HTTP_429_TOO_MANY_REQUESTS:
        retry = headers.get("Retry-After", "60")
        params["minutes"] = max(1, math.ceil(int(retry) / 60)) if retry.isdigit() else 1
    return error_response(request, status, key, headers=headers, **params)


#: Seconds a client is asked to wait when the database is away (Retry-After).
UNAVAILABLE_RETRY_SECONDS = 5


def database_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) says the database cannot be reached right now:
    refused or broken connections, a server shutting down or starting up, a pool that
    timed out. Such a request is answered 503 with Retry-After; a phone tries again."""
    import asyncpg  # noqa: PLC0415 - present with the PostgreSQL extra, which the package requires

    transient = (
        ConnectionError,
        TimeoutError,
        asyncpg.PostgresConnectionError,
        asyncpg.InterfaceError,
        asyncpg.exceptions.OperatorInterventionError,
    )
    cause: BaseException | None = exc
    seen = 0
    while cause is not None and seen < 10:
        if isinstance(cause, transient):
            return True
        cause = cause.__cause__ or cause.__context__
        seen += 1
    return False


def handle_unexpected(request: Request, exc: Exception) -> Response:
    if database_unavailable(exc):
        log.warning("database unavailable on %s %s: %r", request.method, request.url.path, exc)
        return error_response(
            request,
            HTTP_503_SERVICE_UNAVAILABLE,
            "service_unavailable",
            headers={"Retry-After": str(UNAVAILABLE_RETRY_SECONDS)},
        )
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, HTTP_500_INTERNAL_SERVER_ERROR, "internal")


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    AppError: handle_app_error,
    ValidationException: handle_validation,
    HTTPException: handle_http,
    Exception: handle_unexpected,
}
