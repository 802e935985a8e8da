from typing import Annotated, Literal

import msgspec

from backend.lib.pages import Page, page_name
from backend.lib.structs import Input

Level = Literal["county", "township", "village", "grid"]


class Region(msgspec.Struct):
    code: str
    level: Level
    name: str
    parent: str | None


#: Every child of one region: one page, never a next one.
RegionPage = Annotated[Page[Region], page_name("RegionPage")]


class RegionSeed(Input, forbid_unknown_fields=True):
    """One node of the region tree as kept in ``data/*.json``."""

    code: str
    name: str
    children: list["RegionSeed"] = []


Name = Annotated[str, msgspec.Meta(max_length=100)]


class RegionRecord(msgspec.Struct):
    """A region with its names in both scripts, for the admins who edit them."""

    code: str
    level: Level
    parent: str | None
    name_hans: str
    name_hant: str


RegionRecordPage = Annotated[Page[RegionRecord], page_name("RegionRecordPage")]


class RegionCreate(Input, forbid_unknown_fields=True):
    """A new region directly below ``parent``; its code extends the parent's by 3 digits."""

    parent: Annotated[str, msgspec.Meta(max_length=15)]
    code: Annotated[str, msgspec.Meta(max_length=15)]
    level: Level
    name_hans: Name
    name_hant: Name


class RegionUpdate(Input, forbid_unknown_fields=True, omit_defaults=True):
    """A new name (either script or both); the code and place in the tree never change."""

    name_hans: Name | msgspec.UnsetType = msgspec.UNSET
    name_hant: Name | msgspec.UnsetType = msgspec.UNSET
