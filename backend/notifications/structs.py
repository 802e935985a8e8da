from datetime import datetime

import msgspec


class Notification(msgspec.Struct):
    id: int
    kind: str
    case_id: int | None
    title: str
    body: str
    created_at: datetime
    read_at: datetime | None


class NotificationPage(msgspec.Struct):
    items: list[Notification]
    next_cursor: str | None = None
    unread: int = 0
