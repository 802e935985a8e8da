"""The one writer of every spreadsheet the server hands out (XLSX and CSV exports).

Names, titles and region names in an export are typed by people, some of them
hostile: a grid worker who calls themselves ``=HYPERLINK("http://evil","x")`` must
not put a live formula into the clerk's workbook. So every string is written as
text, never as a formula, whatever it starts with:

- XLSX: a string cell is an inline string (``t="inlineStr"``). openpyxl would store
  any text starting with "=" as a formula (``<f>``); this module never lets it.
- CSV has no cell types, and Excel and WPS run a cell that starts with = + - @, a tab
  or a carriage return as a formula; such a cell gets a leading "'" (OWASP's advice
  on CSV injection), which a spreadsheet shows as text and ``csv_unescape`` drops.

Control characters, which openpyxl refuses (and the whole workbook with them), are
dropped, so an export never fails on text someone pasted from a chat.

>>> cell_text("王\\x07秀英"), cell_text(3), csv_text("=1+1"), csv_text("-2+3"), csv_text(-2)
('王秀英', 3, "'=1+1", "'-2+3", -2)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import msgspec
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

#: What makes a spreadsheet program read a CSV cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The longest text a cell holds (Excel's limit; openpyxl cuts there too).
MAX_CELL_CHARS = 32767
_BOLD = Font(bold=True)
_HEADER = Alignment(wrap_text=True, vertical="center")
_WRAP = Alignment(wrap_text=True, vertical="top")


class Sheet(msgspec.Struct, kw_only=True):
    """One worksheet: a bold header line, then ``rows`` (read once, as they are written).

    ``widths`` and ``number_formats`` are by column, from 0; ``freeze`` is the first
    cell that scrolls (``"B2"``); ``wrap`` wraps every cell (text with line breaks);
    ``filter`` puts a filter on the header.
    """

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[float] = ()
    number_formats: Mapping[int, str] = msgspec.field(default_factory=dict)
    freeze: str | None = "A2"
    wrap: bool = False
    filter: bool = False


def cell_text(value: Any) -> Any:
    """``value`` as a cell takes it: text without control characters (None when nothing is left)."""
    if not isinstance(value, str):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_CHARS] or None


def csv_text(value: Any) -> Any:
    """``value`` for a CSV cell: text a spreadsheet would run as a formula gets a leading "'"."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_START) else value


def csv_unescape(value: str) -> str:
    """A CSV cell as it was before ``csv_text`` (for reading our own exports back)."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value


def write_xlsx(sheets: Iterable[Sheet]) -> bytes:
    """The sheets as one XLSX workbook; every string is a text cell, never a formula.

    Rows stream into the file as they come (openpyxl's write-only mode), so a long
    export holds one row in memory, not the whole sheet's cells.
    """
    book = Workbook(write_only=True)
    for spec in sheets:
        sheet = book.create_sheet(title=spec.title[:31])
        for index, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        if spec.freeze:
            sheet.freeze_panes = spec.freeze
        header = [_cell(sheet, text, font=_BOLD, alignment=_HEADER) for text in spec.header]
        sheet.append(header)
        lines = 1
        align = _WRAP if spec.wrap else None
        for values in spec.rows:
            sheet.append(
                [
                    _cell(sheet, value, alignment=align, number_format=spec.number_formats.get(index))
                    for index, value in enumerate(values)
                ]
            )
            lines += 1
        if spec.filter and spec.header:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(spec.header))}{lines}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file, UTF-8 with a BOM so Excel does not read it as GBK; formula-like text defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_text(text) for text in header])
    for values in rows:
        writer.writerow([csv_text(value) for value in values])
    return buffer.getvalue().encode("utf-8-sig")


def _cell(
    sheet: Any,
    value: Any,
    *,
    font: Font | None = None,
    alignment: Alignment | None = None,
    number_format: str | None = None,
) -> Cell:
    cell = WriteOnlyCell(sheet, value=cell_text(value))
    if isinstance(cell.value, str):
        # openpyxl turns text starting with "=" into a formula; a typed name never is one.
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    return cell
