"""The catalog domain's one door: the township's service entries, their search and management.

Other domains import this module (and ``catalog.structs``) only. Behind it:
``_entries`` (reading and searching), ``_manage`` (create, edit, retire, import),
``_sheets`` and ``_cells`` (reading and writing spreadsheets).
"""

from __future__ import annotations

from backend.catalog._entries import get_service, list_services, seed, terms
from backend.catalog._manage import create, import_rows, records, replace, retire
from backend.catalog._sheets import SheetError, read_rows, write_csv, write_xlsx

__all__ = [
    "SheetError",
    "create",
    "get_service",
    "import_rows",
    "list_services",
    "read_rows",
    "records",
    "replace",
    "retire",
    "seed",
    "terms",
    "write_csv",
    "write_xlsx",
]
