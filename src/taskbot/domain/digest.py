"""Judging tasks: the progress digest, the red/black list (红黑榜) and the consultation agenda.

Pure functions over ``TaskFacts`` snapshots; the store is read by ``taskbot.services.digest``.

Standing of a task at a moment (the first rule that matches wins):
1. **done** — marked done (within the digest's period, when it has one);
2. **overdue** — open and its deadline is past;
3. **blocked** — open and reported blocked;
4. **silent** — open and nothing reported for ``silent_days`` (counted from creation when never);
5. **on track** — any other open task.
Cancelled tasks are left out.

Red/black list, per responsible party (tasks without a party are not ranked):
- **black list** (黑榜): a party with a task overdue by at least ``black_overdue_days`` days, or a
  silent task; worst first (most overdue tasks, most silent tasks, longest overdue, name);
- **red list** (红榜): a party with no overdue and no silent task, that finished a task in the
  period or reported within ``silent_days``, and whose mean progress (done = 100) is at least
  ``red_min_progress``; best first (most done, highest mean progress, name).
Each list holds at most ``size`` parties; no party is on both.

Consultation agenda (stuck tasks): open tasks that are blocked, overdue, or whose progress has not
risen since the previous consultation (tasks created since then are given the benefit).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from taskbot.domain.deadlines import days_overdue
from taskbot.domain.values import OPEN_STATUS_VALUES, TaskStatus


@dataclass(slots=True)
class TaskFacts:
    """What the beats and the digest need to know about one task, read from the store.

    Treat as read-only; not frozen only because a frozen dataclass is markedly slower to build,
    and a beat over 100 000 tasks builds 100 000 of them.
    """

    id: int
    title: str
    status: str
    progress: int = 0
    deadline: dt.date | None = None
    cadence: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    created_at: dt.datetime | None = None
    # The last report other than the task's creation; None when nobody has reported.
    last_report_at: dt.datetime | None = None
    # When it was last marked done (None for open tasks).
    done_at: dt.datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUS_VALUES

    def last_activity(self) -> dt.datetime | None:
        return self.last_report_at or self.created_at


class Standing(StrEnum):
    DONE = "done"
    OVERDUE = "overdue"
    BLOCKED = "blocked"
    SILENT = "silent"
    ON_TRACK = "on_track"


STANDING_ORDER = (Standing.OVERDUE, Standing.BLOCKED, Standing.SILENT, Standing.ON_TRACK, Standing.DONE)


@dataclass(frozen=True, slots=True)
class RedBlackRules:
    silent_days: int = 14
    red_min_progress: int = 0
    black_overdue_days: int = 1
    size: int = 5


def is_silent(task: TaskFacts, now: dt.datetime, silent_days: int) -> bool:
    """Whether open TASK has had no report for SILENT_DAYS (counting from its creation)."""
    since = task.last_activity()
    return since is not None and now - since >= dt.timedelta(days=silent_days)


def standing(task: TaskFacts, now: dt.datetime, today: dt.date, rules: RedBlackRules) -> Standing | None:
    """The standing of TASK (None for a cancelled one)."""
    status = TaskStatus(task.status)
    if status is TaskStatus.DONE:
        return Standing.DONE
    if status is TaskStatus.CANCELLED:
        return None
    if days_overdue(task.deadline, today) > 0:
        return Standing.OVERDUE
    if status is TaskStatus.BLOCKED:
        return Standing.BLOCKED
    if is_silent(task, now, rules.silent_days):
        return Standing.SILENT
    return Standing.ON_TRACK


@dataclass(frozen=True, slots=True)
class DigestEntry:
    task: TaskFacts
    standing: Standing
    days_overdue: int = 0


@dataclass(slots=True)
class PartyScore:
    party: str
    tasks: int = 0
    done: int = 0
    overdue: int = 0
    black_overdue: int = 0
    max_days_overdue: int = 0
    silent: int = 0
    blocked: int = 0
    reported_recently: int = 0
    progress_sum: int = 0

    @property
    def mean_progress(self) -> int:
        return round(self.progress_sum / self.tasks) if self.tasks else 0


@dataclass(frozen=True, slots=True)
class Digest:
    """The progress digest at NOW: every task's standing and the red/black list."""

    now: dt.datetime
    period_start: dt.datetime | None
    entries: list[DigestEntry]
    red: list[PartyScore] = field(default_factory=list)
    black: list[PartyScore] = field(default_factory=list)

    def counts(self) -> dict[Standing, int]:
        result = dict.fromkeys(STANDING_ORDER, 0)
        for entry in self.entries:
            result[entry.standing] += 1
        return result

    def of(self, standing: Standing) -> list[DigestEntry]:
        return [e for e in self.entries if e.standing is standing]


def build_digest(
    tasks: Iterable[TaskFacts],
    now: dt.datetime,
    today: dt.date,
    rules: RedBlackRules,
    *,
    period_start: dt.datetime | None = None,
) -> Digest:
    """Judge TASKS at NOW; tasks done before PERIOD_START (when given) are left out."""
    entries: list[DigestEntry] = []
    for task in tasks:
        judged = standing(task, now, today, rules)
        if judged is None:
            continue
        if judged is Standing.DONE and period_start and (task.done_at is None or task.done_at < period_start):
            continue
        entries.append(DigestEntry(task, judged, days_overdue(task.deadline, today)))
    red, black = red_black(entries, now, rules)
    return Digest(now, period_start, entries, red, black)


def red_black(
    entries: Iterable[DigestEntry], now: dt.datetime, rules: RedBlackRules
) -> tuple[list[PartyScore], list[PartyScore]]:
    """The red list and the black list of the parties responsible for ENTRIES."""
    scores: dict[str, PartyScore] = {}
    recent = dt.timedelta(days=rules.silent_days)
    for entry in entries:
        task = entry.task
        for party in task.parties:
            score = scores.get(party)
            if score is None:
                score = scores[party] = PartyScore(party)
            score.tasks += 1
            score.progress_sum += 100 if entry.standing is Standing.DONE else task.progress
            if entry.standing is Standing.DONE:
                score.done += 1
            elif entry.standing is Standing.OVERDUE:
                score.overdue += 1
                score.max_days_overdue = max(score.max_days_overdue, entry.days_overdue)
                if entry.days_overdue >= rules.black_overdue_days:
                    score.black_overdue += 1
            elif entry.standing is Standing.SILENT:
                score.silent += 1
            elif entry.standing is Standing.BLOCKED:
                score.blocked += 1
            if task.last_report_at is not None and now - task.last_report_at < recent:
                score.reported_recently += 1
    black = [s for s in scores.values() if s.black_overdue or s.silent]
    black.sort(key=lambda s: (-s.black_overdue, -s.silent, -s.max_days_overdue, s.party))
    red = [
        s
        for s in scores.values()
        if not s.overdue
        and not s.silent
        and (s.done or s.reported_recently)
        and s.mean_progress >= rules.red_min_progress
    ]
    red.sort(key=lambda s: (-s.done, -s.mean_progress, s.party))
    return red[: rules.size], black[: rules.size]


class StuckReason(StrEnum):
    BLOCKED = "blocked"
    OVERDUE = "overdue"
    NO_PROGRESS = "no_progress"


@dataclass(frozen=True, slots=True)
class StuckTask:
    task: TaskFacts
    reasons: tuple[StuckReason, ...]
    days_overdue: int = 0


def stuck_tasks(
    tasks: Iterable[TaskFacts],
    today: dt.date,
    *,
    since: dt.datetime | None,
    advanced: Collection[int],
) -> list[StuckTask]:
    """The open TASKS to put on the consultation agenda, with why.

    SINCE is the previous consultation; ADVANCED the ids of tasks whose progress rose since then.
    """
    result: list[StuckTask] = []
    for task in tasks:
        if not task.is_open:
            continue
        reasons: list[StuckReason] = []
        if task.status == TaskStatus.BLOCKED:
            reasons.append(StuckReason.BLOCKED)
        overdue = days_overdue(task.deadline, today)
        if overdue:
            reasons.append(StuckReason.OVERDUE)
        existed = since is None or (task.created_at is not None and task.created_at <= since)
        if existed and task.id not in advanced:
            reasons.append(StuckReason.NO_PROGRESS)
        if reasons:
            result.append(StuckTask(task, tuple(reasons), overdue))
    return result


def parties_not_reported(tasks: Iterable[TaskFacts], since: dt.datetime) -> list[str]:
    """Parties of TASKS none of whose tasks got a report after SINCE, in first-seen order."""
    reported: dict[str, bool] = defaultdict(bool)
    for task in tasks:
        fresh = task.last_report_at is not None and task.last_report_at > since
        for party in task.parties:
            reported[party] = reported[party] or fresh
    return [party for party, ok in reported.items() if not ok]
