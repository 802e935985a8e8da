"""The SQL of the hot reads: who may see a case, one case, its timeline, the case lists.

Piccolo builds a select with five joins in Python on every call, and on the
case detail that cost more CPU than the database itself (py-spy: about 60 % of
a request). These statements are written once, run unchanged on SQLite and
PostgreSQL, and give the same column names as Piccolo's select
(``"resident.name"``), so the code that reads the rows does not change.

``visible`` is the one definition of who may see a case; every case query,
Piccolo's or these, filters through it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from piccolo.columns.combination import WhereRaw
from piccolo.querystring import QueryString

from backend.accounts import service as accounts
from backend.lib.auth import CurrentUser, code_range

_SUMMARY_COLUMNS = """
    app_case.id, app_case.receipt_no, app_case.kind, app_case.service_code, app_case.title,
    app_case.status, app_case.region_code,
    case_region.name_hans AS "region.name_hans", case_region.name_hant AS "region.name_hant",
    case_resident.id AS "resident.id", case_resident.name AS "resident.name",
    case_resident.phone AS "resident.phone", case_resident.region AS "resident.region", app_case.identity_check,
    case_assignee.id AS "assignee.id", case_assignee.name AS "assignee.name", case_assignee.role AS "assignee.role",
    app_case.deadline, app_case.due_soon_at, app_case.created_at, app_case.updated_at,
    app_case.urgent, app_case.time_limit_hours, app_case.extended_days, app_case.silent_at"""
_SUMMARY_JOINS = """
    LEFT JOIN region AS case_region ON case_region.id = app_case.region
    LEFT JOIN app_user AS case_resident ON case_resident.id = app_case.resident
    LEFT JOIN app_user AS case_assignee ON case_assignee.id = app_case.assignee"""
_DETAIL = f"""SELECT {_SUMMARY_COLUMNS},
    app_case.description, app_case.address, app_case.lat, app_case.lng,
    case_submitter.id AS "submitted_by.id", case_submitter.name AS "submitted_by.name",
    case_submitter.role AS "submitted_by.role",
    case_owner.id AS "owner.id", case_owner.name AS "owner.name", case_owner.role AS "owner.role",
    app_case.department, app_case.time_limit_days, app_case.accepted_at, app_case.resolved_at,
    app_case.closed_at, resident_region.code AS "resident.region.code", app_case.low_rated
    FROM app_case {_SUMMARY_JOINS}
    LEFT JOIN app_user AS case_submitter ON case_submitter.id = app_case.submitted_by
    LEFT JOIN app_user AS case_owner ON case_owner.id = app_case.owner
    LEFT JOIN region AS resident_region ON resident_region.id = case_resident.region
    WHERE app_case.id = {{}} AND {{}}"""  # noqa: S608 - fixed SQL text; the values are {} parameters
_TIMELINE = """SELECT case_event.at, case_event.action, case_event.from_status, case_event.to_status,
    case_event.note, case_event.media,
    event_actor.id AS "actor.id", event_actor.name AS "actor.name", event_actor.role AS "actor.role"
    FROM case_event LEFT JOIN app_user AS event_actor ON event_actor.id = case_event.actor
    WHERE case_event.case_id = {} ORDER BY case_event.id"""


def visible_sql(actor: CurrentUser) -> QueryString:
    """The condition on ``app_case`` for the cases ``actor`` may see.

    Residents: their own and those of the relatives they act for now (an active
    family link). Grid workers: their grids', those assigned to them, their own.
    Staff and admins: everything under their region.

    Having filed a case gives no lasting access: a relative who filed for an elder
    reads it through the link, and loses it when the link ends; an official reads it
    through their scope (the audit keeps who filed).
    """
    if actor.role == "resident":
        # A union of two index lookups: an OR with a subquery in it makes PostgreSQL
        # scan the whole table.
        return QueryString(
            "app_case.id IN (SELECT own.id FROM app_case AS own WHERE own.resident = {} "
            "UNION SELECT own.id FROM app_case AS own WHERE own.resident IN ({}))",
            actor.id,
            accounts.relatives_sql(actor.id),
        )
    prefix = actor.scope.prefix
    # "|| ''" keeps both planners off the region index here: a township's or county's
    # scope holds most cases, so walking the newest ids and filtering fills a page at
    # once, where the index would gather and sort every case of the township first
    # (SQLite chose that: 76 ms instead of 0.1 ms at 50,000 cases). Narrow filters
    # (a status, the overdue cases, a chosen village) still use their indexes.
    in_region = (
        QueryString("(app_case.region_code || '' >= {} AND app_case.region_code || '' < {})", *code_range(prefix))
        if prefix
        else QueryString("1 = 0")
    )
    if actor.role == "grid_worker":
        return QueryString("({} OR app_case.assignee = {} OR app_case.resident = {})", in_region, actor.id, actor.id)
    return in_region


def _in_region(prefix: str) -> QueryString:
    return QueryString("(app_case.region_code >= {} AND app_case.region_code < {})", *code_range(prefix))


def visible(actor: CurrentUser) -> WhereRaw:
    """``visible_sql`` as a Piccolo WHERE clause."""
    return WhereRaw("{}", visible_sql(actor))


def detail(actor: CurrentUser, case_id: int) -> QueryString:
    return QueryString(_DETAIL, case_id, visible_sql(actor))


def timeline(case_id: int) -> QueryString:
    return QueryString(_TIMELINE, case_id)


def all_of(conditions: Iterable[QueryString]) -> QueryString:
    parts = list(conditions)
    return QueryString(" AND ".join(["({})"] * len(parts)), *parts)


def in_list(column: str, values: Iterable[str]) -> QueryString:
    values = list(values)
    return QueryString(f"{column} IN ({', '.join(['{}'] * len(values))})", *values)


_OPEN = "('accepted', 'assigned', 'in_progress', 'waiting_info')"
#: Open and the clock running: the statuses of the partial index on the open cases'
#: deadlines, written the same way so SQLite sees that the index applies.
_RUNNING = f"app_case.status IN {_OPEN} AND app_case.status <> 'waiting_info'"
#: The urgent cases not yet done (waiting to be accepted too: they lead the intake queue),
#: written as the partial index on them (the 2026-12-03T20 migration).
URGENT_OPEN = (
    "app_case.urgent = true AND app_case.status IN ('submitted', 'accepted', 'assigned', 'in_progress', 'waiting_info')"
)
_SIGNALS = {
    "overdue": f"{_RUNNING} AND app_case.deadline < {{now}}",
    "due_soon": f"{_RUNNING} AND app_case.due_soon_at <= {{now}} AND app_case.deadline >= {{now}}",
    "silent": f"{_RUNNING} AND app_case.deadline >= {{now}} AND (app_case.due_soon_at IS NULL OR "
    "app_case.due_soon_at > {now}) AND app_case.silent_at <= {now}",
    "on_track": f"{_RUNNING} AND app_case.deadline >= {{now}} AND (app_case.due_soon_at IS NULL OR "
    "app_case.due_soon_at > {now}) AND (app_case.silent_at IS NULL OR app_case.silent_at > {now})",
    "paused": "app_case.status = 'waiting_info'",
}


def _signal(name: str, now: datetime) -> QueryString:
    """The open cases whose ``signal`` is ``name`` at ``now`` (the same rules as ``_clock.Flags``)."""
    template = _SIGNALS[name]
    return QueryString(template.replace("{now}", "{}"), *([now] * template.count("{now}")))


def case_list(
    actor: CurrentUser,
    *,
    status: str | None,
    kind: str | None,
    region: str | None,
    assignee: int | None,
    overdue: bool | None,
    due_soon: bool | None = None,
    signal: str | None = None,
    now: datetime,
    cursor: tuple[bool, int] | None,
    limit: int,
) -> QueryString:
    """Urgent cases not yet resolved first, then all others, each newest first;
    ``overdue`` True is the 督办 list, False everything else. ``cursor``: whether the page
    before ended among the urgent cases, and its last id."""
    conditions = [visible_sql(actor)]
    if status is not None:
        conditions.append(QueryString("app_case.status = {}", status))
    if kind is not None:
        conditions.append(QueryString("app_case.kind = {}", kind))
    if region is not None:
        conditions.append(_in_region(region))
    if assignee is not None:
        conditions.append(QueryString("app_case.assignee = {}", assignee))
    if overdue is True:
        conditions.append(_signal("overdue", now))
    elif overdue is False:
        conditions.append(
            QueryString(f"NOT ({_RUNNING}) OR app_case.deadline IS NULL OR app_case.deadline >= {{}}", now)
        )
    if due_soon is True:
        # The same instant as the case's own due_soon flag: past 80 %, not yet overdue.
        conditions.append(_signal("due_soon", now))
    if signal is not None:
        conditions.append(_signal(signal, now))
    # The page's ids first, then the joins for those rows only: SQLite joins before it
    # sorts, so a filter served by an index would otherwise join every match. The limit
    # is written into the statement (a checked int): asyncpg prepares statements, and
    # PostgreSQL's generic plan for an unknown limit walked the whole table for a
    # resident's list after the fifth call (1.1 ms → 11 ms). The urgent cases and the
    # others are each one such walk down the ids (the urgent ones by their own partial
    # index), so putting the urgent first sorts no more than two pages of ids.
    in_urgent, last_id = cursor if cursor is not None else (True, None)
    walks = []
    if in_urgent:
        walks.append(_walk(1, [*conditions, QueryString(URGENT_OPEN)], last_id, limit))
    walks.append(_walk(0, [*conditions, QueryString(f"NOT ({URGENT_OPEN})")], None if in_urgent else last_id, limit))
    return QueryString(
        f"SELECT {_SUMMARY_COLUMNS} FROM ({' UNION ALL '.join(['{}'] * len(walks))}) AS page "  # noqa: S608 - fixed SQL
        f"JOIN app_case ON app_case.id = page.id {_SUMMARY_JOINS} "
        f"ORDER BY page.leads DESC, app_case.id DESC LIMIT {int(limit)}",
        *walks,
    )


def _walk(lead: int, conditions: list[QueryString], before_id: int | None, limit: int) -> QueryString:
    """Up to ``limit`` ids matching ``conditions``, newest first, below ``before_id``; ``lead`` sorts the walks."""
    if before_id is not None:
        conditions = [*conditions, QueryString("app_case.id < {}", before_id)]
    return QueryString(
        f"SELECT walk.id, {int(lead)} AS leads FROM (SELECT app_case.id FROM app_case WHERE {{}} "  # noqa: S608 - ints
        f"ORDER BY app_case.id DESC LIMIT {int(limit)}) AS walk",
        all_of(conditions),
    )


#: The cases the statistics count, one row per case (docs/STATISTICS.md, "Which cases count").
_STATS_CASES = """SELECT stats_case.id AS case_id, stats_case.region_code,
    COALESCE(stats_service.category, '') AS category, stats_case.assignee, stats_case.created_at,
    stats_case.responded_at, stats_case.response_due, stats_case.accepted_at, stats_case.resolved_at,
    stats_case.deadline, stats_case.extended_days
    FROM app_case AS stats_case
    LEFT JOIN service AS stats_service ON stats_service.code = stats_case.service_code
    WHERE stats_case.created_at >= {} AND stats_case.created_at < {}
    AND stats_case.region_code >= {} AND stats_case.region_code < {}"""


def stats_cases_sql() -> str:
    """The SELECT the statistics read cases through: one row per case submitted in a
    period under a region, with the columns the figures count.

    Columns: ``case_id``, ``region_code`` (the grid), ``category`` (the catalog entry's
    category, ``''`` without one), ``assignee`` (a user id or NULL), ``created_at``,
    ``responded_at``, ``response_due``, ``accepted_at``, ``resolved_at``, ``deadline`` (as it now
    stands: moved by the case's pauses and agreed extensions), ``extended_days`` (agreed
    extension days, 0 for none).
    Four ``{}`` parameters, in order: the period's start and end (UTC, end exclusive)
    and the region's code range (``lib.auth.code_range``). Meant to be a CTE that the
    caller's query reads once (PostgreSQL and SQLite inline it).
    """
    return _STATS_CASES


def person_names_sql(count: int) -> str:
    """``SELECT id, name`` of ``count`` users (one ``{}`` each): the names a case shows for its people."""
    placeholders = ", ".join("{}" for _ in range(count))
    return f"SELECT id, name FROM app_user WHERE id IN ({placeholders})"  # noqa: S608 - {} placeholders only
