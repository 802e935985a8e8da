"""Browsers' push subscriptions: checked, stored one row per endpoint, removed."""

from __future__ import annotations

import ipaddress
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from piccolo.columns import Column

from backend.lib.auth import CurrentUser
from backend.lib.db import existing, is_unique_violation, write_transaction
from backend.lib.errors import Invalid
from backend.notifications._push import decode_key
from backend.notifications.structs import PushSubscription, PushSubscriptionCreate
from backend.notifications.tables import PushSubscription as Row

#: A user's newest subscriptions kept; older ones are dropped (browsers rotate them).
MAX_PER_USER = 10
_COLUMNS = (Row.id, Row.endpoint, Row.locale, Row.created_at, Row.last_success_at)


def check_endpoint(endpoint: str, allow_insecure: bool) -> str:
    """An absolute https URL of a public host (http and local hosts only when allowed)."""
    try:
        parts = urlsplit(endpoint.strip())
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise Invalid("push.endpoint_invalid", field="endpoint") from None
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.username or parts.password:
        raise Invalid("push.endpoint_invalid", field="endpoint")
    if parts.scheme == "http" and not allow_insecure:
        raise Invalid("push.endpoint_insecure", field="endpoint")
    if not allow_insecure and _is_local(parts.hostname):
        # The worker POSTs to this URL: never let it reach into our own network.
        raise Invalid("push.endpoint_invalid", field="endpoint")
    return endpoint.strip()


def _is_local(host: str) -> bool:
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


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
    user: CurrentUser, data: PushSubscriptionCreate, allow_insecure: bool, now: datetime
) -> PushSubscription:
    """Store a subscription; the same endpoint again replaces it (and moves it to ``user``)."""
    endpoint = check_endpoint(data.endpoint, allow_insecure)
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
