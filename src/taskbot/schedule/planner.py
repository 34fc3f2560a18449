"""Planning: which chat gets which tasks on a beat. No wording, no sending, no store writes.

A ``Fire`` is one message-to-be: a beat at a time, to one chat (or to nobody yet: ``chat_id`` None
means no chat is bound to those tasks; the leaders' audience with no ``leaders_chat_id`` likewise).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from taskbot.config import Settings
from taskbot.domain.beats import BeatRules, fires_between, last_fire, next_fire, task_on_beat
from taskbot.domain.calendar import WorkCalendar
from taskbot.domain.deadlines import escalation_day, notice_on
from taskbot.domain.digest import TaskFacts, UnitFacts, stuck_tasks
from taskbot.domain.report_rules import due_moments
from taskbot.domain.values import OPEN_STATUS_VALUES, Beat
from taskbot.domain.workflow import holds_overdue
from taskbot.services.digest import StoreView

log = logging.getLogger(__name__)

BEAT_ORDER = {beat: i for i, beat in enumerate(Beat)}
# The beats the leaders' chat gets a message of.
LEADERS_BEATS = frozenset({Beat.FORTNIGHTLY, Beat.MONTHLY, Beat.ESCALATION})
JUST_BEFORE = dt.timedelta(microseconds=1)


class Audience(StrEnum):
    CHAT = "chat"  # the chat that receives the tasks (or, with no chat, the default chat)
    LEADERS = "leaders"  # the leaders' chat: the overall bulletin and escalations
    OFFICE = "office"  # the supervising office: the 催报名单


REPORT_BEATS = frozenset({Beat.REPORT_DUE, Beat.REPORT_OVERDUE})


def _office_chats(settings: Settings) -> tuple[int, ...]:
    office = settings.workflow.office_chat_id
    return (office,) if office is not None else tuple(settings.admins)


@dataclass(frozen=True, slots=True)
class Fire:
    at: dt.datetime
    beat: Beat
    chat_id: int | None
    task_ids: tuple[int, ...]
    audience: Audience = Audience.CHAT

    def sort_key(self) -> tuple[Any, ...]:
        chat = (0, 0) if self.chat_id is None else (1, self.chat_id)
        return (self.at, BEAT_ORDER[self.beat], self.audience != Audience.CHAT, chat)


@dataclass(frozen=True, slots=True)
class PlanRules:
    beats: BeatRules
    deadline_offsets: tuple[int, ...] = (7, 3, 1)
    escalate_after_days: int = 3
    leaders_chat_id: int | None = None
    # Where the office gets its lists (催报名单): workflow.office_chat_id, else each admin privately.
    office_chats: tuple[int, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings, leaders_chat_id: int | None = None) -> PlanRules:
        """Rules from SETTINGS; LEADERS_CHAT_ID overrides the setting (after a chat migration)."""
        sch = settings.schedule
        beats = BeatRules(
            tz=settings.tz,
            weekly_time=sch.weekly.time,
            fortnightly_time=sch.fortnightly.time,
            fortnightly_mode=sch.fortnightly.mode,
            fortnightly_anchor=sch.fortnightly.anchor,
            monthly_time=sch.monthly.time,
            deadline_time=sch.deadline.time,
            report_due_time=settings.workflow.report_reminder_time,
            report_overdue_time=settings.workflow.report_overdue_time,
        )
        return cls(
            beats=beats,
            deadline_offsets=tuple(sch.deadline_offsets),
            escalate_after_days=sch.escalate_after_days,
            leaders_chat_id=settings.leaders_chat_id if leaders_chat_id is None else leaders_chat_id,
            office_chats=_office_chats(settings),
        )


def previous_fire(beat: Beat, at: dt.datetime, rules: PlanRules, cal: WorkCalendar) -> dt.datetime:
    """The fire of BEAT before the one at AT."""
    return last_fire(beat, at - JUST_BEFORE, rules.beats, cal)


def _by_chat(task_ids: Iterable[int], view: StoreView, at: dt.datetime, beat: Beat) -> list[Fire]:
    groups: dict[int | None, list[int]] = {}
    for tid in task_ids:
        for chat in view.routes.get(tid) or (None,):
            group = groups.get(chat)
            if group is None:
                groups[chat] = [tid]
            else:
                group.append(tid)
    return [Fire(at, beat, chat, tuple(ids)) for chat, ids in groups.items()]


def _passing(tasks: Iterable[TaskFacts], beat: Beat, test: Callable[[TaskFacts], bool]) -> list[TaskFacts]:
    """The TASKS that pass TEST; a task whose test fails (a poisoned row) is logged and left out."""
    kept: list[TaskFacts] = []
    for t in tasks:
        try:
            if test(t):
                kept.append(t)
        except (ArithmeticError, ValueError, TypeError) as exc:
            log.warning("%s beat: task %s skipped, its data cannot be planned (%s)", beat.value, t.id, exc)
    return kept


def beat_tasks(
    beat: Beat,
    at: dt.datetime,
    view: StoreView,
    rules: PlanRules,
    cal: WorkCalendar,
    *,
    leaders: bool = False,
) -> list[int]:
    """Ids of the tasks BEAT at AT concerns, in id order.

    A task's cadence decides which beats remind its units' chats; the LEADERS' bulletin and
    consultation agenda cover every task, whatever its cadence.
    """
    day = at.astimezone(rules.beats.tz).date()
    tasks: Iterable[TaskFacts] = view.tasks.values()

    def on_beat(task: TaskFacts) -> bool:
        return leaders or task_on_beat(task.cadence, beat, day)

    if beat is Beat.WEEKLY:
        return [t.id for t in _passing(tasks, beat, lambda t: t.is_open and on_beat(t))]
    if beat is Beat.FORTNIGHTLY:
        since = previous_fire(beat, at, rules, cal)
        return [
            t.id
            for t in _passing(
                tasks,
                beat,
                lambda t: on_beat(t) and (t.is_open or (t.done_at is not None and since < t.done_at <= at)),
            )
        ]
    if beat is Beat.MONTHLY:
        since = previous_fire(beat, at, rules, cal)
        candidates = _passing(tasks, beat, lambda t: t.is_open and on_beat(t))
        stuck = stuck_tasks(candidates, day, since=since, advanced=view.advanced_since(since))
        return [s.task.id for s in stuck]
    offsets = rules.deadline_offsets
    if beat is Beat.DEADLINE:
        return [
            t.id
            for t in _passing(
                tasks,
                beat,
                lambda t: (
                    t.is_open
                    and t.deadline is not None
                    and notice_on(day, t.deadline, offsets, cal) is not None
                ),
            )
        ]
    after = rules.escalate_after_days
    return [
        t.id
        for t in _passing(
            tasks,
            beat,
            lambda t: t.is_open and t.deadline is not None and escalation_day(t.deadline, after, cal) == day,
        )
    ]


def plan_beat(
    beat: Beat, at: dt.datetime, view: StoreView, rules: PlanRules, cal: WorkCalendar
) -> list[Fire]:
    """The messages BEAT fired at AT sends: one per chat, plus the leaders' one where it has one
    (the fortnightly bulletin and the consultation over every task, and escalations)."""
    if beat in REPORT_BEATS:
        return plan_reports(beat, at, view, rules, cal)
    fires: list[Fire] = []
    if beat is not Beat.ESCALATION:
        ids = beat_tasks(beat, at, view, rules, cal)
        fires = _by_chat(ids, view, at, beat) if ids else []
        if beat is Beat.DEADLINE and view.held:
            fires = _release_held(fires, view, at.astimezone(rules.beats.tz).date())
    if beat in LEADERS_BEATS:
        every = beat_tasks(beat, at, view, rules, cal, leaders=beat is not Beat.ESCALATION)
        if every:
            fires.append(Fire(at, beat, rules.leaders_chat_id, tuple(every), Audience.LEADERS))
    fires.sort(key=Fire.sort_key)
    return fires


def report_dues(
    beat: Beat, at: dt.datetime, view: StoreView, rules: PlanRules, cal: WorkCalendar
) -> list[tuple[int, dt.datetime, tuple[UnitFacts, ...]]]:
    """(task id, due moment, the units that have not reported for the period ending then) for each
    report due the fire of BEAT at AT concerns: for report_due, the dues until its next fire; for
    report_overdue, the dues since its previous fire. Only open shares of open tasks are chased, and
    only those the report ledger has no report from for the period ending at the due moment."""
    tz = rules.beats.tz
    if beat is Beat.REPORT_DUE:
        start, end = at, next_fire(beat, at, rules.beats, cal)
    else:
        start, end = previous_fire(beat, at, rules, cal), at
    found = []
    for task_id, rule in sorted(view.report_rules.items()):
        task = view.tasks.get(task_id)
        if task is None or not task.is_open:
            continue
        for moment in due_moments(rule, start, end, tz):
            silent = tuple(
                u for u in task.units if u.status in OPEN_STATUS_VALUES and moment not in u.reported_periods
            )
            if silent:
                found.append((task_id, moment, silent))
    return found


def plan_reports(
    beat: Beat, at: dt.datetime, view: StoreView, rules: PlanRules, cal: WorkCalendar
) -> list[Fire]:
    """report_due: one fire per unit chat with reports due; report_overdue: one fire per office chat."""
    dues = report_dues(beat, at, view, rules, cal)
    if not dues:
        return []
    if beat is Beat.REPORT_OVERDUE:
        ids = tuple(dict.fromkeys(task_id for task_id, _, _ in dues))
        return [Fire(at, beat, chat, ids, Audience.OFFICE) for chat in rules.office_chats]
    by_chat: dict[int, list[int]] = {}
    for task_id, _, silent in dues:
        for unit in silent:
            if unit.chat_id in view.routes.get(task_id, ()):
                chat_tasks = by_chat.setdefault(unit.chat_id, [])
                if task_id not in chat_tasks:
                    chat_tasks.append(task_id)
    fires = [Fire(at, beat, chat, tuple(chat_tasks)) for chat, chat_tasks in by_chat.items()]
    fires.sort(key=Fire.sort_key)
    return fires


def _release_held(fires: list[Fire], view: StoreView, day: dt.date) -> list[Fire]:
    """FIRES without the tasks whose unit (the fire's chat) has its deadline reminders held on DAY:
    an extension asked and not answered, or granted and not run out."""
    kept: list[Fire] = []
    for fire in fires:
        ids = tuple(
            tid
            for tid in fire.task_ids
            if fire.chat_id is None
            or (tid, fire.chat_id) not in view.held
            or not holds_overdue(
                day,
                view.tasks[tid].deadline,
                view.held[(tid, fire.chat_id)],
                view.held[(tid, fire.chat_id)] is None,
            )
        )
        if ids:
            kept.append(replace(fire, task_ids=ids))
    return kept


def plan_window(
    start: dt.datetime,
    end: dt.datetime,
    view: StoreView,
    rules: PlanRules,
    cal: WorkCalendar,
    beats: Iterable[Beat] = tuple(Beat),
) -> list[Fire]:
    """Every message the beats in START < t <= END would send if the store stayed as it is."""
    fires: list[Fire] = []
    for beat in beats:
        for at in fires_between(beat, start, end, rules.beats, cal):
            fires.extend(plan_beat(beat, at, view, rules, cal))
    fires.sort(key=Fire.sort_key)
    return fires
