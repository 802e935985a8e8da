"""Reading exported spreadsheets back the way a spreadsheet program would, for the
formula-injection tests: the values (python-calamine, the Rust reader LibreOffice-like
tools use) and the raw sheet XML, where a formula is an ``<f>`` element."""

from __future__ import annotations

import csv
import io
import zipfile
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
#: Text that Excel, WPS or LibreOffice run as a formula when it is one.
HOSTILE = (
    '=HYPERLINK("http://evil","x")',
    "+1+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
    "=1+1",
    "\t=1+1",
)


def xlsx_values(content: bytes) -> dict[str, list[list[object]]]:
    """Every sheet's cell values, as calamine reads them."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def xlsx_texts(content: bytes) -> set[str]:
    return {value for rows in xlsx_values(content).values() for row in rows for value in row if isinstance(value, str)}


def xlsx_formulas(content: bytes) -> list[str]:
    """Every formula (``<f>`` element) in any worksheet, as ``sheet!cell``."""
    found = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if not name.startswith("xl/worksheets/"):
                continue
            root = ElementTree.fromstring(archive.read(name))
            for cell in root.iter(f"{MAIN}c"):
                if cell.find(f"{MAIN}f") is not None:
                    found.append(f"{name}!{cell.get('r')}")
    return found


def xlsx_cell_types(content: bytes) -> dict[str, str]:
    """Each string-bearing cell's text and its type attribute (``inlineStr``, ``s``, ``str``…)."""
    types = {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                for cell in ElementTree.fromstring(archive.read(name)).iter(f"{MAIN}c"):
                    text = "".join(cell.itertext())
                    types[text] = cell.get("t", "n")
    return types


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
