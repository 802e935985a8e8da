"""What every XLSX export writes into a cell.

openpyxl refuses control characters (a name pasted from a chat, a fuzzer's input) and
the whole workbook fails with them; they are dropped, so an export never fails on text
someone typed.

>>> xlsx_value("王\\x07秀英"), xlsx_value(3)
('王秀英', 3)
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE


def xlsx_value(value: Any) -> Any:
    """``value`` as a cell takes it: text without control characters (None when nothing is left)."""
    return (ILLEGAL_CHARACTERS_RE.sub("", value) or None) if isinstance(value, str) else value
