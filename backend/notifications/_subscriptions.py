"""Browsers' push subscriptions: checked, stored one row per endpoint, removed."""

from __future__ import annotations

import asyncio
import ipaddress
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from piccolo.columns import Column

from backend.lib.auth import CurrentUser
from backend.lib.db import existing, is_unique_violation, write_transaction
from backend.lib.errors import Conflict, Invalid
from backend.notifications import _egress as egress
from backend.notifications._egress import Allowance
from backend.notifications._push import decode_key
from backend.notifications.structs import PushSubscription, PushSubscriptionCreate
from backend.notifications.tables import PushSubscription as Row

#: A user's newest subscriptions kept; older ones are dropped (browsers rotate them).
MAX_PER_USER = 10
#: How long subscribing waits for a name to resolve before leaving the check to the connection.
RESOLVE_SECONDS = 2.0
_COLUMNS = (Row.id, Row.endpoint, Row.locale, Row.created_at, Row.last_success_at)


async def check_endpoint(endpoint: str, allowance: Allowance) -> str:
    """An absolute https URL of a public host, as far as can be told now (400 otherwise).

    The host is read the way the socket layer reads it (``127.1`` and ``2130706433``
    are 127.0.0.1) and a name is resolved; any address that is not public refuses
    the endpoint. A name that does not resolve now is accepted: the check that
    matters is made again on every connection (``_egress``). http is accepted only
    for the local push services of ``BIANMIN_PUSH_ALLOW_INSECURE``.
    """
    try:
        parts = urlsplit(endpoint.strip())
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Invalid("push.endpoint_invalid", field="endpoint") from None
    host = parts.hostname
    if parts.scheme not in ("https", "http") or not host or parts.username or parts.password:
        raise Invalid("push.endpoint_invalid", field="endpoint")
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        raise Invalid("push.endpoint_invalid", field="endpoint")
    try:
        infos = await asyncio.wait_for(egress.resolve(host, port), RESOLVE_SECONDS)
    except (OSError, TimeoutError):
        infos = []  # not resolvable now; every connection checks again
    try:
        egress.check_all(infos, allowance)
    except egress.Refused:
        # The worker POSTs to this URL: never let it reach into our own network.
        raise Invalid("push.endpoint_invalid", field="endpoint") from None
    local = infos and not any(egress.is_public(ipaddress.ip_address(info[4][0])) for info in infos)
    if parts.scheme == "http" and not local:
        raise Invalid("push.endpoint_insecure", field="endpoint")
    return endpoint.strip()


def check_keys(p256dh: str, auth: str) -> None:
    """p256dh: a 65-byte uncompressed point on P-256; auth: 16 bytes; both base64url."""
    try:
        point = decode_key(p256dh)
        if len(point) != 65 or point[0] != 4:
            raise ValueError("not an uncompressed point")
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise Invalid("push.key_invalid", field="keys.p256dh") from None
    try:
        secret = decode_key(auth)
    except ValueError:
        secret = b""
    if len(secret) != 16:
        raise Invalid("push.auth_invalid", field="keys.auth")


def _struct(row: dict[str, Any]) -> PushSubscription:
    return PushSubscription(
        id=row["id"],
        endpoint=row["endpoint"],
        locale=row["locale"],
        created_at=row["created_at"],
        last_success_at=row["last_success_at"],
    )


async def subscribe(
    user: CurrentUser, data: PushSubscriptionCreate, allowance: Allowance, now: datetime
) -> PushSubscription:
    """Store a subscription; the same endpoint again replaces it.

    An endpoint is a capability of the browser that made it, and only that browser
    holds its keys. Another user's endpoint moves to the caller only with the very
    same keys (the same browser, a shared phone whose last user did not sign out);
    with other keys it is 409 ``push.endpoint_taken`` and stays where it is, so
    someone who learned an endpoint cannot take its owner's notifications.
    """
    endpoint = await check_endpoint(data.endpoint, allowance)
    p256dh, auth = data.keys.p256dh.strip().rstrip("="), data.keys.auth.strip().rstrip("=")
    check_keys(p256dh, auth)
    for _ in range(2):
        try:
            async with write_transaction(Row):
                old = await Row.select(Row.id, Row.user, Row.p256dh, Row.auth).where(Row.endpoint == endpoint).first()
                if old is None:
                    await Row.insert(
                        Row(
                            endpoint=endpoint,
                            user=user.id,
                            p256dh=p256dh,
                            auth=auth,
                            locale=data.locale,
                            failures=0,
                            created_at=now,
                        )
                    )
                else:
                    if old["user"] != user.id and (old["p256dh"], old["auth"]) != (p256dh, auth):
                        raise Conflict("push.endpoint_taken")
                    values: dict[Column | str, Any] = {
                        Row.user: user.id,
                        Row.p256dh: p256dh,
                        Row.auth: auth,
                        Row.locale: data.locale,
                        Row.failures: 0,
                    }
                    if (old["user"], old["p256dh"], old["auth"]) != (user.id, p256dh, auth):
                        # New keys or a new owner: nothing has reached this device as it is now.
                        values |= {Row.last_success_at: None, Row.created_at: now}
                    await Row.update(values).where(Row.id == old["id"])
                await _keep_newest(user.id)
            break
        except Exception as exc:
            # Two first subscriptions of one endpoint at once (PostgreSQL): the loser updates.
            if not is_unique_violation(exc):
                raise
    return _struct(existing(await Row.select(*_COLUMNS).where(Row.endpoint == endpoint).first()))


async def _keep_newest(user_id: int) -> None:
    rows = await Row.select(Row.id).where(Row.user == user_id).order_by(Row.created_at, Row.id, ascending=False)
    stale = [row["id"] for row in rows[MAX_PER_USER:]]
    if stale:
        await Row.delete().where(Row.id.is_in(stale))


async def unsubscribe(user_id: int, endpoint: str) -> None:
    """Drop the caller's subscription for ``endpoint``; someone else's, or none, is left alone."""
    async with write_transaction(Row):
        await Row.delete().where((Row.endpoint == endpoint.strip()) & (Row.user == user_id))


async def for_user(user_id: int) -> list[PushSubscription]:
    rows = await Row.select(*_COLUMNS).where(Row.user == user_id).order_by(Row.id)
    return [_struct(row) for row in rows]
