"""Reading one spreadsheet cell of a catalog: categories, channels, time limits,
lists of materials, yes/no, codes. Each parser returns the value or raises
``Rejected`` with a locale key below ``error.`` and its parameters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from backend.catalog.structs import CATEGORIES
from backend.lib.structs import without_invisible


class Rejected(Exception):
    """One row cannot be imported; ``key`` is below ``error.``."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = {name: str(value) for name, value in params.items()}


#: Category labels; the first is what the export writes.
CATEGORY_LABELS: dict[str, tuple[str, ...]] = {
    "education": ("教育",),
    "employment": ("就业创业", "就业"),
    "social_insurance": ("社会保险", "社保"),
    "social_assistance": ("社会救助", "救助"),
    "elderly_care": ("养老服务", "养老"),
    "disability": ("残疾人服务", "残疾人"),
    "veterans": ("退役军人服务", "退役军人"),
    "health": ("卫生健康", "医疗卫生", "卫生"),
    "culture_sports": ("文化体育", "文体"),
    "legal": ("法律服务", "法律"),
    "housing": ("住房保障", "住房"),
    "agriculture": ("农业农村", "农业"),
    "civil_affairs": ("民政事务", "民政"),
}
#: Channel labels; the first is what the export writes. Tokens are also matched with
#: 全程 and 办理/服务/申请/申报/受理 taken off ("网上办理" → "网上").
CHANNEL_LABELS: dict[str, tuple[str, ...]] = {
    "online": ("网上办理", "网上", "在线", "线上", "网办", "掌上", "online"),
    "door_to_door": ("上门服务", "上门", "door_to_door"),
    "proxy": ("全程代办", "代办", "代理", "帮办代办", "proxy"),
}
TRUE_WORDS = frozenset({"是", "启用", "有效", "正常", "1", "true", "yes", "y"})
FALSE_WORDS = frozenset({"否", "停用", "无效", "禁用", "0", "false", "no", "n"})
INSTANT = frozenset(
    {"即办", "即办件", "即时办结", "即时办理", "当场办结", "当场办理", "立即办结", "当日办结", "当天办结"}
)
_DASHES = re.compile(r"[‐‑‒–—―−－]")
_DAYS = re.compile(
    r"^(?:承诺)?(\d{1,6}(?:\.0+)?|[零〇一二两三四五六七八九十百]+)个?(?:工作日|工作天|天|日)?内?(?:办结)?$"
)
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_ITEM_BREAK = re.compile(r"[\r\n;；]+")
_FIRST_NUMBER = re.compile(r"\s*(?:[(（][1１][)）]|[1１]([.．、)）]))(?!\d)")
_PAREN_NUMBER = re.compile(r"[(（](\d{1,2})[)）]")
_NUMBER_STYLES = {".": ".．", "．": ".．", "、": "、", ")": ")）", "）": ")）"}
#: "1." "1、" "2）" "（3）" start an item after a break or a space; "1.5倍" and "第1、2项" do not.
_NUMBERING = re.compile(r"(?:(?:^|(?<=[\s。，,、]))(?:\d{1,2}[.．、)）](?!\d)|[(（]\d{1,2}[)）]))|[①-⑳]|^[•·●▪]")
_CHANNEL_BREAK = re.compile(r"[、,;/|\s和及或]+")
_CHANNEL_AFFIX = re.compile(r"^全程|(?:办理|服务|申请|申报|受理)$")


def category(value: Any) -> str:
    text = "".join(unicodedata.normalize("NFKC", clean(value)).lower().split())
    for candidate in (text, text.removesuffix("类")):
        if candidate in CATEGORIES:
            return candidate
        for slug, labels in CATEGORY_LABELS.items():
            if candidate in labels:
                return slug
    raise Rejected("catalog.import.unknown_category", value=clean(value))


def channels(value: Any) -> list[str]:
    text = unicodedata.normalize("NFKC", clean(value)).lower()
    text = re.sub(r"door[\s-]*to[\s-]*door", "door_to_door", text)
    channels: list[str] = []
    for token in filter(None, _CHANNEL_BREAK.split(text)):
        channel = channel_of(token) or channel_of(_CHANNEL_AFFIX.sub("", _CHANNEL_AFFIX.sub("", token)))
        if channel is None:
            raise Rejected("catalog.import.unknown_channel", value=token)
        if channel not in channels:
            channels.append(channel)
    return channels


def channel_of(token: str) -> str | None:
    return next((slug for slug, labels in CHANNEL_LABELS.items() if token in labels), None)


_HOURS = re.compile(r"^(\d{1,6}(?:\.0+)?|[零〇一二两三四五六七八九十百]+)(?:个)?(?:小时|h|时)?内?$")


def urgent_hours(value: Any) -> int | None:
    """加急 hours from what people write: 24, "24小时", "二十四小时"; blank: not urgent.

    >>> urgent_hours("24小时"), urgent_hours(None)
    (24, None)
    """
    if blank(value):
        return None
    hours: int | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        hours = int(value) if float(value).is_integer() else None
    elif isinstance(value, str):
        text = "".join(unicodedata.normalize("NFKC", clean(value)).split()).lower()
        if m := _HOURS.match(text):
            number = m.group(1)
            hours = int(number.split(".")[0]) if number[0].isdigit() else chinese_number(number)
    if hours is None or not 1 <= hours <= 720:
        raise Rejected("catalog.import.invalid_urgent_hours", value=clean(value))
    return hours


def time_limit(value: Any) -> int:
    """Working days from what people write: 15, 15.0, "１５个工作日", "十五天", "即办" (1)."""
    days: int | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        days = int(value) if float(value).is_integer() else None
    elif isinstance(value, str):
        text = "".join(unicodedata.normalize("NFKC", clean(value)).split())
        if text in INSTANT:
            days = 1
        elif m := _DAYS.match(text):
            number = m.group(1)
            days = int(number.split(".")[0]) if number[0].isdigit() else chinese_number(number)
    if days is None or not 1 <= days <= 365:
        raise Rejected("catalog.import.invalid_time_limit", value=clean(value))
    return days


def chinese_number(text: str) -> int | None:
    """ "十五" → 15, "三百八十" → 380, "一百零五" → 105; None for "五五"."""
    total, digit = 0, None
    for char in text:
        if char in _CN_DIGITS:
            if digit is not None:
                return None
            digit = _CN_DIGITS[char]
        else:
            total += (1 if digit is None else digit) * (10 if char == "十" else 100)
            digit = None
    return total + (digit or 0)


def active(value: Any, label: Callable[[str], str]) -> bool:
    if isinstance(value, bool):
        return value
    text = unicodedata.normalize("NFKC", clean(value)).lower()
    if not text or text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise Rejected("catalog.import.invalid_value", field=label("active"), value=clean(value))


def township(value: Any, label: Callable[[str], str]) -> str | None:
    text = "".join(unicodedata.normalize("NFKC", clean(value)).split())
    if not text:
        return None
    if not text.isascii() or not text.isdigit():
        raise Rejected("catalog.import.invalid_value", field=label("township"), value=clean(value))
    return text


def code(value: Any) -> str:
    text = "".join(unicodedata.normalize("NFKC", clean(value)).split())
    return _DASHES.sub("-", text).upper()


def items(value: Any) -> list[str]:
    """A list cell: one item per line or per "；", numbering taken off; "、" and "，"
    stay, since they join words inside one item ("身份证原件、复印件")."""
    pieces = (
        piece
        for part in _ITEM_BREAK.split(text(value))
        for chunk in split_numbered(part)
        for piece in _NUMBERING.split(chunk)
    )
    return [item for piece in pieces if (item := clean(piece).strip("；;。，,、 "))]


def split_numbered(part: str) -> list[str]:
    """ "1.申请书2.身份证" → ["申请书", "身份证"]: once a line starts with 1, the next
    number in the same style starts the next item, even with no break before it."""
    if not (first := _FIRST_NUMBER.match(part)):
        return [part]
    style = first.group(1)
    marker = _PAREN_NUMBER if style is None else re.compile(rf"(?<!\d)(\d{{1,2}})[{_NUMBER_STYLES[style]}](?!\d)")
    pieces, start, number = [], first.end(), 2
    for found in marker.finditer(part, start):
        if int(found.group(1)) == number:
            pieces.append(part[start : found.start()])
            start, number = found.end(), number + 1
    return [*pieces, part[start:]]


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # Invisible characters come with copy and paste (zero-width spaces, a BOM, soft hyphens,
    # bidi marks); in a sheet nobody can see them to delete them, so they go here, where an
    # entry typed into the app is refused with them instead (``lib.structs.Input``).
    return without_invisible(str(value))


def clean(value: Any) -> str:
    """Free text with outer whitespace (also \\u3000 and \\xa0) off and inner runs as one space."""
    return " ".join(text(value).split())


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not clean(value))
