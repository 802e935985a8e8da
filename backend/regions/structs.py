from typing import Literal

import msgspec

Level = Literal["county", "township", "village", "grid"]


class Region(msgspec.Struct):
    code: str
    level: Level
    name: str
    parent: str | None


class RegionPage(msgspec.Struct):
    items: list[Region]
    next_cursor: str | None = None


class RegionSeed(msgspec.Struct, forbid_unknown_fields=True):
    """One node of the region tree as kept in ``data/*.json``."""

    code: str
    name: str
    children: list["RegionSeed"] = []
