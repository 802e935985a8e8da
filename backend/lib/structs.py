"""Types shared by the request structs of every domain."""

from __future__ import annotations

import re
from typing import Annotated, ClassVar

import msgspec
from litestar.params import PathParameter

from backend.lib.privacy import redact_id_numbers

#: The largest id an object can have: ids are 32-bit on PostgreSQL (``serial``). A larger
#: number names nothing, and the database would refuse it with an error, not an answer.
MAX_ID = 2**31 - 1

#: An object's id, as a request names it (a body field or a query parameter).
Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]


# --- text a person typed --------------------------------------------------------------------

#: Characters that change how text reads, or hide part of it, without being seen: every format
#: character (Unicode category Cf) — the bidi marks, embeddings, overrides and isolates
#: (U+061C, U+200E/200F, U+202A–202E, U+2066–2069), the zero-width space, non-joiner and
#: joiner (U+200B–200D), the word joiner and invisible operators (U+2060–2064), the byte
#: order mark (U+FEFF), the soft hyphen, tag characters — and the fillers that draw as blank
#: (U+034F, U+115F, U+1160, U+3164, U+FFA0). tests/unit/lib/test_text.py keeps the list
#: equal to Python's Unicode database.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
_ZWJ = "\u200d"


def _pictograph(char: str) -> bool:
    """An emoji, or what continues one (variation selector 16, a skin tone)."""
    code = ord(char)
    return (
        0x1F000 <= code <= 0x1FAFF
        or 0x2300 <= code <= 0x23FF
        or 0x2600 <= code <= 0x27BF
        or 0x2B00 <= code <= 0x2BFF
        or code == 0xFE0F
    )


def _joins_emoji(text: str, at: int) -> bool:
    """Whether ``text[at]`` is a zero-width joiner between two emoji (one picture, not a trick)."""
    return text[at] == _ZWJ and 0 < at < len(text) - 1 and _pictograph(text[at - 1]) and _pictograph(text[at + 1])


def invisible_character(text: str) -> str | None:
    r"""The first character of ``text`` that no one would see (``INVISIBLE``), as ``U+XXXX``; None if none.

    Such a character makes a name or a note read differently from what is stored (a bidi
    override, U+202E, shows a receipt number or an amount backwards) or two names look the
    same that are not. A zero-width joiner between two emoji is no such trick: it draws one
    picture (a woman and a sheaf of rice make a farmer) and stays.

    >>> invisible_character("王秀英"), invisible_character("王\u202e秀英"), invisible_character("谢谢👩\u200d🌾")
    (None, 'U+202E', None)
    """
    for found in INVISIBLE.finditer(text):
        if not _joins_emoji(text, found.start()):
            return f"U+{ord(found[0]):04X}"
    return None


def without_invisible(text: str) -> str:
    """``text`` with what ``invisible_character`` names taken out: for imported documents,
    where such characters come with copy and paste and nobody can see them to delete them."""
    return INVISIBLE.sub(lambda found: found[0] if _joins_emoji(text, found.start()) else "", text)


class TextRefused(ValueError):
    """A request field holds an invisible character. A ValueError, so msgspec reports it as a
    validation error at the struct's path; ``lib.errors`` answers 400 ``request.invisible_character``."""

    def __init__(self, field: str, character: str) -> None:
        super().__init__(f"invisible character {character} in `{field}`")
        self.field, self.character = field, character


class Input(msgspec.Struct):
    """The base of every struct a request is read into (and of the ones code builds from
    typed text, like the command line's new user).

    On the way in, each text field (and each text in a list) is checked and cleaned once,
    whichever route, spreadsheet row or command it came by:

    - an invisible character (``invisible_character``) is refused: what a person typed must
      read back as it looked, so nothing is stripped behind their back;
    - a resident id number (身份证号) is masked (``privacy.redact_id_numbers``): the full
      number belongs only in the encrypted column, never in a name, note, reason or notice.

    ``exact`` names fields kept as sent, because they are not prose: an id number bound for
    its encrypted column, a push service's endpoint and keys.

    >>> class Note(Input):
    ...     note: str
    >>> Note(note="身份证110101199003070011").note
    '身份证110***********0011'
    """

    exact: ClassVar[frozenset[str]] = frozenset()

    def __post_init__(self) -> None:
        for name, shown in zip(self.__struct_fields__, self.__struct_encode_fields__, strict=True):
            value = getattr(self, name)
            if isinstance(value, str):
                setattr(self, name, _checked(value, shown, name in self.exact))
            elif isinstance(value, list) and any(isinstance(item, str) for item in value):
                setattr(
                    self,
                    name,
                    [
                        _checked(item, f"{shown}[{index}]", name in self.exact) if isinstance(item, str) else item
                        for index, item in enumerate(value)
                    ],
                )


def _checked(value: str, field: str, exact: bool) -> str:
    if (character := invisible_character(value)) is not None:
        raise TextRefused(field, character)
    return value if exact else redact_id_numbers(value)


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
