"""Deadline reminders and escalation: which workday says what about a task's deadline.

- Before the deadline: one reminder at each offset (7, 3 and 1 days by default). An offset that
  lands on a rest day is brought FORWARD to the previous workday — moving it to the next workday
  could put a "1 day left" warning on or after the deadline itself.
- After the deadline: a reminder on every workday while the task is open.
- Escalation: once, on the first workday on which the task is more than ``escalate_after_days``
  calendar days overdue, the task is reported to the leaders' chat.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from taskbot.domain.calendar import WorkCalendar


class DeadlineState(StrEnum):
    DUE = "due"
    OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class DeadlineNotice:
    """What a deadline reminder says: due in DAYS days, or DAYS days overdue."""

    state: DeadlineState
    days: int


@lru_cache(maxsize=4096)
def reminder_days(deadline: dt.date, offsets: tuple[int, ...], cal: WorkCalendar) -> frozenset[dt.date]:
    """The workdays before DEADLINE that carry a reminder."""
    return frozenset(cal.previous_workday(deadline - dt.timedelta(days=k)) for k in offsets if k > 0)


def days_overdue(deadline: dt.date | None, today: dt.date) -> int:
    """Calendar days TODAY is past DEADLINE (0 when not overdue or there is no deadline)."""
    if deadline is None or today <= deadline:
        return 0
    return (today - deadline).days


def notice_on(
    day: dt.date, deadline: dt.date, offsets: tuple[int, ...], cal: WorkCalendar
) -> DeadlineNotice | None:
    """The deadline reminder an open task with DEADLINE gets on DAY, if any."""
    if not cal.is_workday(day):
        return None
    if day > deadline:
        return DeadlineNotice(DeadlineState.OVERDUE, (day - deadline).days)
    if day in reminder_days(deadline, offsets, cal):
        return DeadlineNotice(DeadlineState.DUE, (deadline - day).days)
    return None


def escalation_day(deadline: dt.date, escalate_after_days: int, cal: WorkCalendar) -> dt.date:
    """The workday on which a task still open past DEADLINE is escalated to the leaders."""
    return cal.next_workday(deadline + dt.timedelta(days=escalate_after_days + 1))
