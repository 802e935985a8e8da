"""The statistics as a spreadsheet a township clerk hands upward: one sheet per grouping."""

from __future__ import annotations

import io

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from backend.lib.i18n import Locale, Texts
from backend.lib.xlsx import xlsx_value
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
COLUMNS = (*COUNTS, *RATES, *HOURS)


def _row(label: str, metrics: Metrics) -> list[object]:
    return [label, *(getattr(metrics, name) for name in COLUMNS)]


def _sheet(book: openpyxl.Workbook, title: str, header: list[str], rows: list[list[object]]) -> None:
    sheet = book.create_sheet(title=title[:31])
    sheet.append([xlsx_value(text) for text in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for values in rows:
        sheet.append([xlsx_value(value) for value in values])
    first_rate = 2 + len(COUNTS)
    for row in sheet.iter_rows(min_row=2):
        for index, cell in enumerate(row, start=1):
            if first_rate <= index < first_rate + len(RATES):
                cell.number_format = "0.0%"
            elif index >= first_rate + len(RATES):
                cell.number_format = "0.0"
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 24
    for index in range(2, len(header) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 12


def workbook(totals: Summary, grouped: list[Summary], locale: Locale, texts: Texts) -> bytes:
    """Sheet one: the totals with the period and region; then one sheet per grouping."""
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])  # the blank sheet a new workbook starts with
    header = [texts.t(locale, "stats.column.group")] + [texts.t(locale, f"stats.column.{c}") for c in COLUMNS]
    period = texts.t(
        locale, "stats.period", region=totals.region_name, start=totals.from_.isoformat(), end=totals.to.isoformat()
    )
    _sheet(book, texts.t(locale, "stats.sheet.totals"), header, [_row(period, totals.totals)])
    for summary in grouped:
        rows = [_row(group.label or group.key or "", group) for group in summary.groups]
        _sheet(book, texts.t(locale, f"stats.sheet.{summary.group_by}"), header, rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
