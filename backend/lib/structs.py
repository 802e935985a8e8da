"""Types shared by the request structs of every domain."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.params import PathParameter

#: The largest id an object can have: ids are 32-bit on PostgreSQL (``serial``). A larger
#: number names nothing, and the database would refuse it with an error, not an answer.
MAX_ID = 2**31 - 1

#: An object's id, as a request names it (a body field or a query parameter).
Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]

# Input bounds: every request value has one, shown in the OpenAPI document and enforced
# by decoding (400 past it). Limits are at least what the PWA's fields let a person type.

#: A person's name: a user's own, a relative's, a resident named when filing for them.
PersonName = Annotated[str, msgspec.Meta(max_length=50)]
#: A phone number as typed: 11 digits, with room for +86, spaces and dashes.
Phone = Annotated[str, msgspec.Meta(max_length=24)]
#: A region code, county (6 digits) to grid (15); the domain checks that it names a region.
RegionCode = Annotated[str, msgspec.Meta(max_length=15)]
#: An object's id in a path (``/cases/{case_id}``); one no object can have answers 404.
PathId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
#: A region code in a path (``/regions/{code}``).
PathRegionCode = Annotated[str, PathParameter(max_length=15)]
