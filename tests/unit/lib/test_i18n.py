import json
import re
from pathlib import Path

import pytest

from backend.lib.i18n import Texts, negotiate, normalize_locale, parity_problems, script_of, search_form, to_script

LOCALES = Path(__file__).resolve().parents[3] / "locales"


def _flat(tree, prefix=""):
    out = {}
    for key, value in tree.items():
        dotted = f"{prefix}.{key}" if prefix else key
        out.update(_flat(value, dotted) if isinstance(value, dict) else {dotted: value})
    return out


def test_both_locale_files_have_the_same_keys_and_placeholders():
    hans = _flat(json.loads((LOCALES / "zh-Hans.json").read_text(encoding="utf-8")))
    hant = _flat(json.loads((LOCALES / "zh-Hant.json").read_text(encoding="utf-8")))
    assert set(hans) == set(hant)
    for key in hans:
        assert sorted(re.findall(r"\{\w+\}", hans[key])) == sorted(re.findall(r"\{\w+\}", hant[key])), key
        assert hans[key].strip() and hant[key].strip(), key


def test_catalog_refuses_locale_files_that_drift_apart(tmp_path):
    (tmp_path / "zh-Hans.json").write_text('{"a": "{n}个", "b": "x"}', encoding="utf-8")
    (tmp_path / "zh-Hant.json").write_text('{"a": "{m}個"}', encoding="utf-8")
    with pytest.raises(ValueError, match="differ"):
        Texts.load(tmp_path)
    assert parity_problems({"a": "{n}"}, {"a": "{m}"}) == ["placeholders differ: a"]


def test_error_keys_used_by_the_code_exist():
    texts = Texts.load(LOCALES)
    backend = Path(__file__).resolve().parents[3] / "backend"
    source = "\n".join(p.read_text(encoding="utf-8") for p in backend.rglob("*.py"))
    pattern = r'(?:AppError\(\d+, |Invalid\(|Conflict\(|SheetError\(|Rejected\(|key=)\s*"([a-z_]+\.[a-z_.]+)"'
    keys = set(re.findall(pattern, source))
    assert len(keys) > 20, keys
    for key in keys:
        assert texts.has(f"error.{key}"), key


def test_placeholders_are_filled_in_the_readers_script():
    texts = Texts.load(LOCALES)
    assert texts.t("zh-Hans", "error.rate_limited", minutes=3) == "操作太频繁了，请3分钟后再试。"
    assert texts.t("zh-Hant", "error.rate_limited", minutes=3) == "操作太頻繁了，請3分鐘後再試。"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "zh-Hans"),
        ("", "zh-Hans"),
        ("zh-CN", "zh-Hans"),
        ("zh-TW", "zh-Hant"),
        ("zh-HK,en;q=0.8", "zh-Hant"),
        ("zh-MO", "zh-Hant"),
        ("zh-Hant-TW", "zh-Hant"),
        ("zh", "zh-Hans"),
        ("en-US,en;q=0.9", "zh-Hans"),
        ("en-US,zh-TW;q=0.5,zh-CN;q=0.4", "zh-Hant"),
        ("zh-CN;q=0.3,zh-TW;q=0.9", "zh-Hant"),
        ("zh-TW;q=0", "zh-Hans"),
        ("zh_TW", "zh-Hant"),
    ],
)
def test_accept_language_picks_the_script(header, expected):
    assert negotiate(header) == expected


def test_non_chinese_tags_are_not_a_script():
    assert normalize_locale("en") is None and normalize_locale("ja-JP") is None


def test_typed_text_is_shown_in_the_readers_script():
    assert to_script("群众反映路灯坏了，为什么没人修", "zh-Hant", "zh-Hans") == "群眾反映路燈壞了，為什麼沒人修"
    assert to_script("醫療救助", "zh-Hans", "zh-Hant") == "医疗救助"


SIMPLIFIED = "他显著提高了，后来干了一只发卡"
TRADITIONAL = "他顯著提高了，後來乾了一杯，幹活時頭髮亂了，養了一隻貓"


@pytest.mark.parametrize(("text", "script"), [(SIMPLIFIED, "zh-Hans"), (TRADITIONAL, "zh-Hant")])
def test_text_read_in_its_own_script_is_exactly_as_typed(text, script):
    # tw2s would turn 显著 into 显着; s2tw leaves nothing of a Traditional text alone either way.
    assert to_script(text, script, script) == text


def test_text_is_converted_only_for_a_reader_of_the_other_script():
    assert to_script(SIMPLIFIED, "zh-Hant", "zh-Hans") == "他顯著提高了，後來幹了一隻髮卡"
    assert to_script(TRADITIONAL, "zh-Hans", "zh-Hant") == "他显著提高了，后来干了一杯，干活时头发乱了，养了一只猫"


def test_long_text_follows_the_same_rule_as_short():
    long_text = SIMPLIFIED * 20  # past the cached length
    assert to_script(long_text, "zh-Hans", "zh-Hans") == long_text
    assert to_script(long_text, "zh-Hant", "zh-Hans") == "他顯著提高了，後來幹了一隻髮卡" * 20


def test_text_of_unknown_script_is_converted_for_every_reader_as_before():
    assert to_script("显著提高", "zh-Hans", None) == "显着提高"
    assert to_script("显著提高", "zh-Hant", None) == "顯著提高"


@pytest.mark.parametrize(
    ("value", "expected"), [("zh-Hans", "zh-Hans"), ("zh-Hant", "zh-Hant"), (None, None), ("", None)]
)
def test_a_stored_script_reads_as_a_locale_or_unknown(value, expected):
    assert script_of(value) == expected


def test_search_form_matches_across_scripts():
    assert search_form("醫療救助") == search_form("医疗救助")
    assert search_form("  低保  申请 ") == "低保 申请"
