"""Reading a State Council holiday notice as an admin pastes it (cases/_notice.py)."""

from datetime import date, timedelta

import pytest

from backend.cases._notice import NoticeUnreadable, parse_notice

# The 2026 notice as published (国办发明电〔2025〕7号), title, preamble and closing included.
NOTICE_2026 = """国务院办公厅关于2026年部分节假日安排的通知
经国务院批准，现将2026年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作，遇有重大突发事件，要按规定及时报告并妥善处置。
"""


def _days(text: str, year: int) -> dict[date, bool]:
    return {item.date: item.is_workday for item in parse_notice(text, year)}


def test_the_published_2026_notice_agrees_with_chinesecalendar():
    chinese_calendar = pytest.importorskip("chinese_calendar")
    days = _days(NOTICE_2026, 2026)
    for day, is_workday in days.items():
        assert chinese_calendar.is_workday(day) == is_workday, day
    # Every weekday holiday and every weekend make-up day of 2026 is in the notice.
    day = date(2026, 1, 1)
    while day.year == 2026:
        national = chinese_calendar.is_workday(day)
        if national != (day.weekday() < 5):
            assert days.get(day) == national, day
        day += timedelta(days=1)


def test_the_line_from_the_issue_reads_as_7_days_off_and_2_make_up_saturdays():
    items = parse_notice("春节：2月16日至22日放假调休，共7天。2月14日（星期六）、2月28日（星期六）上班。", 2026)
    off = [item.date for item in items if not item.is_workday]
    work = [item.date for item in items if item.is_workday]
    assert off == [date(2026, 2, d) for d in range(16, 23)]
    assert work == [date(2026, 2, 14), date(2026, 2, 28)]
    assert {item.note for item in items} == {"春节"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A range across a month, a year named on each end, full-width digits, ISO dates.
        (
            "国庆节：9月30日至10月2日放假",
            {date(2027, 9, 30): False, date(2027, 10, 1): False, date(2027, 10, 2): False},
        ),
        (
            "元旦：2026年12月31日至2027年1月1日放假，共2天。",
            {date(2026, 12, 31): False, date(2027, 1, 1): False},
        ),
        ("元旦：１月１日放假。", {date(2027, 1, 1): False}),
        ("补班：2027-02-13上班", {date(2027, 2, 13): True}),
        (
            "劳动节:5月1日至3日放假;4月25日上班",
            {date(2027, 5, d): False for d in (1, 2, 3)} | {date(2027, 4, 25): True},
        ),
        # Traditional script, as a Traditional-reading admin may paste it.
        ("春節：2月5日（週五）放假。2月13日（星期六）上班。", {date(2027, 2, 5): False, date(2027, 2, 13): True}),
    ],
)
def test_forms_people_paste(text, expected):
    assert _days(text, 2027) == expected


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("元旦：1月1日放假。\n春节：二月五日放假", 2, "holiday.notice_unreadable"),
        ("春节：2月5日至11日", 1, "holiday.notice_unreadable"),  # neither 放假 nor 上班
        ("春节：2月5日放假，2月13日上班和放假", 1, "holiday.notice_unreadable"),
        ("春节：5日至11日放假", 1, "holiday.notice_unreadable"),  # no month
        ("春节：2月11日至5日放假", 1, "holiday.notice_unreadable"),  # backwards
        ("春节：2月5日放假2月13日上班", 1, "holiday.notice_unreadable"),  # words between two dates
        ("春节：2月29日放假", 1, "holiday.notice_bad_date"),  # 2027 is no leap year
        ("春节：2月13日（星期日）上班", 1, "holiday.notice_weekday"),
        ("元旦：2025年1月1日放假", 1, "holiday.notice_wrong_year"),
        ("元旦：1月1日放假。\n又：1月1日上班。", 2, "holiday.notice_conflict"),
        ("春节：1月1日至3月1日放假", 1, "holiday.notice_unreadable"),  # a month-long holiday is a typo
    ],
)
def test_an_unreadable_line_is_named_and_nothing_is_taken(text, line, reason):
    with pytest.raises(NoticeUnreadable) as caught:
        parse_notice(text, 2027)
    assert [(p.line, p.reason) for p in caught.value.problems] == [(line, reason)]


def test_every_bad_line_is_reported_not_only_the_first():
    with pytest.raises(NoticeUnreadable) as caught:
        parse_notice("甲：2月30日放假\n乙：2月5日放假\n丙：二月六日放假", 2027)
    assert [p.line for p in caught.value.problems] == [1, 3]


def test_text_without_any_date_is_empty_not_a_line_error():
    with pytest.raises(NoticeUnreadable) as caught:
        parse_notice("国务院办公厅关于2027年部分节假日安排的通知\n经国务院批准，现将放假安排通知如下。", 2027)
    assert caught.value.problems == []
