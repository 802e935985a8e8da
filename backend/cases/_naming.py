"""What a message to a resident may call their case besides its receipt number.

Never its title: whoever filed the case typed that, and on a proxy filing (代办) it was
someone else. A text from the official sender carrying another person's words is a
channel for fraud (【便民】您的补贴已到账，请点击…). The catalog's name of the service
is written by the county; a complaint or suggestion without a service is called by its
kind (``notifications`` reads ``case_kind`` then).
"""

from __future__ import annotations

from typing import Any

from backend.catalog import service as catalog


async def naming(kind: str, service_code: str | None) -> dict[str, Any]:
    """The notification parameters that name a case: ``service`` (the catalog's name, in
    Simplified script; "" without a service) and ``case_kind``."""
    terms = await catalog.terms(service_code) if service_code else None
    return {"service": terms.name_hans if terms is not None else "", "case_kind": kind}
