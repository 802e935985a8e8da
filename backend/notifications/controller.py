from datetime import datetime
from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from backend.lib.auth import UserRequest, require_user
from backend.lib.i18n import Texts
from backend.lib.structs import MAX_ID, PathId
from backend.notifications import _subscriptions as subscriptions
from backend.notifications import service as service
from backend.notifications._vapid import Vapid
from backend.notifications.structs import (
    NotificationPage,
    PushKey,
    PushSubscription,
    PushSubscriptionCreate,
    PushSubscriptionRemove,
)
from backend.settings import Settings


class NotificationController(Controller):
    path = "/notifications"
    tags = ["notifications"]
    guards = [require_user]

    @get(operation_id="ListNotifications")
    async def inbox(
        self,
        request: UserRequest,
        texts: NamedDependency[Texts],
        cursor: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
    ) -> NotificationPage:
        return await service.inbox(request.user.id, request.user.locale, texts, cursor)

    @post("/{notification_id:int}/read", operation_id="MarkNotificationRead", status_code=HTTP_204_NO_CONTENT)
    async def mark_read(self, request: UserRequest, notification_id: PathId, now: NamedDependency[datetime]) -> None:
        await service.mark_read(request.user.id, notification_id, now)


class PushController(Controller):
    path = "/push"
    tags = ["push"]

    @get("/key", operation_id="GetPushKey", summary="The VAPID application server key for pushManager.subscribe")
    async def key(self, vapid: NamedDependency[Vapid]) -> PushKey:
        return PushKey(public_key=vapid.application_server_key)

    @post("/subscriptions", operation_id="CreatePushSubscription", guards=[require_user])
    async def subscribe(
        self,
        request: UserRequest,
        data: JSONBody[PushSubscriptionCreate],
        settings: NamedDependency[Settings],
        now: NamedDependency[datetime],
    ) -> PushSubscription:
        return await subscriptions.subscribe(request.user, data, settings.push_allowance, now)

    @delete("/subscriptions", operation_id="DeletePushSubscription", guards=[require_user])
    async def unsubscribe(self, request: UserRequest, data: JSONBody[PushSubscriptionRemove]) -> None:
        await subscriptions.unsubscribe(request.user.id, data.endpoint)
