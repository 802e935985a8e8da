from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from backend.lib.structs import Input

LocaleName = Literal["zh-Hans", "zh-Hant"]
#: What finally carried a notification: a push, an SMS, or only the in-app inbox.
Channel = Literal["push", "sms", "inbox"]


class Notification(msgspec.Struct):
    id: int
    kind: str
    case_id: int | None
    title: str
    body: str
    created_at: datetime
    read_at: datetime | None


class NotificationPage(msgspec.Struct):
    """A ``Page`` of the inbox (built by ``lib.pages.paginate``) with the count of unread notifications."""

    items: list[Notification]
    next_cursor: str | None = None
    unread: int = 0


class PushKey(msgspec.Struct):
    #: The VAPID application server key: an uncompressed P-256 point, base64url.
    public_key: str


class SubscriptionKeys(Input, forbid_unknown_fields=True):
    exact = frozenset({"p256dh", "auth"})  # keys, kept byte for byte

    p256dh: Annotated[str, msgspec.Meta(max_length=200)]
    auth: Annotated[str, msgspec.Meta(max_length=100)]


class PushSubscriptionCreate(Input, forbid_unknown_fields=True, kw_only=True):
    """What ``PushSubscription.toJSON()`` gives in the browser, plus the device's script."""

    exact = frozenset({"endpoint"})  # the push service's address, kept byte for byte

    endpoint: Annotated[str, msgspec.Meta(min_length=1, max_length=2048)]
    keys: SubscriptionKeys
    #: Milliseconds since 1970, as JavaScript counts them (at most 2**53 - 1).
    expiration_time: Annotated[int, msgspec.Meta(ge=0, le=2**53 - 1)] | None = msgspec.field(
        default=None, name="expirationTime"
    )
    #: The script this device shows; omitted: the user's saved one.
    locale: LocaleName | None = None


class PushSubscriptionRemove(Input, forbid_unknown_fields=True):
    exact = frozenset({"endpoint"})

    endpoint: Annotated[str, msgspec.Meta(min_length=1, max_length=2048)]


class PushSubscription(msgspec.Struct):
    id: int
    endpoint: str
    locale: LocaleName | None
    created_at: datetime
    last_success_at: datetime | None


class Outgoing(msgspec.Struct, frozen=True):
    """A claimed outbox row, as the delivery job sees it."""

    id: int
    user_id: int
    case_id: int | None
    kind: str
    params: dict[str, Any]
    created_at: datetime
    #: Including this one.
    attempts: int


class Target(msgspec.Struct, frozen=True):
    """One subscription to push to."""

    id: int
    user_id: int
    endpoint: str
    p256dh: str
    auth: str
    locale: LocaleName | None
    last_success_at: datetime | None


class PushMessage(msgspec.Struct, omit_defaults=True):
    """The JSON the service worker receives, already in the device's script."""

    title: str
    body: str
    #: Where a tap leads, e.g. ``/#/cases/12``.
    url: str
    #: Replaces an earlier notification about the same case on the device.
    tag: str
    kind: str
    id: int
    case_id: int | None = None
