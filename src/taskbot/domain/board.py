"""The 看板's judgements, pure: one unit's share of a task → a standing; a unit's counts → a light.

A share (an assignment) stands, the first rule that matches winning, as the digest judges tasks:
done → overdue (not done, the task's deadline past) → blocked → silent (nothing reported for
``silent_days``, counted from the task's creation when never) → on track. Cancelled tasks are left out.

The 红黄绿 light of a unit: **red** with an overdue share, else **yellow** with a blocked or silent
one, else **green**.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from taskbot.domain.digest import Standing
from taskbot.domain.values import TaskStatus


class Light(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"


def share_standing(
    task_status: str, share_status: str, *, past_deadline: bool, silent: bool
) -> Standing | None:
    """The standing of one share. PAST_DEADLINE: the task's deadline is before today; SILENT: its
    last report (else the task's creation) is ``silent_days`` old or more (see ``is_quiet``)."""
    if task_status == TaskStatus.CANCELLED:
        return None
    if share_status == TaskStatus.DONE or task_status == TaskStatus.DONE:
        return Standing.DONE
    if past_deadline:
        return Standing.OVERDUE
    if share_status == TaskStatus.BLOCKED:
        return Standing.BLOCKED
    if silent:
        return Standing.SILENT
    return Standing.ON_TRACK


def quiet_since(now: dt.datetime, silent_days: int) -> dt.datetime:
    """A share whose last activity is at or before this moment is silent."""
    return now - dt.timedelta(days=silent_days)


def light(counts: dict[Standing, int]) -> Light:
    """The unit's 红黄绿 light from how many of its shares stand where."""
    if counts.get(Standing.OVERDUE, 0):
        return Light.RED
    if counts.get(Standing.BLOCKED, 0) or counts.get(Standing.SILENT, 0):
        return Light.YELLOW
    return Light.GREEN
