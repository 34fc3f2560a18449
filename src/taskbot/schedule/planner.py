"""Planning: which chat gets which tasks on a beat. No wording, no sending, no store writes.

A ``Fire`` is one message-to-be: a beat at a time, to one chat (or to nobody yet: ``chat_id`` None
means no chat is bound to those tasks; the leaders' audience with no ``leaders_chat_id`` likewise).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from taskbot.config import Settings
from taskbot.domain.beats import BeatRules, fires_between, last_fire, task_on_beat
from taskbot.domain.calendar import WorkCalendar
from taskbot.domain.deadlines import escalation_day, notice_on
from taskbot.domain.digest import TaskFacts, stuck_tasks
from taskbot.domain.values import Beat
from taskbot.services.digest import StoreView

BEAT_ORDER = {beat: i for i, beat in enumerate(Beat)}
# The beats the leaders' chat gets a message of.
LEADERS_BEATS = frozenset({Beat.FORTNIGHTLY, Beat.MONTHLY, Beat.ESCALATION})
JUST_BEFORE = dt.timedelta(microseconds=1)


class Audience(StrEnum):
    CHAT = "chat"  # the chat that receives the tasks (or, with no chat, the default chat)
    LEADERS = "leaders"  # the leaders' chat: the overall bulletin and escalations


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
        )
        return cls(
            beats=beats,
            deadline_offsets=tuple(sch.deadline_offsets),
            escalate_after_days=sch.escalate_after_days,
            leaders_chat_id=settings.leaders_chat_id if leaders_chat_id is None else leaders_chat_id,
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
        return [t.id for t in tasks if t.is_open and on_beat(t)]
    if beat is Beat.FORTNIGHTLY:
        since = previous_fire(beat, at, rules, cal)
        return [
            t.id
            for t in tasks
            if on_beat(t) and (t.is_open or (t.done_at is not None and since < t.done_at <= at))
        ]
    if beat is Beat.MONTHLY:
        since = previous_fire(beat, at, rules, cal)
        candidates = [t for t in tasks if t.is_open and on_beat(t)]
        stuck = stuck_tasks(candidates, day, since=since, advanced=view.advanced_since(since))
        return [s.task.id for s in stuck]
    offsets = rules.deadline_offsets
    if beat is Beat.DEADLINE:
        return [
            t.id
            for t in tasks
            if t.is_open and t.deadline is not None and notice_on(day, t.deadline, offsets, cal) is not None
        ]
    after = rules.escalate_after_days
    return [
        t.id
        for t in tasks
        if t.is_open and t.deadline is not None and escalation_day(t.deadline, after, cal) == day
    ]


def plan_beat(
    beat: Beat, at: dt.datetime, view: StoreView, rules: PlanRules, cal: WorkCalendar
) -> list[Fire]:
    """The messages BEAT fired at AT sends: one per chat, plus the leaders' one where it has one
    (the fortnightly bulletin and the consultation over every task, and escalations)."""
    fires: list[Fire] = []
    if beat is not Beat.ESCALATION:
        ids = beat_tasks(beat, at, view, rules, cal)
        fires = _by_chat(ids, view, at, beat) if ids else []
    if beat in LEADERS_BEATS:
        every = beat_tasks(beat, at, view, rules, cal, leaders=beat is not Beat.ESCALATION)
        if every:
            fires.append(Fire(at, beat, rules.leaders_chat_id, tuple(every), Audience.LEADERS))
    fires.sort(key=Fire.sort_key)
    return fires


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
