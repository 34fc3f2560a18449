"""Read the store into the domain's ``TaskFacts``: for the beats, the digest and ``taskbot report``.

Reads columns, not ORM objects, so that a beat over 100 000 tasks loads in well under a second.
Routing follows the assignments (``services.assignments.sync_assignments`` keeps them): a task goes
to the active chats of its units; each unit's share comes along for the red/black list.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, String, and_, func, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased

from taskbot.config import Settings
from taskbot.domain.digest import Digest, RedBlackRules, TaskFacts, UnitFacts, build_digest
from taskbot.domain.report_rules import ReportRule
from taskbot.domain.values import OPEN_STATUS_VALUES, TaskStatus
from taskbot.services.workflow import deadline_holds
from taskbot.store.models import (
    Assignment,
    Binding,
    Chat,
    Party,
    Person,
    Report,
    ReportPeriod,
    Task,
    TaskParty,
    TaskReportRule,
    as_utc,
)


@dataclass(frozen=True, slots=True)
class ChatInfo:
    pk: int
    telegram_id: int
    title: str
    language: str | None
    active: bool


@dataclass
class StoreView:
    """The tasks a beat may concern, where each goes, and the chats they go to."""

    tasks: dict[int, TaskFacts]
    # Task id → Telegram ids of the active chats that receive it (empty: no chat is bound).
    routes: dict[int, tuple[int, ...]]
    # Telegram chat id → the chat (active or not).
    chats: dict[int, ChatInfo]
    # since → ids of the tasks whose progress rose after SINCE (asked lazily: only consultations need it).
    advanced_since: Callable[[dt.datetime], frozenset[int]] = field(default=lambda since: frozenset())
    # Telegram chat id → the @usernames of the people bound to the parties that chat answers for
    # (asked lazily: only reminders to a unit's group mention them).
    mentions: Callable[[int], tuple[str, ...]] = field(default=lambda chat_id: ())
    # (task id, Telegram chat id) → the unit's approved extension, or None while one is asked for:
    # its deadline reminders are held (``taskbot.domain.workflow.holds_overdue``).
    held: dict[tuple[int, int], dt.date | None] = field(default_factory=dict)
    # Task id → its reporting rule (open tasks with one only).
    report_rules: dict[int, ReportRule] = field(default_factory=dict)


def _task_filter(done_since: dt.datetime | None) -> ColumnElement[bool]:
    if done_since is None:
        return Task.status.in_(OPEN_STATUS_VALUES)
    # A task done after DONE_SINCE was updated after it too; the exact time comes from its history.
    return or_(
        Task.status.in_(OPEN_STATUS_VALUES),
        and_(Task.status == TaskStatus.DONE.value, Task.updated_at >= done_since),
    )


def load_view(session: Session, *, done_since: dt.datetime | None = None) -> StoreView:
    """Open tasks (and those done since DONE_SINCE) with their parties and routes."""
    where = _task_filter(done_since)
    chats = {
        row.telegram_chat_id: ChatInfo(row.id, row.telegram_chat_id, row.title, row.language, row.active)
        for row in session.execute(
            select(Chat.id, Chat.telegram_chat_id, Chat.title, Chat.language, Chat.active)
        )
    }
    by_pk = {c.pk: c for c in chats.values()}
    party_names: dict[int, str] = {pid: name for pid, name in session.execute(select(Party.id, Party.name))}
    units = _load_units(session, where, by_pk, party_names)
    task_parties: dict[int, list[int]] = defaultdict(list)
    for task_id, party_id in session.execute(
        select(TaskParty.task_id, TaskParty.party_id)
        .join(Task, Task.id == TaskParty.task_id)
        .where(where)
        .order_by(TaskParty.task_id, TaskParty.party_id)
    ):
        task_parties[task_id].append(party_id)
    done_at: dict[int, dt.datetime] = {}
    if done_since is not None:
        done_at = {
            tid: at
            for tid, at in session.execute(
                select(Report.task_id, func.max(Report.at))
                .join(Task, Task.id == Report.task_id)
                .where(Task.status == TaskStatus.DONE.value, Task.updated_at >= done_since)
                .where(Report.status == TaskStatus.DONE.value)
                .group_by(Report.task_id)
            )
        }
    tasks: dict[int, TaskFacts] = {}
    routes: dict[int, tuple[int, ...]] = {}
    # Raw columns, converted below with small caches: the ORM's per-value processing of dates and
    # JSON would be most of the time of a beat over 100 000 tasks.
    stmt = (
        select(
            Task.id,
            Task.title,
            Task.status,
            Task.progress,
            type_coerce(Task.deadline, String),
            type_coerce(Task.cadence, String),
            type_coerce(Task.created_at, String),
            type_coerce(Task.last_report_at, String),
            type_coerce(Task.updated_at, String),
        )
        .where(where)
        .order_by(Task.id)
    )
    rows = session.connection().execute(stmt).all()
    day, cadence_of, moment = _cached(_to_date), _cached(_to_cadence), _to_utc
    names: dict[tuple[int, ...], tuple[str, ...]] = {}
    for tid, title, status, progress, deadline, cadence, created, reported, updated in rows:
        shares = units.get(tid)
        parties = tuple(task_parties.get(tid, ()))
        party_tuple = names.get(parties)
        if party_tuple is None:
            party_tuple = names[parties] = tuple(party_names[p] for p in parties)
        tasks[tid] = TaskFacts(
            id=tid,
            title=title,
            status=status,
            progress=progress or 0,
            deadline=day(deadline),
            cadence=cadence_of(cadence),
            parties=party_tuple,
            created_at=moment(created),
            last_report_at=moment(reported),
            done_at=done_at.get(tid, moment(updated)) if status == TaskStatus.DONE.value else None,
            units=tuple(shares[0]) if shares else (),
        )
        routes[tid] = tuple(shares[1]) if shares else ()

    answers: dict[dt.datetime, frozenset[int]] = {}
    telegram_of = {pk: chat.telegram_id for pk, chat in by_pk.items()}

    def advanced(since: dt.datetime) -> frozenset[int]:
        # Asked by the planner and again for each chat's wording: read the history once.
        if since not in answers:
            answers[since] = advanced_since(session, since, tasks, telegram_of)
        return answers[since]

    rules = {
        tid: rule
        for tid, data in session.execute(
            select(TaskReportRule.task_id, TaskReportRule.rule)
            .join(Task, Task.id == TaskReportRule.task_id)
            .where(where)
        )
        if (rule := ReportRule.from_json(data)) is not None
    }
    people: dict[int, tuple[str, ...]] | None = None

    def mentions(chat_id: int) -> tuple[str, ...]:
        nonlocal people
        if people is None:
            people = unit_people(session)
        return people.get(chat_id, ())

    for tid, rule in rules.items():
        if tid in tasks:
            tasks[tid].report_rule = rule
    return StoreView(tasks, routes, chats, advanced, mentions, deadline_holds(session), rules)


def unit_people(session: Session) -> dict[int, tuple[str, ...]]:
    """Telegram chat id → @usernames of the people bound to a party bound in that chat."""
    in_chat = aliased(Binding)
    of_person = aliased(Binding)
    found: dict[int, dict[str, None]] = defaultdict(dict)
    for chat_id, username in session.execute(
        select(Chat.telegram_chat_id, Person.username)
        .join(in_chat, in_chat.chat_id == Chat.id)
        .join(of_person, (of_person.party_id == in_chat.party_id) & of_person.person_id.is_not(None))
        .join(Person, Person.id == of_person.person_id)
        .where(Person.username.is_not(None), Chat.active.is_(True))
        .order_by(Chat.telegram_chat_id, of_person.id)
    ):
        found[chat_id].setdefault(f"@{username}", None)
    return {chat_id: tuple(names) for chat_id, names in found.items()}


def _load_units(
    session: Session, where: ColumnElement[bool], by_pk: dict[int, ChatInfo], party_names: dict[int, str]
) -> dict[int, tuple[list[UnitFacts], list[int]]]:
    """Task id → its units' shares and the Telegram ids of their active chats, in assignment order."""
    stmt = (
        select(
            Assignment.id,
            Assignment.task_id,
            Assignment.chat_id,
            Assignment.party_id,
            Assignment.role,
            Assignment.status,
            Assignment.progress,
            type_coerce(Assignment.last_report_at, String),
            Assignment.last_report_text,
            type_coerce(Assignment.completed_at, String),
            Assignment.completion,
        )
        .join(Task, Task.id == Assignment.task_id)
        .where(where)
        .order_by(Assignment.id)
    )
    result: dict[int, tuple[list[UnitFacts], list[int]]] = {}
    moment = _to_utc
    ledger = _report_ledger(session, where)
    for share_id, tid, chat_pk, party_id, role, status, progress, reported, text, completed, how in (
        session.connection().execute(stmt).all()
    ):
        chat = by_pk.get(chat_pk)
        if chat is None:
            continue
        name = (
            chat.title
            or (party_names.get(party_id) if party_id is not None else None)
            or str(chat.telegram_id)
        )
        unit = UnitFacts(
            chat.telegram_id,
            name,
            role,
            status,
            progress or 0,
            None if reported is None else moment(reported),
            text or "",
            None if completed is None else moment(completed),
            how,
            ledger.get(share_id, frozenset()),
        )
        found = result.get(tid)
        if found is None:
            found = result[tid] = ([], [])
        found[0].append(unit)
        if chat.active:
            found[1].append(chat.telegram_id)
    return result


def _report_ledger(session: Session, where: ColumnElement[bool]) -> dict[int, frozenset[dt.datetime]]:
    """Assignment id → the ends of the reporting periods it reported in (the report ledger)."""
    found: dict[int, set[dt.datetime]] = defaultdict(set)
    for share_id, end in session.execute(
        select(ReportPeriod.assignment_id, ReportPeriod.period_end)
        .join(Assignment, Assignment.id == ReportPeriod.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .where(where)
    ):
        found[share_id].add(end)
    return {share_id: frozenset(ends) for share_id, ends in found.items()}


def _cached(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    memo: dict[Any, Any] = {}

    def cached(value: Any) -> Any:
        if value is None:
            return convert(value)
        try:
            return memo[value]
        except KeyError:
            result = memo[value] = convert(value)
            return result
        except TypeError:  # an unhashable value (a list from a driver that parses JSON itself)
            return convert(value)

    return cached


def _to_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _to_cadence(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = json.loads(value)
    return tuple(value or ())


def _to_utc(value: Any) -> dt.datetime | None:
    """An aware UTC datetime from what the driver returns (SQLite: text; PostgreSQL: datetime)."""
    if value is None:
        return None
    return as_utc(dt.datetime.fromisoformat(value) if isinstance(value, str) else value)


def advanced_since(
    session: Session,
    since: dt.datetime,
    tasks: dict[int, TaskFacts],
    telegram_of: dict[int, int] | None = None,
) -> frozenset[int]:
    """Ids of TASKS whose progress now is higher than it was at SINCE (per their report history).

    A task with units advanced when any unit's share did: its progress now against that unit's
    last report before SINCE (or, for reports older than units, the task's). TELEGRAM_OF maps chat
    pks (a report's unit) to Telegram ids (a share's unit).
    """
    telegram_of = telegram_of or {}
    then: dict[tuple[int, int | None], int] = {}
    for task_id, unit_pk, progress in session.execute(
        select(Report.task_id, Report.unit_chat_id, Report.progress)
        .join(Task, Task.id == Report.task_id)
        .where(Task.status.in_(OPEN_STATUS_VALUES), Report.progress.is_not(None), Report.at <= since)
        .order_by(Report.task_id, Report.at, Report.id)
    ):
        if progress is not None:  # the query keeps reports with a progress only
            then[(task_id, telegram_of.get(unit_pk) if unit_pk is not None else None)] = progress
    advanced = set()
    for t in tasks.values():
        before = then.get((t.id, None), 0)
        if t.units:
            if any(u.progress > then.get((t.id, u.chat_id), before) for u in t.units):
                advanced.add(t.id)
        elif t.progress > before:
            advanced.add(t.id)
    return frozenset(advanced)


def current_digest(
    session: Session,
    now: dt.datetime,
    today: dt.date,
    rules: RedBlackRules,
    *,
    since: dt.datetime | None = None,
) -> Digest:
    """The digest of every task at NOW: open ones and those done since SINCE.

    SINCE defaults to ``silent_days`` before NOW.
    """
    if since is None:
        since = now - dt.timedelta(days=rules.silent_days)
    view = load_view(session, done_since=since)
    return build_digest(view.tasks.values(), now, today, rules, period_start=since)


def red_black_rules(settings: Settings) -> RedBlackRules:
    """The red/black rules of SETTINGS (``redblack.*``)."""
    rb = settings.redblack
    return RedBlackRules(
        silent_days=rb.silent_days,
        red_min_progress=rb.red_min_progress,
        black_overdue_days=rb.black_overdue_days,
        size=rb.size,
        tz=settings.tz,
    )
