from datetime import date, timedelta
from typing import Annotated

import anyio
from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from backend.cases.service import Context as CaseContext
from backend.lib.auth import CurrentUser, require_roles
from backend.lib.clock import Clock
from backend.lib.errors import Invalid, NotFound
from backend.regions import service as regions
from backend.stats import export, service
from backend.stats.service import GROUPINGS, GroupBy, Summary

Region = Annotated[str | None, QueryParameter(pattern=r"^\d{6,15}$")]
From = Annotated[date | None, QueryParameter(name="from")]
To = Annotated[date | None, QueryParameter(name="to")]
MAX_DAYS = 3 * 366


async def _scope(actor: CurrentUser, region: str | None, start: date | None, end: date | None, ctx: CaseContext, today: date):
    """The region (inside the caller's scope, default their own) and the period (default: this month)."""
    code = region or actor.scope.prefix or ""
    if not actor.scope.covers(code):
        raise NotFound()
    found = await regions.get(code, actor.locale)
    if found is None:
        raise NotFound()
    end = end or today
    start = start or end.replace(day=1)
    if start > end or (end - start) > timedelta(days=MAX_DAYS):
        raise Invalid("stats.period_invalid", field="from", days=MAX_DAYS)
    return code, found.name, start, end


class StatsController(Controller):
    path = "/stats"
    tags = ["stats"]
    guards = [require_roles("staff", "admin")]

    @get("/summary", operation_id="GetStatsSummary")
    async def summary(
        self,
        request: Request[CurrentUser, str, object],
        case_ctx: NamedDependency[CaseContext],
        clock: NamedDependency[Clock],
        region: Region = None,
        from_: From = None,
        to: To = None,
        group_by: Annotated[GroupBy | None, QueryParameter()] = None,
    ) -> Summary:
        now = clock.now()
        code, name, start, end = await _scope(request.user, region, from_, to, case_ctx, now.astimezone(case_ctx.tz).date())
        return await service.summary(code, name, start, end, group_by, request.user.locale, case_ctx.texts, case_ctx.tz, now)

    @get("/export.xlsx", operation_id="ExportStats")
    async def export_xlsx(
        self,
        request: Request[CurrentUser, str, object],
        case_ctx: NamedDependency[CaseContext],
        clock: NamedDependency[Clock],
        region: Region = None,
        from_: From = None,
        to: To = None,
    ) -> Response[bytes]:
        now = clock.now()
        actor = request.user
        code, name, start, end = await _scope(actor, region, from_, to, case_ctx, now.astimezone(case_ctx.tz).date())
        texts, tz = case_ctx.texts, case_ctx.tz
        totals = await service.summary(code, name, start, end, None, actor.locale, texts, tz, now)
        grouped = [
            await service.summary(code, name, start, end, g, actor.locale, texts, tz, now)  # type: ignore[arg-type]
            for g in GROUPINGS
        ]
        content = await anyio.to_thread.run_sync(export.workbook, totals, grouped, actor.locale, texts)
        return Response(
            content,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="stats-{code}-{start}-{end}.xlsx"'},
        )
