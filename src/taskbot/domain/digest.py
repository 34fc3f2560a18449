"""Judging tasks: the progress digest, the red/black list (红黑榜) and the consultation agenda.

Pure functions over ``TaskFacts`` snapshots; the store is read by ``taskbot.services.digest``.

Standing of a task at a moment (the first rule that matches wins):
1. **done** — marked done (within the digest's period, when it has one);
2. **overdue** — open and its deadline is past;
3. **blocked** — open and reported blocked;
4. **silent** — open and nothing reported for ``silent_days`` (counted from creation when never);
5. **on track** — any other open task.
Cancelled tasks are left out.

Red/black list (红黑榜), per **unit** — one chat answering for its share of a task (an
assignment); collective phrases (各镇街, 全市上下) are never ranked, and a task no unit answers for
is not ranked. A share counts, in the period:
- **overdue** — not done and the task's deadline is past; **blocked** — reported blocked;
  **silent** — nothing reported for ``silent_days`` (from the task's creation when never), or a
  reporting period of the task's reporting rule ended in the period with no report from the unit
  (the report ledger has none for it);
- **done on time / late** — completed in the period, by the deadline or after it (按期 / 逾期办结);
- **reported** — a report (or a completion) in the period.
- **black list** (黑榜): a unit with a share overdue by at least ``black_overdue_days`` days, a
  silent share, or a late completion; worst first (most overdue, most silent, most late, longest
  overdue, name);
- **red list** (红榜): a unit with nothing blocked, nothing overdue, nothing silent and nothing
  finished late, that reported something in the period, and whose mean progress (done = 100) is
  at least ``red_min_progress``; best first (most done, highest mean progress, name).
Each list holds at most ``size`` units; no unit is on both. Each score keeps the counts that put
the unit there, so its line can say why (and never a zero: ``逾期 0 项``).

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
from taskbot.domain.report_rules import ReportRule, missed_moments
from taskbot.domain.values import OPEN_STATUS_VALUES, TaskStatus


@dataclass(slots=True)
class UnitFacts:
    """One unit's share of a task (an assignment), as the digest needs it. Treat as read-only (not
    frozen for the same reason as ``TaskFacts``)."""

    chat_id: int  # Telegram's chat id of the unit
    name: str
    role: str = "lead"
    status: str = TaskStatus.OPEN.value
    progress: int = 0
    last_report_at: dt.datetime | None = None
    last_report_text: str = ""
    completed_at: dt.datetime | None = None
    completion: str | None = None
    # The report ledger: the ends of the reporting periods (``report_rules.period_end``) this unit
    # reported in, for a task with a reporting rule.
    reported_periods: frozenset[dt.datetime] = frozenset()


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
    # Each unit's share, in the order the units came (empty: no chat receives the task).
    units: tuple[UnitFacts, ...] = ()
    # When its units must report (报送要求); None when it has no reporting rule.
    report_rule: ReportRule | None = None

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
    # Where reporting rules' due times are read (a missed reporting period counts as silent).
    tz: dt.tzinfo = dt.UTC


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
class UnitScore:
    """What one unit did in the period; the counts say why it is on a list."""

    unit: str
    chat_id: int
    tasks: int = 0
    done: int = 0
    done_late: int = 0
    overdue: int = 0
    black_overdue: int = 0
    max_days_overdue: int = 0
    silent: int = 0
    blocked: int = 0
    reported: int = 0
    progress_sum: int = 0

    @property
    def party(self) -> str:
        return self.unit

    @property
    def mean_progress(self) -> int:
        return round(self.progress_sum / self.tasks) if self.tasks else 0

    @property
    def is_black(self) -> bool:
        return bool(self.black_overdue or self.silent or self.done_late)

    def is_red(self, rules: RedBlackRules) -> bool:
        clean = not (self.blocked or self.overdue or self.silent or self.done_late)
        return clean and self.reported > 0 and self.mean_progress >= rules.red_min_progress


PartyScore = UnitScore  # the name the list had when it ranked parties


@dataclass(frozen=True, slots=True)
class Digest:
    """The progress digest at NOW: every task's standing and the red/black list."""

    now: dt.datetime
    period_start: dt.datetime | None
    entries: list[DigestEntry]
    red: list[UnitScore] = field(default_factory=list)
    black: list[UnitScore] = field(default_factory=list)
    # Parties of these tasks that no unit answers for yet (collective ones: bind them in each
    # unit's group), in first-seen order.
    unbound: list[str] = field(default_factory=list)

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
    red, black = red_black(entries, now, rules, period_start=period_start)
    return Digest(now, period_start, entries, red, black, unbound_parties(e.task for e in entries))


def unbound_parties(tasks: Iterable[TaskFacts]) -> list[str]:
    """Parties of open TASKS that no unit answers for (the task has no assignment), first seen first."""
    found: dict[str, None] = {}
    for task in tasks:
        if task.is_open and not task.units:
            for party in task.parties:
                found.setdefault(party, None)
    return list(found)


def red_black(
    entries: Iterable[DigestEntry],
    now: dt.datetime,
    rules: RedBlackRules,
    *,
    period_start: dt.datetime | None = None,
) -> tuple[list[UnitScore], list[UnitScore]]:
    """The red list and the black list of the units answering for ENTRIES' tasks.

    The period starts at PERIOD_START (default: ``silent_days`` before NOW).
    """
    start = period_start or now - dt.timedelta(days=rules.silent_days)
    silent_for = dt.timedelta(days=rules.silent_days)
    scores: dict[int, UnitScore] = {}
    for entry in entries:
        task = entry.task
        for unit in task.units:
            score = scores.get(unit.chat_id)
            if score is None:
                score = scores[unit.chat_id] = UnitScore(unit.name, unit.chat_id)
            _score_share(score, task, unit, entry.days_overdue, start, now, silent_for, rules)
    black = [s for s in scores.values() if s.is_black]
    black.sort(key=lambda s: (-s.black_overdue, -s.silent, -s.done_late, -s.max_days_overdue, s.unit))
    red = [s for s in scores.values() if s.is_red(rules)]
    red.sort(key=lambda s: (-s.done, -s.mean_progress, s.unit))
    return red[: rules.size], black[: rules.size]


def _score_share(
    score: UnitScore,
    task: TaskFacts,
    unit: UnitFacts,
    overdue_days: int,
    start: dt.datetime,
    now: dt.datetime,
    silent_for: dt.timedelta,
    rules: RedBlackRules,
) -> None:
    score.tasks += 1
    if unit.status == TaskStatus.DONE:
        score.progress_sum += 100
        if unit.completed_at is not None and unit.completed_at >= start:
            score.done += 1
            score.reported += 1
            if unit.completion == "late":
                score.done_late += 1
        return
    score.progress_sum += unit.progress
    if unit.last_report_at is not None and unit.last_report_at >= start:
        score.reported += 1
    if overdue_days > 0:
        score.overdue += 1
        score.max_days_overdue = max(score.max_days_overdue, overdue_days)
        if overdue_days >= rules.black_overdue_days:
            score.black_overdue += 1
    elif unit.status == TaskStatus.BLOCKED:
        score.blocked += 1
    else:
        since = unit.last_report_at or task.created_at
        if (since is not None and now - since >= silent_for) or missed_period(
            task, unit, start, now, rules.tz
        ):
            score.silent += 1


def missed_period(
    task: TaskFacts, unit: UnitFacts, start: dt.datetime, now: dt.datetime, tz: dt.tzinfo
) -> bool:
    """Whether UNIT let a reporting period of TASK end between START (or the task's creation, when
    later) and NOW without a report in the report ledger."""
    if task.report_rule is None:
        return False
    since = max(start, task.created_at) if task.created_at is not None else start
    return bool(missed_moments(task.report_rule, unit.reported_periods, since, now, tz))


class StuckReason(StrEnum):
    BLOCKED = "blocked"
    OVERDUE = "overdue"
    NO_PROGRESS = "no_progress"


@dataclass(frozen=True, slots=True)
class StuckTask:
    task: TaskFacts
    reasons: tuple[StuckReason, ...]
    days_overdue: int = 0
    # The units whose share is not done yet (the ones the meeting is about), blocked ones first.
    units: tuple[UnitFacts, ...] = ()

    def blocked_reasons(self) -> list[tuple[str, str]]:
        """(unit, the reason it gave) for each blocked unit that gave one."""
        return [
            (u.name, u.last_report_text)
            for u in self.units
            if u.status == TaskStatus.BLOCKED and u.last_report_text
        ]


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
        pending = [u for u in task.units if u.status != TaskStatus.DONE]
        pending.sort(key=lambda u: u.status != TaskStatus.BLOCKED)
        if task.status == TaskStatus.BLOCKED or any(u.status == TaskStatus.BLOCKED for u in pending):
            reasons.append(StuckReason.BLOCKED)
        overdue = days_overdue(task.deadline, today)
        if overdue:
            reasons.append(StuckReason.OVERDUE)
        existed = since is None or (task.created_at is not None and task.created_at <= since)
        if existed and task.id not in advanced:
            reasons.append(StuckReason.NO_PROGRESS)
        if reasons:
            result.append(StuckTask(task, tuple(reasons), overdue, tuple(pending)))
    return result


def parties_not_reported(tasks: Iterable[TaskFacts], since: dt.datetime) -> list[str]:
    """Parties of TASKS none of whose tasks got a report after SINCE, in first-seen order."""
    reported: dict[str, bool] = defaultdict(bool)
    for task in tasks:
        fresh = task.last_report_at is not None and task.last_report_at > since
        for party in task.parties:
            reported[party] = reported[party] or fresh
    return [party for party, ok in reported.items() if not ok]
