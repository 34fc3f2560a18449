"""The 督办 workflow's rules: completion review (办结审核 → 销号 / 退回) and extensions (延期申请).

Pure: no store, no Telegram. A unit's share moves like this (who moves it in brackets):

- in progress → **待审核** (an official's ``/done`` while ``workflow.review`` is on);
- 待审核 → **done** (the office's 通过（销号）; completed on the day of the official's claim);
- 待审核 → in progress (the office's 退回, with a reason the unit's group is told);
- any open share → **延期申请中** (an official's ``/extend``) → its deadline moves (批准) or stays (驳回);
- a share newly routed to a unit → **待签收** → **已签收** (the first official of the unit to press 签收);
  unsigned after ``workflow.ack_hours`` working hours, the unit is reminded once and the office told.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from zoneinfo import ZoneInfo

from taskbot.domain.values import Completion

MAX_SCAN_DAYS = 400


class RequestKind(StrEnum):
    """What a unit asks the office for."""

    REVIEW = "review"  # 办结审核: accept the unit's completion
    EXTENSION = "extension"  # 延期申请: move the unit's deadline


class RequestState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


def effective_deadline(deadline: dt.date | None, extended_to: dt.date | None) -> dt.date | None:
    """The date a unit must finish by: its approved extension, else the task's deadline."""
    if extended_to is not None and (deadline is None or extended_to > deadline):
        return extended_to
    return deadline


def completion_of(done_day: dt.date, deadline: dt.date | None, extended_to: dt.date | None) -> Completion:
    """How a share finished on DONE_DAY counts: 按期 (by the deadline, or none), 延期办结 (after it but by
    an approved extension) or 逾期 (after both)."""
    if deadline is None or done_day <= deadline:
        return Completion.ON_TIME
    if extended_to is not None and done_day <= extended_to:
        return Completion.EXTENDED
    return Completion.LATE


def extension_refusal(
    new_date: dt.date, today: dt.date, deadline: dt.date | None, extended_to: dt.date | None
) -> str | None:
    """Why an extension to NEW_DATE asked on TODAY cannot be asked (an error code), or None when it can.

    ``extension_past``: the date is before today; ``extension_not_later``: it does not move the
    unit's current deadline (the task's, or an extension already approved) later.
    """
    if new_date < today:
        return "extension_past"
    current = effective_deadline(deadline, extended_to)
    if current is not None and new_date <= current:
        return "extension_not_later"
    return None


def holds_overdue(day: dt.date, deadline: dt.date | None, extended_to: dt.date | None, pending: bool) -> bool:
    """Whether a unit's overdue reminders are held on DAY (after the DEADLINE): it asked for an
    extension the office has not answered yet (PENDING), or an approved one has not run out."""
    if deadline is None or day <= deadline:
        return False
    return pending or (extended_to is not None and day <= extended_to)


def after_working_hours(
    start: dt.datetime, hours: float, is_workday: Callable[[dt.date], bool], tz: ZoneInfo
) -> dt.datetime:
    """The moment HOURS working hours after START: only the time of workdays (in TZ) counts, so 24
    working hours from a Friday 10:00 end on Monday 10:00 (a rest Saturday and Sunday skipped)."""
    remaining = dt.timedelta(hours=hours)
    at = start.astimezone(tz)
    for _ in range(MAX_SCAN_DAYS):
        midnight = dt.datetime.combine(at.date() + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
        if is_workday(at.date()):
            if remaining <= midnight - at:
                return (at + remaining).astimezone(start.tzinfo)
            remaining -= midnight - at
        at = midnight
    raise ValueError(f"no {hours} working hours within {MAX_SCAN_DAYS} days of {start}")
