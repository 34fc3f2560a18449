"""The work calendar: holidays, 调休 make-up days, the office's own days, and the statutory fallback."""

from __future__ import annotations

import datetime as dt
import logging

import chinese_calendar
import pytest

from taskbot.domain.calendar import (
    Source,
    WorkCalendar,
    expand_days,
    lunar_to_solar,
    parse_days,
    statutory_holidays,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (D(2026, 10, 1), False),  # National Day
        (D(2026, 10, 7), False),
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),  # Saturday, make-up day
        (D(2026, 9, 20), True),  # Sunday, make-up day
        (D(2026, 9, 26), False),  # Saturday, Mid-autumn
        (D(2026, 2, 16), False),  # Spring Festival
        (D(2026, 2, 14), True),  # Saturday, make-up day
        (D(2026, 1, 4), True),  # Sunday, make-up day for New Year
        (D(2024, 2, 29), True),  # leap day, a Thursday
        (D(2026, 3, 7), False),  # a plain Saturday
        (D(2026, 3, 9), True),  # a plain Monday
    ],
)
def test_known_years_follow_the_official_schedule(day: dt.date, workday: bool) -> None:
    assert WorkCalendar().is_workday(day) is workday


@pytest.mark.parametrize(
    ("day", "next_day", "previous_day"),
    [
        (D(2026, 10, 1), D(2026, 10, 8), D(2026, 9, 30)),
        (D(2026, 10, 9), D(2026, 10, 9), D(2026, 10, 9)),
        (D(2026, 10, 11), D(2026, 10, 12), D(2026, 10, 10)),
        (D(2026, 2, 15), D(2026, 2, 24), D(2026, 2, 14)),
        (D(2026, 1, 1), D(2026, 1, 4), D(2025, 12, 31)),
    ],
)
def test_next_and_previous_workday(day: dt.date, next_day: dt.date, previous_day: dt.date) -> None:
    cal = WorkCalendar()
    assert cal.next_workday(day) == next_day
    assert cal.previous_workday(day) == previous_day


def test_first_workday_between_returns_none_for_an_all_holiday_week() -> None:
    cal = WorkCalendar()
    assert cal.first_workday_between(D(2026, 2, 16), D(2026, 2, 22)) is None
    assert cal.first_workday_between(D(2024, 2, 12), D(2024, 2, 18)) == D(2024, 2, 18)


# --- years no source knows: the statutory rule -------------------------------------------------


@pytest.mark.parametrize(
    ("day", "workday", "festival"),
    [
        (D(2027, 1, 1), False, "元旦"),  # a Friday
        (D(2027, 1, 4), True, None),
        (D(2027, 2, 4), True, None),
        (D(2027, 2, 5), False, "春节"),  # 除夕: lunar 2027 starts on 2-6
        (D(2027, 2, 6), False, "春节"),  # 初一, a Saturday
        (D(2027, 2, 8), False, "春节"),  # 初三
        (D(2027, 2, 9), False, "春节"),  # made up for 初一 and 初二 on the weekend (补假)
        (D(2027, 2, 10), False, "春节"),
        (D(2027, 2, 11), True, None),
        (D(2027, 3, 6), False, None),  # a plain Saturday: weekends are rest days
        (D(2027, 3, 8), True, None),
        (D(2027, 4, 5), False, "清明"),  # the solar term
        (D(2027, 5, 1), False, "劳动节"),  # Saturday
        (D(2027, 5, 3), False, "劳动节"),  # 补假
        (D(2027, 5, 4), False, "劳动节"),
        (D(2027, 5, 5), True, None),
        (D(2027, 6, 9), False, "端午"),  # lunar 5-5
        (D(2027, 9, 15), False, "中秋"),  # lunar 8-15
        (D(2027, 10, 1), False, "国庆节"),
        (D(2027, 10, 4), False, "国庆节"),  # 补假 for 10-2 and 10-3
        (D(2027, 10, 5), False, "国庆节"),
        (D(2027, 10, 6), True, None),
        (D(2028, 1, 1), False, "元旦"),  # a Saturday
        (D(2028, 1, 3), False, "元旦"),  # 补假
        (D(2028, 1, 25), False, "春节"),  # 除夕 2028 (初一 is 1-26)
        (D(2150, 1, 1), False, "元旦"),  # beyond the lunar table: the fixed-date festivals still count
        (D(2150, 1, 2), True, None),
    ],
)
def test_unknown_years_use_the_statutory_holidays_and_weekends(
    day: dt.date, workday: bool, festival: str | None
) -> None:
    kind = WorkCalendar().day_kind(day)
    assert (kind.workday, kind.festival, kind.source) == (workday, festival, Source.STATUTORY)


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_statutory_days_are_official_holidays_in_the_years_chinese_calendar_knows(year: int) -> None:
    days = statutory_holidays(year)
    assert len(days) >= 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3, and 补假 on top
    official = {day: chinese_calendar.get_holiday_detail(day) for day in days}
    assert {day for day, (rest, _) in official.items() if not rest} == set()
    names = {h.value: h.chinese for h in chinese_calendar.Holiday}
    assert {day: names[name] for day, (_, name) in official.items()} == days


@pytest.mark.parametrize("year", range(2008, 2027))
def test_the_lunar_festivals_fall_in_their_official_holidays(year: int) -> None:
    # The lunar conversion agrees with the State Council's schedules since 2008 (清明, 端午, 中秋 since).
    for (month, day), holiday in (
        ((1, 1), chinese_calendar.Holiday.spring_festival),
        ((5, 5), chinese_calendar.Holiday.dragon_boat_festival),
        ((8, 15), chinese_calendar.Holiday.mid_autumn_festival),
    ):
        solar = lunar_to_solar(year, month, day)
        assert solar is not None
        assert chinese_calendar.is_holiday(solar), (year, month, day)
        # The festival's holiday is around it (the data leaves some weekend days unnamed; 中秋 2012
        # and 2020 shared one holiday with 国庆).
        around = {chinese_calendar.get_holiday_detail(solar + dt.timedelta(days=i))[1] for i in range(-2, 3)}
        names = {holiday.value, "National Day"} if month == 8 else {holiday.value}
        assert names & around, (year, month, day, around)


def test_an_unknown_year_logs_one_info_line_naming_the_config_keys(caplog: pytest.LogCaptureFixture) -> None:
    cal = WorkCalendar()
    with caplog.at_level(logging.DEBUG, logger="taskbot.domain.calendar"):
        for d in range(1, 31):
            cal.is_workday(D(2027, 1, d))
        cal.day_kind(D(2027, 6, 1))
        cal.is_workday(D(2028, 3, 1))
        cal.is_workday(D(2026, 3, 1))
    lines = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert [level for level, _ in lines] == [logging.INFO, logging.INFO]  # never a WARNING
    assert ["2027" in m for _, m in lines] == [True, False]
    assert ["2028" in m for _, m in lines] == [False, True]
    assert all("calendar.holidays" in m and "calendar.workdays" in m for _, m in lines)


def test_a_year_the_office_configured_logs_nothing_above_debug(caplog: pytest.LogCaptureFixture) -> None:
    cal = WorkCalendar(holidays=expand_days(["2027-02-05..2027-02-11"]))
    with caplog.at_level(logging.INFO, logger="taskbot.domain.calendar"):
        assert not cal.is_workday(D(2027, 2, 11))
        assert not cal.is_workday(D(2027, 1, 1))  # the statutory rule fills what the office left out
    assert caplog.records == []


# --- the office's own days ---------------------------------------------------------------------

OFFICE = WorkCalendar(
    holidays=expand_days(["2027-02-05..2027-02-13", "2026-03-09"]),
    workdays=expand_days(["2027-02-14", "2027-02-20", "2026-10-03"]),
)


@pytest.mark.parametrize(
    ("day", "workday", "source"),
    [
        (D(2027, 2, 4), True, Source.STATUTORY),
        (D(2027, 2, 5), False, Source.CONFIG),  # first day of the range
        (D(2027, 2, 11), False, Source.CONFIG),  # a Thursday the statutory rule makes a workday
        (D(2027, 2, 13), False, Source.CONFIG),  # last day of the range (inclusive)
        (D(2027, 2, 14), True, Source.CONFIG),  # a Sunday made a workday (调休)
        (D(2027, 2, 15), True, Source.STATUTORY),
        (D(2027, 2, 20), True, Source.CONFIG),
        (D(2027, 2, 21), False, Source.STATUTORY),
        (D(2026, 3, 9), False, Source.CONFIG),  # overrides chinese-calendar's Monday
        (D(2026, 10, 3), True, Source.CONFIG),  # overrides chinese-calendar's National Day
        (D(2026, 10, 2), False, Source.OFFICIAL),
    ],
)
def test_the_office_days_win_over_every_source(day: dt.date, workday: bool, source: Source) -> None:
    kind = OFFICE.day_kind(day)
    assert (OFFICE.is_workday(day), kind.workday, kind.source) == (workday, workday, source)


@pytest.mark.parametrize(
    ("spec", "first", "last"),
    [
        ("2027-02-06", D(2027, 2, 6), D(2027, 2, 6)),
        ("2027-02-06..2027-02-13", D(2027, 2, 6), D(2027, 2, 13)),
        (" 2027-02-06 .. 2027-02-06 ", D(2027, 2, 6), D(2027, 2, 6)),
        ("2027-12-30..2028-01-02", D(2027, 12, 30), D(2028, 1, 2)),
    ],
)
def test_parse_days(spec: str, first: dt.date, last: dt.date) -> None:
    assert parse_days(spec) == (first, last)


@pytest.mark.parametrize(
    ("spec", "error"),
    [
        ("2027-02-13..2027-02-06", "ends before it starts"),
        ("2027-02-30", "does not exist"),
        ("2027-02-06..", "is not a date YYYY-MM-DD or a range"),
        ("2027/02/06", "is not a date YYYY-MM-DD or a range"),
        ("2027-02-06 - 2027-02-13", "is not a date YYYY-MM-DD or a range"),
        ("2027-01-01..2028-12-31", "is longer than 366 days"),
    ],
)
def test_parse_days_rejects_bad_specs_in_one_line(spec: str, error: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_days(spec)
    assert error in str(err.value)
    assert repr(spec) in str(err.value)
    assert "\n" not in str(err.value)


def test_expand_days_joins_dates_and_ranges() -> None:
    days = expand_days(["2027-02-06..2027-02-08", "2027-02-07", "2027-10-04"])
    assert days == {D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8), D(2027, 10, 4)}


def test_a_day_both_holiday_and_workday_is_refused() -> None:
    with pytest.raises(ValueError, match="2027-02-07 is both a holiday and a workday"):
        WorkCalendar(holidays=expand_days(["2027-02-06..2027-02-08"]), workdays=[D(2027, 2, 7)])
