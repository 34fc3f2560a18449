"""Deadline reminders before, on every workday after, and the one escalation."""

from __future__ import annotations

import datetime as dt

import pytest

from taskbot.domain.calendar import WorkCalendar
from taskbot.domain.deadlines import (
    DeadlineNotice,
    DeadlineState,
    days_overdue,
    escalation_day,
    notice_on,
    reminder_days,
)

D = dt.date
OFFSETS = (7, 3, 1)
DUE, OVERDUE = DeadlineState.DUE, DeadlineState.OVERDUE


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        # a plain Friday: 7, 3, 1 days before are all workdays
        (D(2026, 3, 20), {D(2026, 3, 13), D(2026, 3, 17), D(2026, 3, 19)}),
        # Monday: 1 day before is a Sunday, brought forward to Friday (which is also "3 days")
        (D(2026, 3, 16), {D(2026, 3, 9), D(2026, 3, 13)}),
        # right after National Day: every offset falls in the holiday, all brought to 9-30
        (D(2026, 10, 8), {D(2026, 9, 30)}),
        # the make-up Saturday 10-10 counts as a workday
        (D(2026, 10, 11), {D(2026, 9, 30), D(2026, 10, 8), D(2026, 10, 10)}),
        # leap year
        (D(2024, 3, 1), {D(2024, 2, 23), D(2024, 2, 27), D(2024, 2, 29)}),
    ],
)
def test_reminders_before_the_deadline(deadline: dt.date, expected: set[dt.date]) -> None:
    assert reminder_days(deadline, OFFSETS, WorkCalendar()) == expected


@pytest.mark.parametrize(
    ("day", "deadline", "expected"),
    [
        (D(2026, 3, 13), D(2026, 3, 20), DeadlineNotice(DUE, 7)),
        (D(2026, 3, 17), D(2026, 3, 20), DeadlineNotice(DUE, 3)),
        (D(2026, 3, 18), D(2026, 3, 20), None),
        (D(2026, 3, 20), D(2026, 3, 20), None),  # the deadline day itself is not overdue
        (D(2026, 3, 23), D(2026, 3, 20), DeadlineNotice(OVERDUE, 3)),
        (D(2026, 3, 21), D(2026, 3, 20), None),  # Saturday: no reminder on rest days
        (D(2026, 10, 10), D(2026, 9, 30), DeadlineNotice(OVERDUE, 10)),  # make-up Saturday
        (D(2026, 10, 3), D(2026, 9, 30), None),
        (D(2026, 9, 30), D(2026, 10, 8), DeadlineNotice(DUE, 8)),
    ],
)
def test_notice_on(day: dt.date, deadline: dt.date, expected: DeadlineNotice | None) -> None:
    assert notice_on(day, deadline, OFFSETS, WorkCalendar()) == expected


@pytest.mark.parametrize(
    ("deadline", "after", "expected"),
    [
        (D(2026, 3, 16), 3, D(2026, 3, 20)),  # Friday: 4 days overdue
        (D(2026, 3, 18), 3, D(2026, 3, 23)),  # 3-22 is a Sunday
        (D(2026, 9, 28), 3, D(2026, 10, 8)),  # lands in National Day
        (D(2026, 3, 16), 0, D(2026, 3, 17)),
        (D(2024, 2, 26), 3, D(2024, 3, 1)),
    ],
)
def test_escalation_day(deadline: dt.date, after: int, expected: dt.date) -> None:
    assert escalation_day(deadline, after, WorkCalendar()) == expected


@pytest.mark.parametrize(
    ("deadline", "today", "expected"),
    [(None, D(2026, 1, 1), 0), (D(2026, 1, 1), D(2026, 1, 1), 0), (D(2024, 2, 28), D(2024, 3, 1), 2)],
)
def test_days_overdue(deadline: dt.date | None, today: dt.date, expected: int) -> None:
    assert days_overdue(deadline, today) == expected
