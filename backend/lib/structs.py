"""Types shared by the request structs of every domain."""

from __future__ import annotations

from typing import Annotated

import msgspec

#: The largest id an object can have: ids are 32-bit on PostgreSQL (``serial``). A larger
#: number names nothing, and the database would refuse it with an error, not an answer.
MAX_ID = 2**31 - 1

#: An object's id, as a request names it (a body field or a query parameter).
Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
