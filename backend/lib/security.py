"""HTTP hardening headers on every answer: the PWA's pages and the API alike.

Added in Litestar's ``before_send`` hook, so they are also on answers that no
route handled (404, 405, errors raised before a handler).

- ``Content-Security-Policy``: scripts, styles and everything else from this
  origin only; no inline scripts (the PWA has none), no plugins, no framing.
  Photos are same-origin signed URLs, and ``blob:`` covers the preview of a photo
  shrunk in the browser. No answer is exempt: the API schema is served as
  ``/schema/openapi.json`` only, without the framework's viewer pages (they load
  scripts from a CDN).
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer`` (a signed
  photo URL or a case id never leaves in a Referer), ``Permissions-Policy``
  allowing only the camera (photo capture) for this origin.
- ``Strict-Transport-Security`` when the request came over https (directly, or
  through a proxy we were told to trust).

CORS stays closed: no ``Access-Control-Allow-*`` header is ever sent, so
browsers refuse cross-origin reads of the API.
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import BeforeMessageSendHookHandler, Message, Scope

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS = "camera=(self), geolocation=(), microphone=(), payment=(), usb=(), interest-cohort=()"
HSTS = "max-age=31536000"


def _over_https(scope: Scope, trust_forwarded_for: bool) -> bool:
    if scope.get("scheme") == "https":
        return True
    if trust_forwarded_for:
        for name, value in scope.get("headers", []):
            if name == b"x-forwarded-proto":
                return value.decode("latin-1").split(",")[0].strip().lower() == "https"
    return False


def security_headers(trust_forwarded_for: bool) -> BeforeMessageSendHookHandler:
    """The hook that adds the headers to each answer's start message."""

    async def add(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        headers["Content-Security-Policy"] = CSP
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "no-referrer"
        headers["Permissions-Policy"] = PERMISSIONS
        if _over_https(scope, trust_forwarded_for):
            headers["Strict-Transport-Security"] = HSTS

    return add
