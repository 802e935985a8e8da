from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from backend.lib.auth import CurrentUser, require_user
from backend.lib.clock import Clock
from backend.lib.i18n import Texts
from backend.notifications import service
from backend.notifications.structs import NotificationPage


class NotificationController(Controller):
    path = "/notifications"
    tags = ["notifications"]
    guards = [require_user]

    @get(operation_id="ListNotifications")
    async def inbox(
        self,
        request: Request[CurrentUser, str, object],
        texts: NamedDependency[Texts],
        cursor: Annotated[int | None, QueryParameter(ge=0)] = None,
    ) -> NotificationPage:
        return await service.inbox(request.user.id, request.user.locale, texts, cursor)

    @post("/{notification_id:int}/read", operation_id="MarkNotificationRead", status_code=HTTP_204_NO_CONTENT)
    async def mark_read(
        self, request: Request[CurrentUser, str, object], notification_id: FromPath[int], clock: NamedDependency[Clock]
    ) -> None:
        await service.mark_read(request.user.id, notification_id, clock.now())
