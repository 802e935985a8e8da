from datetime import date, datetime, timedelta
from typing import Annotated

import anyio
import msgspec
from litestar import Controller, Response, get
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter

from backend.cases.service import Context as CaseContext
from backend.lib.auth import CurrentUser, UserRequest, require_roles
from backend.lib.concurrency import Slots
from backend.lib.errors import Invalid, NotFound
from backend.regions import service as regions
from backend.stats import _export as export
from backend.stats import service
from backend.stats.service import GROUPINGS, GroupBy, Summary

Region = Annotated[str | None, QueryParameter(pattern=r"^\d{6,15}$", max_length=15)]
From = Annotated[date | None, QueryParameter(name="from")]
To = Annotated[date | None, QueryParameter(name="to")]
MAX_DAYS = 3 * 366
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Period(msgspec.Struct, frozen=True):
    region: str
    region_name: str
    start: date
    end: date
    now: datetime


async def _period(
    request: UserRequest,
    case_ctx: NamedDependency[CaseContext],
    now: NamedDependency[datetime],
    region: Region = None,
    from_: From = None,
    to: To = None,
) -> Period:
    """The region (inside the caller's scope, default their own) and the period (default: this month)."""
    actor = request.user
    code = region or actor.scope.prefix or ""
    found = await regions.get(code, actor.locale) if actor.scope.covers(code) else None
    if found is None:
        raise NotFound()
    end = to or now.astimezone(case_ctx.tz).date()
    start = from_ or end.replace(day=1)
    if start > end or (end - start) > timedelta(days=MAX_DAYS):
        raise Invalid("stats.period_invalid", field="from", days=MAX_DAYS)
    return Period(region=code, region_name=found.name, start=start, end=end, now=now)


class StatsController(Controller):
    path = "/stats"
    tags = ["stats"]
    guards = [require_roles("staff", "admin")]
    dependencies = {"period": Provide(_period)}

    @get("/summary", operation_id="GetStatsSummary")
    async def summary(
        self,
        request: UserRequest,
        case_ctx: NamedDependency[CaseContext],
        period: NamedDependency[Period],
        group_by: Annotated[GroupBy | None, QueryParameter()] = None,
    ) -> Summary:
        return await _summary(period, group_by, request.user, case_ctx)

    @get("/export.xlsx", operation_id="ExportStats", media_type=XLSX)
    async def export_xlsx(
        self,
        request: UserRequest,
        case_ctx: NamedDependency[CaseContext],
        period: NamedDependency[Period],
        export_slots: NamedDependency[Slots],
    ) -> Response[bytes]:
        """Every grouping at once; a person runs one export at a time and a process a few
        (``export_slots``), the rest answer 429 with Retry-After."""
        actor = request.user
        with export_slots.hold(actor.id):
            totals, *grouped = await service.summaries(
                period.region,
                period.region_name,
                period.start,
                period.end,
                [None, *GROUPINGS],
                actor.locale,
                case_ctx.texts,
                case_ctx.tz,
                period.now,
            )
            content = await anyio.to_thread.run_sync(export.workbook, totals, grouped, actor.locale, case_ctx.texts)
        name = f"stats-{period.region}-{period.start}-{period.end}.xlsx"
        return Response(
            content,
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


async def _summary(period: Period, group_by: GroupBy | None, actor: CurrentUser, ctx: CaseContext) -> Summary:
    return await service.summary(
        period.region,
        period.region_name,
        period.start,
        period.end,
        group_by,
        actor.locale,
        ctx.texts,
        ctx.tz,
        period.now,
    )
