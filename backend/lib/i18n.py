"""The locale layer: the two locale files, negotiation, and script conversion.

``locales/zh-Hans.json`` and ``locales/zh-Hant.json`` are the one source of
user-facing text. Keys are stable and dotted (``error.auth.code_wrong``).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

import opencc

Locale = Literal["zh-Hans", "zh-Hant"]
LOCALES: tuple[Locale, ...] = ("zh-Hans", "zh-Hant")
DEFAULT_LOCALE: Locale = "zh-Hans"
_HANT_REGIONS = {"tw", "hk", "mo", "hant"}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        dotted = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            flat.update(_flatten(value, dotted))
        else:
            flat[dotted] = str(value)
    return flat


class Texts:
    """Both locale files, flattened, checked for parity when loaded."""

    def __init__(self, texts: dict[Locale, dict[str, str]]) -> None:
        self.texts = texts

    @classmethod
    def load(cls, directory: Path) -> Texts:
        texts: dict[Locale, dict[str, str]] = {}
        for locale in LOCALES:
            path = directory / f"{locale}.json"
            with path.open(encoding="utf-8") as handle:
                texts[locale] = _flatten(json.load(handle))
        problems = parity_problems(texts["zh-Hans"], texts["zh-Hant"])
        if problems:
            raise ValueError(f"locale files in {directory} differ: {'; '.join(problems[:5])}")
        return cls(texts)

    def t(self, locale: Locale, key: str, **params: object) -> str:
        """The text for ``key`` in ``locale`` with ``{placeholders}`` filled.

        >>> texts.t("zh-Hant", "error.rate_limited", minutes=15)
        '操作太頻繁了，請15分鐘後再試。'
        """
        template = self.texts[locale].get(key)
        if template is None:
            # A missing key is a bug; show the key rather than fail the request.
            return key
        return _PLACEHOLDER.sub(lambda m: str(params.get(m.group(1), m.group(0))), template)

    def has(self, key: str) -> bool:
        return key in self.texts[DEFAULT_LOCALE]


def parity_problems(a: dict[str, str], b: dict[str, str]) -> list[str]:
    """Keys present in one file only, and keys whose placeholders differ."""
    problems = [f"key only in one file: {key}" for key in sorted(set(a) ^ set(b))]
    for key in sorted(set(a) & set(b)):
        if sorted(_PLACEHOLDER.findall(a[key])) != sorted(_PLACEHOLDER.findall(b[key])):
            problems.append(f"placeholders differ: {key}")
    return problems


def normalize_locale(tag: str | None) -> Locale | None:
    """Map a BCP 47 tag to one of our two scripts, or None if it is not Chinese.

    >>> normalize_locale("zh-TW"), normalize_locale("zh-CN"), normalize_locale("en")
    ('zh-Hant', 'zh-Hans', None)
    """
    if not tag:
        return None
    parts = tag.strip().lower().replace("_", "-").split("-")
    if parts[0] != "zh":
        return None
    return "zh-Hant" if any(part in _HANT_REGIONS for part in parts[1:]) else "zh-Hans"


def negotiate(accept_language: str | None) -> Locale:
    """Pick the script from an Accept-Language header, by quality; default zh-Hans."""
    if not accept_language:
        return DEFAULT_LOCALE
    ranked: list[tuple[float, int, Locale]] = []
    for position, item in enumerate(accept_language.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        locale = normalize_locale(tag)
        if locale and quality > 0:
            ranked.append((-quality, position, locale))
    return min(ranked)[2] if ranked else DEFAULT_LOCALE


@lru_cache(maxsize=2)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_script(text: str, reader: Locale, written: Locale | None) -> str:
    """Show text that people typed in the reader's script (character conversion only).

    Text read in the script it was written in comes back exactly as typed: running
    Simplified through ``tw2s`` would turn 显著 into 显着. Only a reader of the other
    script gets it converted (``s2tw`` for Traditional, ``tw2s`` for Simplified).
    ``written`` None is text stored before its script was recorded: it is converted
    for every reader, as it always was.

    >>> to_script("显著提高", "zh-Hans", "zh-Hans"), to_script("显著提高", "zh-Hant", "zh-Hans")
    ('显著提高', '顯著提高')
    >>> to_script("頭髮乾了", "zh-Hant", "zh-Hant"), to_script("頭髮乾了", "zh-Hans", "zh-Hant")
    ('頭髮乾了', '头发干了')
    """
    if not text or written == reader:
        return text
    if len(text) <= _CACHED_CHARS:
        return _to_script_cached(text, reader)
    return _converter("s2tw" if reader == "zh-Hant" else "tw2s").convert(text)


def script_of(value: str | None) -> Locale | None:
    """A stored ``script`` column as a locale (None: written before scripts were recorded)."""
    if value == "zh-Hant":
        return "zh-Hant"
    return "zh-Hans" if value == "zh-Hans" else None


#: Short texts (titles, names, notes) recur on every list and timeline: remember them.
_CACHED_CHARS = 200


@lru_cache(maxsize=8192)
def _to_script_cached(text: str, locale: Locale) -> str:
    return _converter("s2tw" if locale == "zh-Hant" else "tw2s").convert(text)


def search_form(text: str) -> str:
    """One form for matching across scripts: Simplified, case-folded, spaces collapsed."""
    return " ".join(_converter("tw2s").convert(text).casefold().split())
