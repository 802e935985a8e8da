from datetime import datetime
from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter

from backend.lib.auth import UserRequest, require_roles
from backend.lib.errors import NotFound, request_locale
from backend.lib.structs import MAX_ID
from backend.notices import service
from backend.notices.structs import Notice, NoticeCreate, NoticePage
from backend.regions import service as regions


class NoticeController(Controller):
    path = "/notices"
    tags = ["notices"]

    @get(operation_id="ListNotices", summary="Notices for a region's township and village, newest first")
    async def list_notices(
        self,
        request: Request,
        region: Annotated[str | None, QueryParameter(pattern=r"^\d{6,15}$", max_length=15)] = None,
        cursor: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
    ) -> NoticePage:
        if region is None:
            region = getattr(request.scope.get("user"), "region_code", None)
        elif await regions.id_for_code(region) is None:
            raise NotFound()
        return await service.list_notices(region, request_locale(request), cursor)

    @post(operation_id="PublishNotice", guards=[require_roles("staff", "admin")])
    async def publish(
        self, request: UserRequest, data: JSONBody[NoticeCreate], now: NamedDependency[datetime]
    ) -> Notice:
        return await service.publish(request.user, data, now)
