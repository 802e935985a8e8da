from datetime import datetime
from typing import Annotated

from litestar import Controller, Request, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from backend.lib.auth import UserRequest, require_roles
from backend.lib.errors import NotFound, request_locale
from backend.lib.pages import Page
from backend.lib.structs import PathRegionCode
from backend.regions import _manage as manage
from backend.regions import service
from backend.regions.structs import RegionCreate, RegionPage, RegionRecord, RegionRecordPage, RegionUpdate

admin_only = [require_roles("admin")]


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
        return Page(items=await service.list_children(parent, locale))

    @get(
        "/manage",
        operation_id="ListRegionRecords",
        guards=admin_only,
        summary="Regions below a parent in the admin's county, names in both scripts",
    )
    async def list_records(
        self, request: UserRequest, parent: Annotated[str, QueryParameter(max_length=15)]
    ) -> RegionRecordPage:
        return Page(items=await manage.records(request.user, parent))

    @post(operation_id="CreateRegion", guards=admin_only, status_code=HTTP_201_CREATED)
    async def create_region(
        self, request: UserRequest, data: JSONBody[RegionCreate], now: NamedDependency[datetime]
    ) -> RegionRecord:
        return await manage.create(request.user, data, now)

    @patch("/{code:str}", operation_id="RenameRegion", guards=admin_only)
    async def rename_region(
        self,
        request: UserRequest,
        code: PathRegionCode,
        data: JSONBody[RegionUpdate],
        now: NamedDependency[datetime],
    ) -> RegionRecord:
        return await manage.rename(request.user, code, data, now)
