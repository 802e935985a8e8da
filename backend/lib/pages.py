"""One page of a list, and the one paginator every list uses.

Lists are newest first and paged by id: a client sends back ``next_cursor`` as
``cursor`` and gets the items with smaller ids. A query fetches ``limit + 1``
rows; the extra row only says that there is a next page.

>>> page = paginate([{"id": 9}, {"id": 7}, {"id": 4}], 2, lambda row: Item(id=row["id"]))
>>> [item.id for item in page.items], page.next_cursor
([9, 7], '7')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import msgspec
from litestar.params import KwargDefinition

T = TypeVar("T")
R = TypeVar("R")


class Page(msgspec.Struct, Generic[T]):
    """``items``, newest first; ``next_cursor`` is None on the last page."""

    items: list[T]
    next_cursor: str | None = None


def _id_of(item: Any) -> object:
    return item.id


def paginate(
    rows: Sequence[R],
    limit: int,
    convert: Callable[[R], T],
    cursor_of: Callable[[T], object] = _id_of,
) -> Page[T]:
    """The first ``limit`` of ``rows`` (fetched as ``limit + 1``) as a page of ``convert``-ed items."""
    items = [convert(row) for row in rows[:limit]]
    more = len(rows) > limit
    return Page(items=items, next_cursor=str(cursor_of(items[-1])) if more and items else None)


def page_name(name: str) -> KwargDefinition:
    """The schema name a page type has in the OpenAPI document.

    >>> CasePage = Annotated[Page[CaseSummary], page_name("CasePage")]

    Without it the schema would call the page ``Page_backend.cases.structs.CaseSummary_``.
    """
    return KwargDefinition(schema_component_key=name)
