"""What the statistics count of ratings: SQL this domain owns, read by ``stats``.

A case's ratings are looked up per case by correlated subqueries (index probes on
``rating.case_id``) rather than joined: with joins PostgreSQL hashed the whole
rating table on every summary, so a month's figures grew with all of history
(bench/README.md, scale table).
"""

from __future__ import annotations

_FIRST = "FROM rating r WHERE r.case_id = {case} AND r.kind = 'first' AND r.flag_status <> 'upheld'"


def stats_rating_columns(case_id: str) -> str:
    """Three columns for the case whose id is the SQL expression ``case_id``.

    ``first_id`` and ``first_score``: its first rating, unless upheld as malicious;
    ``effective_score``: its latest rating not upheld as malicious (a 追评 replaces
    the first rating), NULL when it has none.
    """
    first = _FIRST.format(case=case_id)
    return (
        f"(SELECT r.id {first}) AS first_id, (SELECT r.score {first}) AS first_score, "  # noqa: S608 - SQL, no values
        f"(SELECT r.score FROM rating r WHERE r.case_id = {case_id} AND r.flag_status <> 'upheld' "
        "ORDER BY r.id DESC LIMIT 1) AS effective_score"
    )


def stats_follow_ups_sql() -> str:
    """A SELECT of every bad rating's follow-up: ``id``, ``rating_id`` (the first rating
    it follows up), ``callback_due``, ``callback_at``, ``fix_due``, ``fixed_at``.

    Join it on ``rating_id = first_id`` (``stats_rating_columns``); no parameters.
    """
    return "SELECT id, rating AS rating_id, callback_due, callback_at, fix_due, fixed_at FROM follow_up"
