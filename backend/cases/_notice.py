"""Reading a State Council holiday notice (国务院办公厅关于X年部分节假日安排的通知) as admins paste it.

Each holiday is one line of the notice::

    春节：2月16日至22日放假调休，共7天。2月14日（星期六）、2月28日（星期六）上班。

Before the colon: the holiday's name (kept as the overrides' note). After it, clauses
split at ，。；: one that says 放假 (or 休息) makes its dates days off, one that says 上班
makes them working days (调休上班). Dates are ``M月D日`` (``D日`` keeps the month before
it, ``YYYY年`` may lead), or ``YYYY-MM-DD``; ``至``/``到``/``-`` join a range, ``、``
lists. A weekday in brackets after a date is checked against the calendar, so a notice
pasted under the wrong year is caught. Lines without any date (the title, the preamble,
the closing paragraph) are skipped; any other line that cannot be read is reported with
its number, and nothing is taken from a notice with such a line.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import msgspec

from backend.cases.structs import HolidayItem

_FULL_WIDTH = str.maketrans("０１２３４５６７８９：－／～", "0123456789:-/~")
_DATE = re.compile(
    r"(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})[日号]"
    r"|(?P<iy>\d{4})[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2})"
)
_BRACKET = re.compile(r"^\s*[（(]([^）)]*)[）)]")
_ANY_BRACKET = re.compile(r"[（(][^）)]*[）)]")
_RANGE = re.compile(r"^\s*(至|到|~|—{1,2}|–|-)\s*$")
_LIST = re.compile(r"^\s*[、,和及与]?\s*$")
_WEEKDAY = re.compile(r"(?:星期|周|礼拜|禮拜|週)([一二三四五六日天])")
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_LABEL_PREFIX = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|\d+[、.．]|[（(][一二三四五六七八九十\d]+[）)])\s*")
_OFF_WORDS = ("放假", "休息", "休假")
_WORK_WORDS = ("上班",)
#: The longest holiday run a notice names (the Spring Festival is 8 or 9 days).
_MAX_RANGE_DAYS = 31


class NoticeProblem(msgspec.Struct, frozen=True):
    """One line that could not be read: its number (from 1), its text, and why (a locale key below ``error.``)."""

    line: int
    text: str
    reason: str


class NoticeUnreadable(Exception):
    def __init__(self, problems: list[NoticeProblem]) -> None:
        super().__init__(problems[0].reason if problems else "holiday.notice_empty")
        self.problems = problems


class _Bad(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_notice(text: str, year: int) -> list[HolidayItem]:
    """The days off and make-up working days a notice for ``year`` names, by date.

    Raises ``NoticeUnreadable`` listing every line it cannot read (or none, when the
    text names no date at all).

    >>> [(i.date.isoformat(), i.is_workday) for i in parse_notice("劳动节：5月1日至3日放假。4月26日上班。", 2026)]
    [('2026-04-26', True), ('2026-05-01', False), ('2026-05-02', False), ('2026-05-03', False)]
    """
    days: dict[date, HolidayItem] = {}
    problems: list[NoticeProblem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.translate(_FULL_WIDTH).strip()
        try:
            found = _read_line(line, year)
            for item in found:
                earlier = days.get(item.date)
                if earlier is not None and earlier.is_workday != item.is_workday:
                    raise _Bad("holiday.notice_conflict")
            for item in found:
                days.setdefault(item.date, item)
        except _Bad as bad:
            problems.append(NoticeProblem(line=number, text=raw.strip()[:80], reason=bad.reason))
    if problems or not days:
        raise NoticeUnreadable(problems)
    return [days[day] for day in sorted(days)]


def _read_line(line: str, year: int) -> list[HolidayItem]:
    label, rest = "", line
    head, colon, tail = line.partition(":")
    if colon:
        label, rest = _LABEL_PREFIX.sub("", _ANY_BRACKET.sub("", head)).strip()[:100], tail
    elif "：" in line:
        head, _, tail = line.partition("：")
        label, rest = _LABEL_PREFIX.sub("", _ANY_BRACKET.sub("", head)).strip()[:100], tail
    if not _DATE.search(rest):
        if label and any(word in rest for word in (*_OFF_WORDS, *_WORK_WORDS)):
            raise _Bad("holiday.notice_unreadable")  # a holiday line whose dates are not written as dates
        return []  # the title, the preamble, the closing paragraph
    items: list[HolidayItem] = []
    # The clause before keeps its year and month for a later bare "D日" ("2月16日至22日").
    context: tuple[int, int | None] = (year, None)
    for clause in re.split(r"[，,。；;]", rest):
        clause_days, context = _read_clause(clause, year, context)
        if clause_days is None:
            continue
        is_workday = clause_days[0]
        items.extend(HolidayItem(date=day, is_workday=is_workday, note=label) for day in clause_days[1])
    return items


def _read_clause(
    clause: str, year: int, context: tuple[int, int | None]
) -> tuple[tuple[bool, list[date]] | None, tuple[int, int | None]]:
    matches = list(_DATE.finditer(clause))
    if not matches:
        return None, context
    work = any(word in clause for word in _WORK_WORDS)
    off = any(word in clause for word in _OFF_WORDS)
    if work == off:
        raise _Bad("holiday.notice_unreadable")  # neither or both: which kind of day is it?
    dates: list[date] = []
    range_open = False
    for index, match in enumerate(matches):
        day, context = _date_of(match, context)
        following = clause[match.end() : matches[index + 1].start() if index + 1 < len(matches) else len(clause)]
        bracket = _BRACKET.match(following)
        if bracket:
            _check_weekday(day, bracket.group(1))
            following = following[bracket.end() :]
        if range_open:
            start = dates[-1]
            if not start < day or (day - start).days >= _MAX_RANGE_DAYS:
                raise _Bad("holiday.notice_unreadable")
            dates.extend(start + timedelta(days=n) for n in range(1, (day - start).days + 1))
            range_open = False
        else:
            dates.append(day)
        if index + 1 < len(matches):
            between = _ANY_BRACKET.sub("", following)
            if _RANGE.match(between):
                if not range_open and dates and dates[-1] == day:
                    range_open = True
                else:
                    raise _Bad("holiday.notice_unreadable")
            elif not _LIST.match(between):
                raise _Bad("holiday.notice_unreadable")  # words between two dates: not a list or range
    for day in dates:
        if not (
            day.year == year or (day.year == year - 1 and day.month == 12) or (day.year == year + 1 and day.month == 1)
        ):
            raise _Bad("holiday.notice_wrong_year")
    return (work, dates), context


def _date_of(match: re.Match[str], context: tuple[int, int | None]) -> tuple[date, tuple[int, int | None]]:
    if match.group("iy"):
        y, m, d = int(match.group("iy")), int(match.group("im")), int(match.group("id"))
    else:
        y = int(match.group("y")) if match.group("y") else context[0]
        month = int(match.group("m")) if match.group("m") else context[1]
        if month is None:
            raise _Bad("holiday.notice_unreadable")  # "22日" with no month before it
        m, d = month, int(match.group("d"))
    try:
        return date(y, m, d), (y, m)
    except ValueError:
        raise _Bad("holiday.notice_bad_date") from None


def _check_weekday(day: date, bracket: str) -> None:
    named = _WEEKDAY.search(bracket)
    if named and _WEEKDAYS[named.group(1)] != day.weekday():
        raise _Bad("holiday.notice_weekday")
