"""Bearer tokens, the signed-in user, role guards and the region scope.

Authentication is optional at the middleware: a request without a token is
anonymous (``request.user is None``); guards decide what needs a user. A token
that is present but bad, expired, names a deleted or switched-off user, or names
no live session (signed out, ended from another device, ended by an account
change, or a token from before sessions, which names none) answers 401.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Literal, TypeAlias

import jwt
import msgspec
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp

from backend.lib.clock import Clock

Role = Literal["resident", "grid_worker", "staff", "admin"]
ROLES: tuple[Role, ...] = ("resident", "grid_worker", "staff", "admin")
_ALGORITHM = "HS256"

#: Digits of a region code at each level: county 6, township +3, village +3, grid +3.
CODE_LENGTH = {"county": 6, "township": 9, "village": 12, "grid": 15}


class CurrentUser(msgspec.Struct, frozen=True):
    id: int
    role: Role
    locale: Literal["zh-Hans", "zh-Hant"]
    region_code: str | None
    #: The session the request's token names (None outside a request: jobs, the command line).
    session_id: int | None = None

    @property
    def scope(self) -> Scope:
        return Scope.for_user(self)


class Scope(msgspec.Struct, frozen=True):
    """What part of the region tree a user acts on.

    Staff see their township, admins their county, grid workers their own grid
    (or village); residents see only their own objects (``prefix`` None).
    Region codes are hierarchical, so "inside" is a prefix test.
    """

    user_id: int
    role: Role
    prefix: str | None

    @classmethod
    def for_user(cls, user: CurrentUser) -> Scope:
        code = user.region_code or ""
        prefix: str | None
        if user.role == "admin":
            prefix = code[: CODE_LENGTH["county"]]
        elif user.role == "staff":
            prefix = code[: CODE_LENGTH["township"]]
        elif user.role == "grid_worker":
            prefix = code
        else:
            prefix = None
        return cls(user_id=user.id, role=user.role, prefix=prefix or None)

    def region_filter(self, column: Any) -> Any:
        """A WHERE clause: ``column`` (a region code) lies inside this scope.

        Without a region (a resident) it matches nothing, so callers add "mine" to it.

        >>> Case.select().where(actor.scope.region_filter(Case.region_code))
        """
        if self.prefix:
            low, high = code_range(self.prefix)
            return (column >= low) & (column < high)
        return column.is_null() & column.is_not_null()

    def covers(self, region_code: str | None) -> bool:
        """True if a region (and everything below it) is inside this scope."""
        return bool(self.prefix and region_code and region_code.startswith(self.prefix))


def code_range(prefix: str) -> tuple[str, str]:
    """Region codes starting with ``prefix`` are those in ``[low, high)``.

    A range rather than ``LIKE 'prefix%'``: both databases answer it from a plain
    index (SQLite's LIKE is case-insensitive and PostgreSQL's needs the C collation
    or a pattern index for that). Codes are digits, and "~" sorts after every digit.

    >>> code_range("990101001")
    ('990101001', '990101001~')
    """
    return prefix, prefix + "~"


def issue_token(user_id: int, secret: str, ttl_days: float, *, now: datetime, sid: str | None = None) -> str:
    """A token for ``user_id``, issued ``now`` and valid for at most ``ttl_days``.

    ``sid`` names the session it belongs to (``accounts`` keeps them); the middleware
    refuses a token without one, so a token is only as good as its session.
    """
    claims: dict[str, Any] = {"sub": str(user_id), "iat": now, "exp": now + timedelta(days=ttl_days)}
    if sid is not None:
        claims["sid"] = sid
    return jwt.encode(claims, secret, algorithm=_ALGORITHM)


class TokenClaims(msgspec.Struct, frozen=True):
    """What a token with a good signature says: whose it is, and which session it belongs to."""

    user_id: int
    #: None in a token from before sessions: it names no session, so it is refused.
    sid: str | None


#: The ``request`` a handler behind ``require_user`` (or a role guard) receives: the
#: signed-in user, the bearer token it came with, and the app's state.
UserRequest: TypeAlias = Request[CurrentUser, str, State]

UserLoader = Callable[[int], Awaitable[CurrentUser | None]]
#: The signed-in identity for a token's user and session id at an instant; None when
#: the session is not live (ended, lapsed, another user's) or the user is switched off.
SessionLoader = Callable[[int, str, datetime], Awaitable[CurrentUser | None]]


class VerifiedTokens:
    """Tokens whose signature was already checked: their claims and expiry.

    Checking an HS256 signature with PyJWT costs about a tenth of a cached case read;
    a phone sends the same token with every request. The session and its user are
    still loaded on every request (one query, ``SessionLoader``), so ending a session
    or switching a user off takes effect at once, in every process.

    Expiry is judged by ``clock`` (the app's), not by PyJWT's own wall clock, so a
    token ages with the rest of the app (and with a test that travels in time).
    The signature and the claims' shape are still PyJWT's to check.
    """

    def __init__(self, secret: str, size: int = 4096, clock: Clock | None = None) -> None:
        self.secret = secret
        self.size = size
        self.clock = clock or Clock()
        self._known: dict[str, tuple[TokenClaims, float]] = {}

    def claims(self, token: str) -> TokenClaims | None:
        now = self.clock.now().timestamp()
        known = self._known.get(token)
        if known is not None:
            return known[0] if known[1] > now else None
        try:
            decoded = jwt.decode(
                token,
                self.secret,
                algorithms=[_ALGORITHM],
                # The times are compared below, against the app's clock; "iat" is ours
                # (issue_token) and says nothing a valid signature does not.
                options={"require": ["sub", "exp"], "verify_exp": False, "verify_iat": False},
            )
            sid = decoded.get("sid")
            found = (
                TokenClaims(user_id=int(decoded["sub"]), sid=sid if isinstance(sid, str) else None),
                float(decoded["exp"]),
            )
        except (jwt.PyJWTError, ValueError, TypeError):
            return None
        if found[1] <= now:
            return None
        if len(self._known) >= self.size:
            self._known.clear()
        self._known[token] = found
        return found[0]

    def user_id(self, token: str) -> int | None:
        """The user a good, unexpired token names (whatever its session)."""
        claims = self.claims(token)
        return claims.user_id if claims is not None else None


class BearerAuthMiddleware(AbstractAuthenticationMiddleware):
    def __init__(self, app: ASGIApp, *, tokens: VerifiedTokens, load_session: SessionLoader, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        # One cache for the app: Litestar builds a middleware instance per route.
        self.tokens = tokens
        self.load_session = load_session

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        header = connection.headers.get("authorization")
        if not header:
            return AuthenticationResult(user=None, auth=None)
        scheme, _, token = header.partition(" ")
        claims = self.tokens.claims(token.strip()) if scheme.lower() == "bearer" else None
        user = None
        if claims is not None and claims.sid is not None:
            user = await self.load_session(claims.user_id, claims.sid, self.tokens.clock.now())
        if user is None:
            raise NotAuthorizedException(detail="auth.invalid_token")
        return AuthenticationResult(user=user, auth=token)


# Guards are coroutines: Litestar runs a plain-function guard in a worker thread,
# a thread hop on every request for a dictionary lookup.


async def require_user(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    _signed_in(connection)


def _signed_in(connection: ASGIConnection) -> CurrentUser:
    user = connection.scope.get("user")
    if user is None:
        raise NotAuthorizedException(detail="auth.required")
    return user


def actor(request: Request[CurrentUser, Any, Any]) -> CurrentUser:
    """The signed-in user, injected as ``actor`` into any handler that names it (401 when signed out)."""
    return _signed_in(request)


def require_roles(*roles: Role) -> Callable[[ASGIConnection, BaseRouteHandler], Awaitable[None]]:
    """A guard that lets only ``roles`` through (401 when signed out, 403 otherwise)."""

    async def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        if _signed_in(connection).role not in roles:
            raise PermissionDeniedException(detail="auth.forbidden")

    return guard


def client_ip(connection: ASGIConnection, trust_forwarded_for: bool) -> str:
    """The address limits are counted against: an IPv4 address, or an IPv6 client's /64.

    Behind our own proxy, that is the last ``X-Forwarded-For`` entry: the one the proxy
    added, at the end of the last line. Entries and whole lines before it come from the
    client, who may write anything there to dodge the per-address limits. An IPv6
    client is counted by its /64, the block one subscriber line gets and can rotate
    through freely; an IPv4-mapped IPv6 address is the IPv4 address. When the proxy's
    entry is missing or unreadable, the socket peer is counted.
    """
    if trust_forwarded_for:
        lines = connection.headers.getall("x-forwarded-for", [])
        counted = limited_address(",".join(lines).rsplit(",", 1)[-1])
        if counted:
            return counted
    peer = connection.client.host if connection.client else ""
    return limited_address(peer) or peer[:64] or "unknown"


def limited_address(text: str) -> str | None:
    """The key a client address is limited by; None when ``text`` is no address.

    >>> limited_address("203.0.113.7"), limited_address("::ffff:203.0.113.7"), limited_address("203.0.113.7:4711")
    ('203.0.113.7', '203.0.113.7', '203.0.113.7')
    >>> limited_address("2001:db8:1:2:aaaa::1"), limited_address("[2001:db8:1:2::9]:443"), limited_address("unknown")
    ('2001:db8:1:2::/64', '2001:db8:1:2::/64', None)
    """
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [IPv6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # IPv4:port
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text.partition("%")[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
