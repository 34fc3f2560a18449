"""The small vocabularies every layer shares."""

from __future__ import annotations

from enum import StrEnum


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
    """How a unit's completion counts: 按期办结 or 逾期办结."""

    ON_TIME = "on_time"
    LATE = "late"


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


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
