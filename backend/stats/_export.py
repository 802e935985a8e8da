"""The statistics as a spreadsheet a township clerk hands upward: one sheet per grouping."""

from __future__ import annotations

from backend.lib import spreadsheets
from backend.lib.i18n import Locale, Texts
from backend.stats.service import Metrics, Summary

COUNTS = (
    "submitted",
    "responded",
    "accepted",
    "resolved",
    "resolved_on_time",
    "rated",
    "satisfied",
    "bad_ratings",
    "follow_ups",
    "follow_ups_on_time",
)
RATES = ("response_rate", "resolution_rate", "satisfaction_rate", "on_time_rate", "follow_up_on_time_rate")
HOURS = ("mean_hours_to_resolve", "median_hours_to_resolve")
#: Extended cases last, so the columns of sheets exported before keep their places.
COLUMNS = (*COUNTS, *RATES, *HOURS, "extended")


def _row(label: str, metrics: Metrics) -> list[object]:
    return [label, *(getattr(metrics, name) for name in COLUMNS)]


def _sheet(title: str, header: list[str], rows: list[list[object]]) -> spreadsheets.Sheet:
    first_rate = 1 + len(COUNTS)
    formats = dict.fromkeys(range(first_rate, first_rate + len(RATES)), "0.0%")
    formats |= dict.fromkeys(range(first_rate + len(RATES), len(header)), "0.0")
    return spreadsheets.Sheet(
        title=title,
        header=header,
        rows=rows,
        widths=[24, *(12 for _ in COLUMNS)],
        number_formats=formats,
        freeze="B2",
    )


def workbook(totals: Summary, grouped: list[Summary], locale: Locale, texts: Texts) -> bytes:
    """Sheet one: the totals with the period and region; then one sheet per grouping.

    Labels (region names, workers' names) are text cells, never formulas (``lib.spreadsheets``).
    """
    header = [texts.t(locale, "stats.column.group")] + [texts.t(locale, f"stats.column.{c}") for c in COLUMNS]
    period = texts.t(
        locale, "stats.period", region=totals.region_name, start=totals.from_.isoformat(), end=totals.to.isoformat()
    )
    sheets = [_sheet(texts.t(locale, "stats.sheet.totals"), header, [_row(period, totals.totals)])]
    for summary in grouped:
        rows = [_row(group.label or group.key or "", group) for group in summary.groups]
        sheets.append(_sheet(texts.t(locale, f"stats.sheet.{summary.group_by}"), header, rows))
    return spreadsheets.write_xlsx(sheets)
