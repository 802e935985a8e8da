"""The catalog domain's one door: the township's service entries, their search and management.

Other domains import this module (and ``catalog.structs``) only. Behind it:
``_entries`` (reading and searching), ``_manage`` (create, edit, retire, import),
``_sheets`` and ``_cells`` (reading and writing spreadsheets).
"""

from __future__ import annotations

from backend.catalog._entries import get_row, get_service, intake_terms, list_services, seed, time_limit_days
from backend.catalog._manage import create, import_rows, records, replace, retire
from backend.catalog._sheets import SheetError, read_rows, write_csv, write_xlsx

__all__ = [
    "SheetError",
    "create",
    "get_row",
    "get_service",
    "import_rows",
    "intake_terms",
    "list_services",
    "read_rows",
    "records",
    "replace",
    "retire",
    "seed",
    "time_limit_days",
    "write_csv",
    "write_xlsx",
]
