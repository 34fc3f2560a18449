"""The small vocabularies every layer shares."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

# Every date taskbot accepts (a deadline, a bulletin's date, the fortnightly anchor) lies in this
# window: a date outside it is a typo or an attack, and date arithmetic near year 1 or 9999 overflows.
DATE_MIN = dt.date(2000, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)


def in_date_window(day: dt.date) -> bool:
    """Whether DAY lies in the window of dates taskbot accepts (DATE_MIN … DATE_MAX)."""
    return DATE_MIN <= day <= DATE_MAX


class TaskStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def is_closed(self) -> bool:
        return self in (TaskStatus.DONE, TaskStatus.CANCELLED)


OPEN_STATUSES = frozenset({TaskStatus.OPEN, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED})
# The same as the plain strings a task row holds, in a fixed order (for SQL ``IN`` and row tests).
OPEN_STATUS_VALUES: tuple[str, ...] = tuple(s.value for s in TaskStatus if s in OPEN_STATUSES)


class Role(StrEnum):
    """A unit's part in a task: 牵头 (lead; decides done-ness) or 配合 (partner; reports, contributes)."""

    LEAD = "lead"
    PARTNER = "partner"


class Completion(StrEnum):
    """How a unit's completion counts: 按期办结, 逾期办结 or 延期办结 (by an approved extension)."""

    ON_TIME = "on_time"
    LATE = "late"
    EXTENDED = "extended"


class Cadence(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


class Beat(StrEnum):
    """What the scheduler sends; the first three are the bulletin's 调度 / 通报 / 会商."""

    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    DEADLINE = "deadline"
    ESCALATION = "escalation"
    # Reporting rules (taskbot.domain.report_rules): the due day's reminder to each unit that has not
    # reported for the period, and the office's 催报名单 once the due time has passed.
    REPORT_DUE = "report_due"
    REPORT_OVERDUE = "report_overdue"


class ReportKind(StrEnum):
    """One entry of a task's append-only history."""

    CREATED = "created"
    STATUS = "status"
    DONE = "done"
    BLOCKED = "blocked"
    CLOSED = "closed"
    REOPENED = "reopened"
    ASSIGNED = "assigned"
    CADENCE = "cadence"
    DEADLINE = "deadline"
    EDITED = "edited"
    ROLE = "role"
    # The 督办 workflow (taskbot.domain.workflow): a claim awaiting review, its 销号 or 退回; an
    # extension asked, granted or refused.
    CLAIMED = "claimed"
    APPROVED = "approved"
    RETURNED = "returned"
    EXTENSION = "extension"
    EXTENDED = "extended"
    EXTENSION_REFUSED = "ext_refused"
    SIGNED = "signed"  # 签收
    REPORT_RULE = "report_rule"  # 报送要求 set or cleared
    URGED = "urged"  # 催办 sent to a unit
    URGE_ACK = "urge_ack"  # 催办 received (收到)


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
