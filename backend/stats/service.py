"""The numbers townships are judged by, computed in the database.

Definitions (also in docs/STATISTICS.md): a case counts in the period and region
where it was submitted. Response rate = accepted or rejected within 1 working day
/ submitted; resolution rate = resolved / accepted; satisfaction rate = effective
ratings ≥ 4 / rated; on-time rate = resolved by the deadline / resolved. A case's
effective rating is its latest rating not upheld as malicious.

Every figure of every grouping asked for comes from one statement that reads the
period's cases once, so the cost grows with the cases in the period, and no case row
is loaded into Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

import msgspec
from piccolo.engine.postgres import PostgresEngine

from backend.cases import service as cases
from backend.lib.auth import code_range
from backend.lib.db import bound_engine, execute
from backend.lib.i18n import Locale, Texts
from backend.ratings import service as ratings

GroupBy = Literal["township", "village", "grid", "category", "worker", "day", "week", "month"]
GROUPINGS: tuple[GroupBy, ...] = get_args(GroupBy)


class Metrics(msgspec.Struct, kw_only=True):
    key: str | None = None
    label: str | None = None
    submitted: int
    responded: int
    accepted: int
    resolved: int
    resolved_on_time: int
    #: Cases with an agreed extension (延期), counted apart; their on-time is against the moved deadline.
    extended: int
    rated: int
    satisfied: int
    bad_ratings: int
    follow_ups: int
    follow_ups_decided: int
    follow_ups_on_time: int
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    on_time_rate: float | None
    follow_up_on_time_rate: float | None
    mean_hours_to_resolve: float | None
    median_hours_to_resolve: float | None


class Summary(msgspec.Struct, kw_only=True):
    region: str
    region_name: str
    from_: date = msgspec.field(name="from")
    to: date
    group_by: GroupBy | None
    totals: Metrics
    groups: list[Metrics]


def _is_pg() -> bool:
    return isinstance(bound_engine(), PostgresEngine)


async def _rows(sql: str, *params: Any) -> list[dict[str, Any]]:
    return [dict(row) for row in await execute(sql, *params)]


def _hours(start: str, end: str) -> str:
    if _is_pg():
        return f"EXTRACT(EPOCH FROM ({end} - {start})) / 3600.0"
    return f"(julianday({end}) - julianday({start})) * 24.0"


def _bucket(group_by: str, tz: ZoneInfo) -> str:
    """SQL for a local-date bucket of c.created_at (day, Monday of the week, month)."""
    if _is_pg():
        local = f"(c.created_at AT TIME ZONE '{tz.key}')"
        return {
            "day": f"to_char({local}, 'YYYY-MM-DD')",
            "week": f"to_char(date_trunc('week', {local}), 'YYYY-MM-DD')",
            "month": f"to_char({local}, 'YYYY-MM')",
        }[group_by]
    # SQLite has no time zones: shift by the zone's offset (fixed for Asia/Shanghai).
    offset = datetime(2026, 1, 1, tzinfo=tz).utcoffset() or timedelta(0)
    shift = f"'{int(offset.total_seconds() // 60):+d} minutes'"
    return {
        "day": f"strftime('%Y-%m-%d', c.created_at, {shift})",
        "week": f"date(c.created_at, {shift}, 'weekday 0', '-6 days')",
        "month": f"strftime('%Y-%m', c.created_at, {shift})",
    }[group_by]


def _group_key(group_by: str | None, tz: ZoneInfo) -> str:
    if group_by is None:
        return "'all'"
    if group_by in ("township", "village"):
        return f"substr(c.region_code, 1, {9 if group_by == 'township' else 12})"
    if group_by == "grid":
        return "c.region_code"
    if group_by == "category":
        return "c.category"
    if group_by == "worker":
        return "COALESCE(CAST(c.assignee AS TEXT), '')"
    return _bucket(group_by, tz)


def _name(group_by: str | None) -> str:
    return group_by or "all"


def _statement(groupings: Sequence[GroupBy | None], tz: ZoneInfo) -> str:
    """One statement for the figures of every grouping in ``groupings`` (None: the totals).

    The period's cases are read and joined to their ratings once (``picked`` and
    ``base``, materialized, one row per case with every grouping's key); each grouping
    is then one GROUP BY and one median window over those rows. Rows: ``grp`` (the
    grouping), ``gkey``, the counts, ``mean_hours``, ``median_hours``. (Before, each
    grouping read and joined the period twice, and the export asked for the totals nine
    times: 34 passes over the cases instead of one; bench/stats_export.py.)

    The cases come from ``cases.service.stats_cases_sql`` and their ratings and
    follow-ups from the SQL ``ratings.service`` owns: this module only counts.
    """
    on_time_follow_up = "f.callback_at <= f.callback_due AND f.fixed_at <= f.fix_due"
    decided = "f.fixed_at IS NOT NULL OR f.fix_due < {} OR (f.callback_at IS NULL AND f.callback_due < {})"
    keys = ", ".join(f"{_group_key(g, tz)} AS k_{_name(g)}" for g in groupings)
    # Per grouping: its figures, and its median from a window over its resolved cases.
    figures = " UNION ALL ".join(_AGGREGATE.format(name=_name(g)) for g in groupings)
    medians = " UNION ALL ".join(_MEDIAN.format(name=_name(g)) for g in groupings)
    return f"""WITH
    counted AS ({cases.stats_cases_sql()}),
    picked AS MATERIALIZED (
      SELECT
        {keys},
        c.responded_at, c.response_due, c.accepted_at, c.resolved_at, c.deadline, c.created_at, c.extended_days,
        {ratings.stats_rating_columns("c.case_id")}
      FROM counted c
    ),
    base AS MATERIALIZED (
      SELECT
        {", ".join(f"p.k_{_name(g)}" for g in groupings)},
        CASE WHEN p.responded_at IS NOT NULL AND p.responded_at <= p.response_due THEN 1 ELSE 0 END AS responded,
        CASE WHEN p.accepted_at IS NOT NULL THEN 1 ELSE 0 END AS accepted,
        CASE WHEN p.resolved_at IS NOT NULL THEN 1 ELSE 0 END AS resolved,
        CASE WHEN p.resolved_at IS NOT NULL AND p.resolved_at <= p.deadline THEN 1 ELSE 0 END AS on_time,
        CASE WHEN p.extended_days > 0 THEN 1 ELSE 0 END AS extended,
        CASE WHEN p.resolved_at IS NOT NULL THEN {_hours("p.created_at", "p.resolved_at")} END AS hours,
        p.effective_score,
        CASE WHEN p.first_score <= 2 THEN 1 ELSE 0 END AS bad,
        CASE WHEN f.id IS NOT NULL THEN 1 ELSE 0 END AS follow_up,
        CASE WHEN f.id IS NOT NULL AND ({decided}) THEN 1 ELSE 0 END AS follow_up_decided,
        CASE WHEN f.id IS NOT NULL AND {on_time_follow_up} THEN 1 ELSE 0 END AS follow_up_on_time
      FROM picked p
      LEFT JOIN ({ratings.stats_follow_ups_sql()}) f ON f.rating_id = p.first_id
    ),
    figures AS MATERIALIZED ({figures}),
    medians AS MATERIALIZED ({medians})
    SELECT figures.*, medians.median_hours FROM figures
    LEFT JOIN medians ON medians.grp = figures.grp AND medians.gkey = figures.gkey
    ORDER BY figures.grp, figures.gkey"""  # noqa: S608 - fixed SQL text from this module, cases and ratings; values are {} parameters


_AGGREGATE = """
SELECT '{name}' AS grp, k_{name} AS gkey,
  COUNT(*) AS submitted, SUM(responded) AS responded, SUM(accepted) AS accepted,
  SUM(resolved) AS resolved, SUM(on_time) AS resolved_on_time, SUM(extended) AS extended,
  COUNT(effective_score) AS rated,
  SUM(CASE WHEN effective_score >= 4 THEN 1 ELSE 0 END) AS satisfied,
  SUM(bad) AS bad_ratings, SUM(follow_up) AS follow_ups,
  SUM(follow_up_decided) AS follow_ups_decided, SUM(follow_up_on_time) AS follow_ups_on_time,
  AVG(hours) AS mean_hours
FROM base GROUP BY k_{name}
"""
_MEDIAN = """
SELECT '{name}' AS grp, gkey, AVG(hours) AS median_hours FROM (
  SELECT k_{name} AS gkey, hours,
    ROW_NUMBER() OVER (PARTITION BY k_{name} ORDER BY hours) AS position,
    COUNT(*) OVER (PARTITION BY k_{name}) AS total
  FROM base WHERE hours IS NOT NULL
) ranked_{name} WHERE position IN ((total + 1) / 2, (total + 2) / 2) GROUP BY gkey
"""


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _hours_value(value: Any) -> float | None:
    return round(float(value), 2) if value is not None else None


def _metrics(row: dict[str, Any], median: Any) -> Metrics:
    def count(column: str) -> int:
        return int(row.get(column) or 0)

    submitted, responded, accepted = count("submitted"), count("responded"), count("accepted")
    resolved, resolved_on_time = count("resolved"), count("resolved_on_time")
    rated, satisfied = count("rated"), count("satisfied")
    follow_ups_decided, follow_ups_on_time = count("follow_ups_decided"), count("follow_ups_on_time")
    return Metrics(
        submitted=submitted,
        responded=responded,
        accepted=accepted,
        resolved=resolved,
        resolved_on_time=resolved_on_time,
        extended=count("extended"),
        rated=rated,
        satisfied=satisfied,
        bad_ratings=count("bad_ratings"),
        follow_ups=count("follow_ups"),
        follow_ups_decided=follow_ups_decided,
        follow_ups_on_time=follow_ups_on_time,
        response_rate=_rate(responded, submitted),
        resolution_rate=_rate(resolved, accepted),
        satisfaction_rate=_rate(satisfied, rated),
        on_time_rate=_rate(resolved_on_time, resolved),
        follow_up_on_time_rate=_rate(follow_ups_on_time, follow_ups_decided),
        mean_hours_to_resolve=_hours_value(row.get("mean_hours")),
        median_hours_to_resolve=_hours_value(median),
    )


def period_bounds(start: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """From local midnight of ``start`` to local midnight after ``end`` (exclusive)."""
    return (
        datetime.combine(start, time(), tz),
        datetime.combine(end + timedelta(days=1), time(), tz),
    )


async def _run(
    groupings: Sequence[GroupBy | None], region: str, start: date, end: date, tz: ZoneInfo, now: datetime
) -> dict[str, list[Metrics]]:
    """The figures of each grouping (``"all"`` for None, the totals), by its name."""
    low, high = (bound.astimezone(UTC) for bound in period_bounds(start, end, tz))
    # Stored instants are UTC; on SQLite they compare as text, so parameters must be UTC too.
    # In text order: the period and region (first CTE), then "now" twice (the follow-ups).
    params = [low, high, *code_range(region), now.astimezone(UTC), now.astimezone(UTC)]
    found: dict[str, list[Metrics]] = {_name(g): [] for g in groupings}
    for row in await _rows(_statement(groupings, tz), *params):
        metrics = msgspec.structs.replace(_metrics(row, row["median_hours"]), key=str(row["gkey"]))
        found[row["grp"]].append(metrics)
    return found


async def _labels(group_by: str, keys: list[str], locale: Locale, texts: Texts) -> dict[str, str]:
    if group_by in ("township", "village", "grid"):
        rows = (
            await _rows(
                f"SELECT code, name_hans, name_hant FROM region WHERE code IN ({', '.join('{}' for _ in keys)})",  # noqa: S608 - {} placeholders only
                *keys,
            )
            if keys
            else []
        )
        column = "name_hant" if locale == "zh-Hant" else "name_hans"
        return {r["code"]: r[column] for r in rows}
    if group_by == "category":
        return {k: texts.t(locale, f"catalog.category.{k}" if k else "stats.no_service") for k in keys}
    if group_by == "worker":
        ids = [int(k) for k in keys if k]
        rows = await _rows(cases.person_names_sql(len(ids)), *ids) if ids else []
        names = {str(r["id"]): r["name"] for r in rows}
        return {k: names.get(k, "") if k else texts.t(locale, "stats.unassigned") for k in keys}
    if group_by == "week":
        return {k: texts.t(locale, "stats.week_of", date=k) for k in keys}
    return {k: k for k in keys}


async def summaries(
    region: str,
    region_name: str,
    start: date,
    end: date,
    groupings: Sequence[GroupBy | None],
    locale: Locale,
    texts: Texts,
    tz: ZoneInfo,
    now: datetime,
) -> list[Summary]:
    """One Summary per grouping (None: the totals alone), all from one statement.

    Each carries the totals too. The export asks for all of them at once.
    """
    wanted = list(dict.fromkeys([None, *groupings]))
    found = await _run(wanted, region, start, end, tz, now)
    totals = found["all"][0] if found["all"] else _metrics({}, None)
    totals = msgspec.structs.replace(totals, key=None)
    answers = []
    for group_by in groupings:
        groups: list[Metrics] = []
        if group_by is not None:
            groups = found[group_by]
            labels = await _labels(group_by, [g.key or "" for g in groups], locale, texts)
            groups = [msgspec.structs.replace(g, label=labels.get(g.key or "", g.key)) for g in groups]
        answers.append(
            Summary(
                region=region,
                region_name=region_name,
                from_=start,
                to=end,
                group_by=group_by,
                totals=totals,
                groups=groups,
            )
        )
    return answers


async def summary(
    region: str,
    region_name: str,
    start: date,
    end: date,
    group_by: GroupBy | None,
    locale: Locale,
    texts: Texts,
    tz: ZoneInfo,
    now: datetime,
) -> Summary:
    """The totals, and with ``group_by`` one group per key, for the region and period."""
    [answer] = await summaries(region, region_name, start, end, [group_by], locale, texts, tz, now)
    return answer
