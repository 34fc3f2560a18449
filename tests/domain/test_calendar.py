"""The work calendar: holidays, 调休 make-up days, and the Monday–Friday fallback."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from taskbot.domain.calendar import WorkCalendar

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


def test_unknown_year_falls_back_to_weekdays_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    cal = WorkCalendar()
    with caplog.at_level(logging.WARNING, logger="taskbot.domain.calendar"):
        answers = [cal.is_workday(D(2027, 1, d)) for d in range(1, 11)]
        cal.is_workday(D(2027, 6, 1))
        cal.is_workday(D(2028, 3, 1))
    # 2027-01-01 is a Friday; the fallback knows no holidays.
    assert answers == [True, False, False, True, True, True, True, True, False, False]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [("2027" in r.getMessage(), "2028" in r.getMessage()) for r in warnings] == [
        (True, False),
        (False, True),
    ]


def test_first_workday_between_returns_none_for_an_all_holiday_week() -> None:
    cal = WorkCalendar()
    assert cal.first_workday_between(D(2026, 2, 16), D(2026, 2, 22)) is None
    assert cal.first_workday_between(D(2024, 2, 12), D(2024, 2, 18)) == D(2024, 2, 18)
