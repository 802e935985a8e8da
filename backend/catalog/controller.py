from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

import anyio
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.openapi.spec import OpenAPIFormat, OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Operation, Schema
from litestar.params import Body, JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK

from backend.catalog import _manage as manage
from backend.catalog import _sheets as sheets
from backend.catalog import service as service
from backend.catalog.structs import (
    CODE_MAX_LENGTH,
    Category,
    Channel,
    ImportReport,
    RecordPage,
    Service,
    ServicePage,
    ServiceRecord,
    ServiceWrite,
)
from backend.lib.auth import CODE_LENGTH, UserRequest, require_roles
from backend.lib.errors import AppError, request_locale
from backend.lib.i18n import Texts
from backend.lib.pages import Page

staff_only = [require_roles("staff", "admin")]
#: An entry's code in a path (``/services/{code}``).
CodePath = Annotated[str, PathParameter(max_length=CODE_MAX_LENGTH)]


@dataclass
class ImportUpload:
    file: UploadFile
    dry_run: bool = False


def _reader_place(request: Request, township: str | None) -> tuple[str | None, str | None]:
    """Whose entries to show: the township asked for (and its county), else the reader's
    own township and county; an anonymous reader who names none sees every county's."""
    if township is not None:
        return township, None
    user = request.scope.get("user")
    code = getattr(user, "region_code", None) or ""
    own = code[: CODE_LENGTH["township"]] if len(code) >= CODE_LENGTH["township"] else None
    county = code[: CODE_LENGTH["county"]] if len(code) >= CODE_LENGTH["county"] else None
    return own, county


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"


@dataclass
class SpreadsheetOperation(Operation):
    """The export's schema entry: its answer is a spreadsheet, XLSX or CSV by ``format``."""

    def __post_init__(self) -> None:
        sheet = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY))
        answer = (self.responses or {}).get("200")
        if isinstance(answer, OpenAPIResponse):  # not a Reference: Litestar writes the response out
            answer.content = {XLSX: sheet, CSV: sheet}


class ServiceController(Controller):
    path = "/services"
    tags = ["catalog"]

    @get(operation_id="ListServices", summary="The catalog; q matches either script")
    async def list_services(
        self,
        request: Request,
        texts: NamedDependency[Texts],
        q: Annotated[str | None, QueryParameter(max_length=100)] = None,
        category: Annotated[Category | None, QueryParameter()] = None,
        channel: Annotated[Channel | None, QueryParameter()] = None,
        township: Annotated[str | None, QueryParameter(pattern=r"^\d{9}$", max_length=9)] = None,
    ) -> ServicePage:
        place, county = _reader_place(request, township)
        items = await service.list_services(
            request_locale(request), texts, q=q, category=category, channel=channel, township=place, county=county
        )
        return Page(items=items)

    @get("/manage", operation_id="ListServiceRecords", guards=staff_only)
    async def list_records(self, request: UserRequest) -> RecordPage:
        return Page(items=await manage.records(request.user))

    @get("/export", operation_id="ExportServices", guards=staff_only, operation_class=SpreadsheetOperation)
    async def export(
        self,
        request: UserRequest,
        format: Annotated[str, QueryParameter(pattern="^(xlsx|csv)$", max_length=4)] = "xlsx",
    ) -> Response[bytes]:
        records = await manage.records(request.user)
        if format == "csv":
            content, media = await anyio.to_thread.run_sync(sheets.write_csv, records), f"{CSV}; charset=utf-8"
        else:
            content, media = await anyio.to_thread.run_sync(sheets.write_xlsx, records), XLSX
        return Response(
            content,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="services.{format}"'},
        )

    @get("/{code:str}", operation_id="GetService")
    async def get_service(self, request: Request, code: CodePath, texts: NamedDependency[Texts]) -> Service:
        return await service.get_service(code, request_locale(request), texts)

    @post(operation_id="CreateService", guards=staff_only)
    async def create(
        self, request: UserRequest, data: JSONBody[ServiceWrite], now: NamedDependency[datetime]
    ) -> ServiceRecord:
        return await manage.create(request.user, data, now)

    @put("/{code:str}", operation_id="ReplaceService", guards=staff_only)
    async def replace(
        self,
        request: UserRequest,
        code: CodePath,
        data: JSONBody[ServiceWrite],
        now: NamedDependency[datetime],
    ) -> ServiceRecord:
        return await manage.replace(request.user, code, data, now)

    @delete("/{code:str}", operation_id="RetireService", guards=staff_only, status_code=HTTP_200_OK)
    async def retire(self, request: UserRequest, code: CodePath, now: NamedDependency[datetime]) -> ServiceRecord:
        return await manage.retire(request.user, code, now)

    @post("/import", operation_id="ImportServices", guards=staff_only, status_code=HTTP_200_OK)
    async def import_services(
        self,
        request: UserRequest,
        data: Annotated[ImportUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
        texts: NamedDependency[Texts],
        now: NamedDependency[datetime],
    ) -> ImportReport:
        content = await data.file.read()
        try:
            rows = await anyio.to_thread.run_sync(sheets.read_rows, content, data.file.filename or "")
        except sheets.SheetError as exc:
            raise AppError(400, exc.key, **exc.params) from None
        return await manage.import_rows(request.user, rows, data.dry_run, texts, now)
