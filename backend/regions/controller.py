from typing import Annotated

from litestar import Controller, Request, get
from litestar.params import QueryParameter

from backend.lib.errors import NotFound, request_locale
from backend.regions import service
from backend.regions.structs import RegionPage


class RegionController(Controller):
    path = "/regions"
    tags = ["regions"]

    @get(operation_id="ListRegions", summary="Regions directly below a parent (counties when none)")
    async def list_regions(
        self,
        request: Request,
        parent: Annotated[str | None, QueryParameter(max_length=15)] = None,
    ) -> RegionPage:
        locale = request_locale(request)
        if parent is not None and await service.get(parent, locale) is None:
            raise NotFound()
        return RegionPage(items=await service.list_children(parent, locale))
