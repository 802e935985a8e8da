"""The one check for typed text (``lib.structs``): invisible characters and id numbers."""

import importlib
import pkgutil
import sys
import unicodedata

import msgspec
import pytest

import backend
from backend.lib.structs import INVISIBLE, Input, TextRefused, invisible_character, without_invisible

FILLERS = {0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0}
FARMER = "\U0001f469\u200d\U0001f33e"
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
HEART_ON_FIRE = "\u2764\ufe0f\u200d\U0001f525"


def test_the_refused_characters_are_every_format_character_and_the_blank_fillers():
    refused = {code for code in range(sys.maxunicode + 1) if INVISIBLE.match(chr(code))}
    format_characters = {code for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Cf"}
    assert refused >= format_characters | FILLERS
    # The rest are format characters of a newer Unicode than this Python's (Egyptian controls).
    assert {unicodedata.category(chr(code)) for code in refused - format_characters - FILLERS} <= {"Cn"}


@pytest.mark.parametrize("text", [FARMER, FAMILY, HEART_ON_FIRE, f"谢谢{FARMER}！", "\U0001f44d\U0001f3fd\u200d\u2642"])
def test_a_joiner_inside_an_emoji_is_kept(text):
    assert invisible_character(text) is None
    assert without_invisible(text) == text


@pytest.mark.parametrize("text", ["王\u200d芳", "\u200d王", "王\u200d", "\U0001f469\u200d王", "王\u200d\U0001f33e"])
def test_a_joiner_anywhere_else_is_refused(text):
    assert invisible_character(text) == "U+200D"
    assert without_invisible(text) == text.replace("\u200d", "")


def test_imported_text_loses_what_nobody_can_see():
    assert without_invisible(f"\ufeff老年\u00ad食堂\u200b{FARMER}\u202e") == f"老年食堂{FARMER}"


class _Form(Input, forbid_unknown_fields=True):
    exact = frozenset({"id_number"})

    name: str
    notes: list[str] = []
    id_number: str | None = None
    count: int = 0


def test_input_masks_id_numbers_in_text_and_keeps_exact_fields():
    form = msgspec.convert(
        {
            "name": "王110101199003070011",
            "notes": ["身份证１１０１０１１９９００３０７００１１"],
            "id_number": "110101199003070011",
        },
        _Form,
    )
    assert form.name == "王110***********0011"
    assert form.notes == ["身份证110***********0011"]
    assert form.id_number == "110101199003070011"
    assert _Form(name="18 digits, bad check digit: 110101199003070012").name.endswith("110101199003070012")


def test_input_refuses_an_invisible_character_naming_the_field():
    with pytest.raises(msgspec.ValidationError, match=r"invisible character U\+202E in `notes\[1\]`"):
        msgspec.convert({"name": "王", "notes": ["a", "b\u202e"]}, _Form)
    with pytest.raises(TextRefused):
        _Form(name="王\u200b")  # built in code (the command line's new user) as well


def _request_structs() -> list[type]:
    for module in pkgutil.walk_packages(backend.__path__, "backend."):
        if module.name.endswith(".structs"):
            importlib.import_module(module.name)
    seen, found = [msgspec.Struct], []
    while seen:
        for sub in seen.pop().__subclasses__():
            seen.append(sub)
            if sub.__module__.startswith("backend.") and sub.__struct_config__.forbid_unknown_fields:
                found.append(sub)
    return found


def test_every_request_struct_goes_through_the_check():
    structs = _request_structs()
    assert len(structs) > 25
    assert [s.__qualname__ for s in structs if not issubclass(s, Input)] == []
