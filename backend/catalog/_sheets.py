"""Catalog spreadsheets: read the list a township uploads, write the catalog back out.

Township lists (公共服务事项目录清单) are typed by hand in Excel or WPS: a merged
title, a category cell merged down over its services, full-width digits, time
limits such as "十五个工作日". The reader takes all of that and says, per
spreadsheet line, what it could not take; the writer produces files the reader
takes back unchanged, so staff can export, edit and re-import.

Column names, category and channel labels below are a file format, not UI text.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import msgspec
import openpyxl
from litestar.status_codes import HTTP_400_BAD_REQUEST
from openpyxl.utils import column_index_from_string
from openpyxl.worksheet.cell_range import CellRange

from backend.catalog import _cells as parse
from backend.catalog.structs import CODE_PATTERN, ImportRow, ServiceRecord, ServiceWrite
from backend.lib import spreadsheets
from backend.lib.errors import AppError

MAX_ROWS = 2000
#: A title and a blank line or two come before the header in most lists.
HEADER_SEARCH_ROWS = 10
MIN_HEADER_MATCHES = 3
#: openpyxl builds every cell (merged ones included) in memory, so a few kilobytes
#: of zipped XML must not be allowed to stand for gigabytes.
MAX_XML_BYTES = 50 * 1024 * 1024
MAX_MERGED_CELLS = 200_000

#: Export columns in order. Row errors name a column by the header the file used.
COLUMNS: dict[str, str] = {
    "code": "编码",
    "category": "类别",
    "name": "名称",
    "name_hant": "名称（繁体）",
    "description": "说明",
    "description_hant": "说明（繁体）",
    "policy_basis": "政策依据",
    "policy_basis_hant": "政策依据（繁体）",
    "implementing_body": "实施主体",
    "implementing_body_hant": "实施主体（繁体）",
    "target_groups": "服务对象",
    "target_groups_hant": "服务对象（繁体）",
    "materials": "所需材料",
    "materials_hant": "所需材料（繁体）",
    "time_limit_days": "办理时限（工作日）",
    "channels": "办理渠道",
    "fee": "收费标准",
    "fee_hant": "收费标准（繁体）",
    "township": "乡镇编码",
    "active": "是否启用",
    #: Last, so the columns of sheets exported before it keep their places.
    "urgent_hours": "加急时限（小时）",
}
#: Export column widths, in characters, by field.
WIDTHS = {
    "code": 12,
    "category": 12,
    "name": 30,
    "description": 50,
    "policy_basis": 30,
    "implementing_body": 20,
    "target_groups": 30,
    "materials": 40,
    "time_limit_days": 12,
    "urgent_hours": 12,
    "channels": 24,
    "fee": 24,
    "township": 14,
    "active": 10,
}
BILINGUAL = ("name", "description", "policy_basis", "implementing_body", "target_groups", "materials", "fee")
LIST_FIELDS = ("target_groups", "materials")
REQUIRED = ("code", "category", "name", "description", "materials", "time_limit_days", "channels")

#: Header names seen in township lists; matched after NFKC, lower-casing and dropping
#: spaces, "_", "-", "*", a trailing note in brackets and a 繁体/_hant suffix.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("编码", "事项编码", "代码", "事项代码", "服务编码", "code"),
    "category": ("类别", "分类", "事项类别", "事项分类", "服务类别", "category"),
    "name": ("名称", "事项名称", "服务事项", "服务事项名称", "服务名称", "name"),
    "description": ("说明", "事项说明", "服务内容", "服务说明", "description"),
    "policy_basis": ("政策依据", "依据", "设定依据", "办理依据", "法律依据", "policy_basis"),
    "implementing_body": ("实施主体", "办理机构", "承办单位", "责任单位", "办理单位", "implementing_body"),
    "target_groups": ("服务对象", "对象", "适用对象", "target_groups"),
    "materials": ("所需材料", "申请材料", "办理材料", "材料", "materials"),
    "time_limit_days": ("办理时限", "承诺时限", "时限", "承诺办结时限", "time_limit_days", "time_limit"),
    "urgent_hours": ("加急时限", "加急", "加急小时", "urgent_hours"),
    "channels": ("办理渠道", "渠道", "办理方式", "服务方式", "channels"),
    "fee": ("收费标准", "收费", "是否收费", "收费情况", "fee"),
    "township": ("乡镇", "乡镇编码", "township"),
    "active": ("状态", "是否启用", "active"),
}

#: Answers to a 是否收费 column, as fee text in each script.
FEE_WORDS = {
    "否": ("免费", "免費"),
    "无": ("免费", "免費"),
    "無": ("免费", "免費"),
    "不收费": ("免费", "免費"),
    "不收費": ("免费", "免費"),
    "是": ("按规定收费", "按規定收費"),
}

_CODE = re.compile(CODE_PATTERN)
_HEADER_DROP = re.compile(r"[\s*_\-:]")
_HANT_SUFFIX = re.compile(r"\(?(?:繁体|繁體|hant|traditional)\)?$")
_HANS_SUFFIX = re.compile(r"\(?(?:简体|簡體|hans|simplified)\)?$")
_NOTE_SUFFIX = re.compile(r"\([^()]*\)$")
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_LENGTH_ERROR = re.compile(r"Expected `(str|array)` of length <= (\d+) - at `\$\.(\w+)(?:\[(\d+)\])?`")
_FIELD_PATH = re.compile(r"at `\$\.(\w+)")
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# A row as read: its line, its non-blank values by column, and for values that come
# from a merged range, that range.
_Line = tuple[int, dict[int, Any], dict[int, CellRange]]


class SheetError(AppError):
    """The upload as a whole cannot be read, so nothing in it is imported.

    ``key`` is below ``error.``: ``SheetError("catalog.import.too_many_rows", max=2000)``.
    """

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(HTTP_400_BAD_REQUEST, key, **params)


def read_rows(content: bytes, filename: str) -> list[ImportRow]:
    """Read an uploaded catalog: one ImportRow per non-empty line below the header.

    XLSX or CSV is told from the content. Lines keep the numbers Excel shows;
    empty lines, a title or a section heading merged across the row
    ("二、卫生健康类") are skipped. A bad row is reported, the others still read::

        rows = read_rows(upload, "清河镇.xlsx")
        [(r.line, r.code, r.error) for r in rows if r.error]
        # [(8, "AST-201", "catalog.import.invalid_time_limit")]

    Raises SheetError when the file cannot be read at all.
    """
    for grid in _grids(content, filename):
        if (found := _find_header(grid)) is not None:
            return _read_table(grid, *found)
    raise SheetError("catalog.import.no_header")


def write_xlsx(records: Iterable[ServiceRecord]) -> bytes:
    """The catalog as XLSX, one line per entry, lists one item per line in the cell;
    ``read_rows`` gives the same entries back. Every text cell is text, never a formula."""
    sheet = spreadsheets.Sheet(
        title="服务事项目录",
        header=list(COLUMNS.values()),
        rows=([_export_value(record, key, "\n") for key in COLUMNS] for record in records),
        widths=[WIDTHS[key.removesuffix("_hant")] for key in COLUMNS],
        wrap=True,
        filter=True,
    )
    return spreadsheets.write_xlsx([sheet])


def write_csv(records: Iterable[ServiceRecord]) -> bytes:
    """The catalog as CSV (``lib.spreadsheets.write_csv``: text Excel would run as a
    formula gets a leading "'", which the reader drops)."""
    return spreadsheets.write_csv(
        list(COLUMNS.values()), ([_export_value(record, key, "；") for key in COLUMNS] for record in records)
    )


# --- reading the file --------------------------------------------------------------


def _grids(content: bytes, filename: str) -> Iterator[list[_Line]]:
    """Each table the file may hold: XLSX sheets (the active one first), or the CSV
    split on commas and then on tabs (Excel's "Unicode text")."""
    if content.startswith(_XLS_MAGIC):
        raise SheetError("catalog.import.legacy_format", name=filename)
    if content.startswith(b"PK"):
        yield from _xlsx_grids(content, filename)
        return
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise SheetError("catalog.import.unreadable", name=filename)
    text = _decode(content, filename)
    for delimiter in (",", "\t"):
        try:
            records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as exc:
            raise SheetError("catalog.import.unreadable", name=filename) from exc
        yield [
            (line, {col: spreadsheets.csv_unescape(v) for col, v in enumerate(record, 1) if v.strip()}, {})
            for line, record in enumerate(records, 1)
            if any(v.strip() for v in record)
        ]


def _decode(content: bytes, filename: str) -> str:
    # Excel on Chinese Windows saves "CSV" as GB18030/GBK and "Unicode text" as UTF-16.
    utf16 = content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Text never holds NUL; a binary file that happens to decode does.
        if "\x00" in text:
            break
        return text
    raise SheetError("catalog.import.unreadable", name=filename)


def _xlsx_grids(content: bytes, filename: str) -> Iterator[list[_Line]]:
    _check_xlsx_size(content, filename)
    try:
        with warnings.catch_warnings():
            # Warnings about the file's styles or extensions say nothing about its data.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=False, data_only=True)
    except Exception as exc:  # openpyxl fails on a corrupt upload in many ways
        raise SheetError("catalog.import.unreadable", name=filename) from exc
    for sheet in sorted(workbook.worksheets, key=lambda ws: ws is not workbook.active):
        yield _sheet_grid(sheet)


def _check_xlsx_size(content: bytes, filename: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = [info for info in archive.infolist() if info.filename.endswith(".xml")]
        if sum(info.file_size for info in parts) > MAX_XML_BYTES:
            raise SheetError("payload_too_large")
        merged = 0
        for info in parts:
            for c1, r1, c2, r2 in _MERGE_REF.findall(archive.read(info)):
                width = column_index_from_string(c2.decode()) - column_index_from_string(c1.decode())
                merged += (abs(int(r2) - int(r1)) + 1) * (abs(width) + 1)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise SheetError("catalog.import.unreadable", name=filename) from exc
    if merged > MAX_MERGED_CELLS:
        raise SheetError("payload_too_large")


def _sheet_grid(sheet: Any) -> list[_Line]:
    rows: dict[int, dict[int, Any]] = {}
    # The public row iterators create every empty cell up to the last used row, so a
    # stray mark in row 1,048,576 would build millions; _cells holds the stored ones.
    for (row, col), cell in sheet._cells.items():  # noqa: SLF001 - openpyxl's store of written cells
        if not parse.blank(cell.value):
            rows.setdefault(row, {})[col] = cell.value
    origins: dict[int, dict[int, CellRange]] = {}
    for merged in sheet.merged_cells.ranges:
        value = rows.get(merged.min_row, {}).get(merged.min_col)
        if value is None:
            continue
        for row, col in merged.cells:
            rows.setdefault(row, {})[col] = value
            origins.setdefault(row, {})[col] = merged
    return [(line, rows[line], origins.get(line, {})) for line in sorted(rows)]


def _find_header(grid: list[_Line]) -> tuple[int, dict[str, int], dict[str, str]] | None:
    for index, (line, cells, _) in enumerate(grid):
        if line > HEADER_SEARCH_ROWS:
            break
        columns: dict[str, int] = {}
        labels: dict[str, str] = {}
        for col in sorted(cells):
            key = _header_key(cells[col])
            if key is not None and key not in columns:
                columns[key], labels[key] = col, parse.clean(cells[col])
        if len(columns) >= MIN_HEADER_MATCHES:
            return index, columns, labels
    return None


def _header_key(value: Any) -> str | None:
    text = _HEADER_DROP.sub("", unicodedata.normalize("NFKC", parse.clean(value)).lower())
    hant = _HANT_SUFFIX.search(text)
    text = text[: hant.start()] if hant else _HANS_SUFFIX.sub("", text)
    key = _header_lookup().get(_NOTE_SUFFIX.sub("", text))
    if key is None or not hant:
        return key
    return f"{key}_hant" if key in BILINGUAL else None


@functools.cache
def _header_lookup() -> dict[str, str]:
    return {_HEADER_DROP.sub("", alias.lower()): key for key, aliases in HEADER_ALIASES.items() for alias in aliases}


def _read_table(grid: list[_Line], start: int, columns: dict[str, int], labels: dict[str, str]) -> list[ImportRow]:
    if missing := [COLUMNS[key] for key in REQUIRED if key not in columns]:
        raise SheetError("catalog.import.missing_columns", columns="、".join(missing))
    rows: list[ImportRow] = []
    seen: dict[str, int] = {}

    def label(key: str) -> str:
        return labels.get(key) or COLUMNS[key]

    for line, cells, origins in grid[start + 1 :]:
        if not _has_content(line, cells, origins, columns.values()):
            continue
        if len(rows) == MAX_ROWS:
            raise SheetError("catalog.import.too_many_rows", max=MAX_ROWS)
        values = {key: cells.get(col) for key, col in columns.items()}
        rows.append(_read_row(line, values, label, seen))
    return rows


def _has_content(line: int, cells: dict[int, Any], origins: dict[int, CellRange], cols: Iterable[int]) -> bool:
    filled = [col for col in cols if col in cells]
    if any(col not in origins for col in filled):
        return True
    # Only merged values: a range carried down from above is not this line's own, and
    # one range across the line is a title or a section heading.
    ranges = {origins[col].coord: origins[col] for col in filled}
    anchored = [r for r in ranges.values() if r.min_row == line]
    if not anchored:
        return False
    return not (len(ranges) == 1 and anchored[0].max_col > anchored[0].min_col)


# --- reading one row ---------------------------------------------------------------


def _read_row(line: int, values: dict[str, Any], label: Callable[[str], str], seen: dict[str, int]) -> ImportRow:
    code = parse.code(values.get("code")) or None
    try:
        if code is None:
            raise parse.Rejected("catalog.import.missing_field", field=label("code"))
        if not _CODE.match(code):
            raise parse.Rejected("catalog.import.invalid_code", value=code)
        if code in seen:
            raise parse.Rejected("catalog.import.duplicate_code", code=code, line=seen[code])
        seen[code] = line
        data = _to_write(_fields(code, values, label), label)
    except parse.Rejected as rejected:
        return ImportRow(line=line, code=code, error=rejected.key, params=rejected.params)
    return ImportRow(line=line, code=code, data=data)


def _fields(code: str, values: dict[str, Any], label: Callable[[str], str]) -> dict[str, Any]:
    def required(key: str) -> Any:
        if parse.blank(values.get(key)):
            raise parse.Rejected("catalog.import.missing_field", field=label(key))
        return values[key]

    fields: dict[str, Any] = {
        "code": code,
        "category": parse.category(required("category")),
        "name_hans": parse.clean(required("name")),
        "description_hans": parse.clean(required("description")),
        "policy_basis_hans": parse.clean(values.get("policy_basis")),
        "implementing_body_hans": parse.clean(values.get("implementing_body")),
        "target_groups_hans": parse.items(values.get("target_groups")),
        "materials_hans": parse.items(required("materials")),
        "time_limit_days": parse.time_limit(required("time_limit_days")),
        "urgent_hours": parse.urgent_hours(values.get("urgent_hours")),
        "channels": parse.channels(required("channels")),
        "active": parse.active(values.get("active"), label),
        "township": parse.township(values.get("township"), label),
    }
    if not fields["materials_hans"]:  # only numbering or separators in the cell
        raise parse.Rejected("catalog.import.missing_field", field=label("materials"))
    if fee := parse.clean(values.get("fee")):
        fields["fee_hans"] = FEE_WORDS.get(fee, (fee,))[0]
    for base in BILINGUAL:
        raw = values.get(f"{base}_hant")
        hant: list[str] | str
        if base in LIST_FIELDS:
            hant = parse.items(raw)
        else:
            hant = parse.clean(raw)
            if base == "fee" and hant:
                hant = FEE_WORDS.get(hant, (hant, hant))[1]
        hans = fields.get(f"{base}_hans", "免费")
        # A blank Traditional cell is left for the service to convert, unless there is
        # nothing to convert: then it is as empty as the Simplified one.
        if hant or not hans:
            fields[f"{base}_hant"] = hant if hant else hans
    return fields


def _to_write(fields: dict[str, Any], label: Callable[[str], str]) -> ServiceWrite:
    try:
        return msgspec.convert(fields, ServiceWrite)
    except msgspec.ValidationError as exc:
        message = str(exc)
        if m := _LENGTH_ERROR.search(message):
            kind, limit, attr, item = m.groups()
            field = label(attr.removesuffix("_hans"))
            if kind == "array":
                raise parse.Rejected("catalog.import.too_many_items", field=field, max=limit) from exc
            if item is not None:
                raise parse.Rejected(
                    "catalog.import.item_too_long", field=field, item=int(item) + 1, max=limit
                ) from exc
            raise parse.Rejected("catalog.import.too_long", field=field, max=limit) from exc
        attr = m.group(1).removesuffix("_hans") if (m := _FIELD_PATH.search(message)) else ""
        field = label(attr) if attr in COLUMNS else attr
        raise parse.Rejected("catalog.import.invalid_field", field=field, reason=message.split(" - at ")[0]) from exc


# --- writing -----------------------------------------------------------------------


def _export_value(record: ServiceRecord, key: str, separator: str) -> Any:
    if key == "category":
        return parse.CATEGORY_LABELS[record.category][0]
    if key == "channels":
        return "、".join(parse.CHANNEL_LABELS[channel][0] for channel in record.channels)
    if key == "active":
        return "是" if record.active else "否"
    if key == "township":
        return record.township or ""
    if key in ("code", "time_limit_days"):
        return getattr(record, key)
    if key == "urgent_hours":
        return record.urgent_hours if record.urgent_hours is not None else ""
    value = getattr(record, key if key.endswith("_hant") else f"{key}_hans")
    return separator.join(value) if isinstance(value, list) else value
