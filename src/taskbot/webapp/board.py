"""What the 看板 shows: who the viewer is, which tasks they may see, and each page's figures.

Plain functions over a Session, shared by the HTTP handlers, the tests and the benchmark. They
return data (codes, numbers, names from the store); the words come from the catalog
(``i18n/catalog_web.py``), which the page receives once in ``/api/me``.

Who sees what: a configured **admin** or **leader** sees every task; an **official** (a person the
store knows, bound to units' parties or assigned tasks) sees the tasks they answer for personally —
the same rule as their private chat with the bot (``services.people``). Anybody else sees nothing.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, true
from sqlalchemy.orm import Session

from taskbot.config import Settings
from taskbot.domain.board import light, quiet_since, share_standing
from taskbot.domain.digest import STANDING_ORDER, Standing, build_digest
from taskbot.domain.values import OPEN_STATUS_VALUES, TaskStatus
from taskbot.i18n import pick_language
from taskbot.services.digest import load_view, red_black_rules
from taskbot.services.people import Actor, access, is_configured_admin, upsert_chat, upsert_person
from taskbot.store.models import (
    Assignment,
    Binding,
    Chat,
    Party,
    Person,
    Report,
    Task,
    TaskAssignee,
    TaskParty,
)
from taskbot.webapp.initdata import WebAppUser

_T = TypeVar("_T")
PAGE_SIZE = 50
MAX_QUERY = 100


class Role(StrEnum):
    ADMIN = "admin"
    LEADER = "leader"
    OFFICIAL = "official"


@dataclass(frozen=True, slots=True)
class Viewer:
    """The person looking at the 看板, and what they may see."""

    user_id: int
    name: str
    role: Role
    lang: str
    person_id: int | None = None

    @property
    def sees_everything(self) -> bool:
        return self.role in (Role.ADMIN, Role.LEADER)


def role_of(settings: Settings, user_id: int) -> Role | None:
    """ADMIN or LEADER by the configuration (``admins``, ``leaders``), else None."""
    if is_configured_admin(settings.admins, user_id):
        return Role.ADMIN
    if user_id in settings.leaders:
        return Role.LEADER
    return None


def viewer_for(session: Session, settings: Settings, user: WebAppUser) -> Viewer | None:
    """The viewer USER is, or None when the 看板 has nothing for them (a stranger)."""
    lang = pick_language(user.language_code, settings.language)
    name = user.full_name or (f"@{user.username}" if user.username else str(user.id))
    person = session.scalar(select(Person).where(Person.telegram_user_id == user.id))
    role = role_of(settings, user.id)
    if role is not None:
        return Viewer(user.id, name, role, lang, person.id if person is not None else None)
    if person is None or not session.scalar(select(_answers_for(person.id).exists())):
        return None
    return Viewer(user.id, name, Role.OFFICIAL, lang, person.id)


def _answers_for(person_id: int) -> Select[tuple[int]]:
    """Ids of the tasks PERSON answers for: assigned to them, or of a party bound to them."""
    assigned = select(TaskAssignee.task_id).where(TaskAssignee.person_id == person_id)
    bound = select(Binding.party_id).where(Binding.person_id == person_id)
    via_party = select(TaskParty.task_id).where(TaskParty.party_id.in_(bound))
    return assigned.union(via_party)  # type: ignore[return-value]


def visible(viewer: Viewer) -> ColumnElement[bool]:
    """The SQL condition on Task of the tasks VIEWER may see."""
    if viewer.sees_everything:
        return true()
    if viewer.person_id is None:
        return Task.id.is_(None)
    return Task.id.in_(_answers_for(viewer.person_id))


# --- overview -----------------------------------------------------------------------------------


@dataclass(slots=True)
class UnitRow:
    chat_id: int
    name: str
    counts: dict[Standing, int] = field(default_factory=lambda: dict.fromkeys(STANDING_ORDER, 0))

    def as_json(self) -> dict[str, Any]:
        problems = sum(self.counts[s] for s in (Standing.OVERDUE, Standing.BLOCKED, Standing.SILENT))
        return {
            "chat": self.chat_id,
            "name": self.name,
            "counts": {s.value: n for s, n in self.counts.items()},
            "total": sum(self.counts.values()),
            "problems": problems,
            "light": light(self.counts).value,
        }


def _flags(now: dt.datetime, today: dt.date, silent_days: int, last_activity: Any) -> tuple[Any, Any]:
    """SQL booleans: the task's deadline is past; LAST_ACTIVITY is old enough to be silent."""
    past = and_(Task.deadline.is_not(None), Task.deadline < today)
    quiet = and_(last_activity.is_not(None), last_activity <= quiet_since(now, silent_days))
    return case((past, 1), else_=0).label("past"), case((quiet, 1), else_=0).label("quiet")


def overview(
    session: Session, settings: Settings, viewer: Viewer, now: dt.datetime, today: dt.date
) -> dict[str, Any]:
    """Per unit (a chat answering for shares): how many shares are done, on track, overdue, blocked,
    silent, and its light; the totals over the viewer's tasks (a task by its own standing).

    The store counts the shares by what the rule needs (statuses, deadline past, quiet), so 10 000
    tasks come back as a few hundred rows; ``domain.board.share_standing`` judges each group.
    """
    silent_days = settings.redblack.silent_days
    activity = func.coalesce(Assignment.last_report_at, Task.created_at)
    past, quiet = _flags(now, today, silent_days, activity)
    stmt = (
        select(Assignment.chat_id, Task.status, Assignment.status, past, quiet, func.count())
        .join(Task, Task.id == Assignment.task_id)
        .where(visible(viewer), Task.status != TaskStatus.CANCELLED.value)
        .group_by(Assignment.chat_id, Task.status, Assignment.status, past, quiet)
    )
    units: dict[int, UnitRow] = {}
    for chat_pk, task_status, share_status, is_past, is_quiet, count in session.execute(stmt):
        judged = share_standing(task_status, share_status, past_deadline=bool(is_past), silent=bool(is_quiet))
        if judged is None:
            continue
        row = units.get(chat_pk)
        if row is None:
            row = units[chat_pk] = UnitRow(chat_pk, "")
        row.counts[judged] += count
    names = _unit_names(session, list(units))
    for pk, row in units.items():
        row.name = names.get(pk, str(pk))
    ordered = sorted(units.values(), key=lambda r: (-_problems(r), -sum(r.counts.values()), r.name))
    return {
        "totals": _task_totals(session, viewer, now, today, silent_days),
        "units": [r.as_json() for r in ordered],
    }


class BoardCache:
    """Pages already computed (the overview, the 红黑榜), per scope (everything, or one official's
    tasks), reused while the store has not changed: every change of a task's or a share's standing
    writes a history entry (``Report``), and routing changes add or remove assignments — so (last
    report id, last assignment id, number of assignments) moves whenever a page could. The local
    minute is part of the key too: silence and lateness move with the clock, and names may change.
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._entries: dict[tuple[Any, ...], Any] = {}
        self._lock = threading.Lock()
        self.hits = 0

    def get(
        self,
        session: Session,
        viewer: Viewer,
        now: dt.datetime,
        what: tuple[Any, ...],
        compute: Callable[[], _T],
    ) -> _T:
        """The page WHAT (a key: its name and arguments) for VIEWER at NOW, computed once per state."""
        token = session.execute(
            select(
                select(func.max(Report.id)).scalar_subquery(),
                select(func.max(Assignment.id)).scalar_subquery(),
                select(func.count()).select_from(Assignment).scalar_subquery(),
            )
        ).one()
        scope = "all" if viewer.sees_everything else viewer.person_id
        key = (scope, what, now.replace(second=0, microsecond=0), *token)
        with self._lock:
            if key in self._entries:
                self.hits += 1
                return cast(_T, self._entries[key])
        result = compute()
        with self._lock:
            if len(self._entries) >= self.size:
                self._entries.clear()
            self._entries[key] = result
        return result


def _problems(row: UnitRow) -> int:
    return sum(row.counts[s] for s in (Standing.OVERDUE, Standing.BLOCKED, Standing.SILENT))


def _unit_names(session: Session, chat_pks: list[int]) -> dict[int, str]:
    """Each unit's name: its group's title, else the party it answers for, else its chat id."""
    if not chat_pks:
        return {}
    names: dict[int, str] = {}
    untitled: list[int] = []
    for pk, title, telegram_id in session.execute(
        select(Chat.id, Chat.title, Chat.telegram_chat_id).where(Chat.id.in_(chat_pks))
    ):
        names[pk] = title or str(telegram_id)
        if not title:
            untitled.append(pk)
    if untitled:
        for pk, party in session.execute(
            select(Assignment.chat_id, Party.name)
            .join(Party, Party.id == Assignment.party_id)
            .where(Assignment.chat_id.in_(untitled))
            .distinct()
        ):
            names[pk] = party
    return names


def _task_totals(
    session: Session, viewer: Viewer, now: dt.datetime, today: dt.date, silent_days: int
) -> dict[str, int]:
    """How many of the viewer's tasks stand where (each task once, by its own derived status)."""
    totals = dict.fromkeys((s.value for s in STANDING_ORDER), 0)
    past, quiet = _flags(now, today, silent_days, func.coalesce(Task.last_report_at, Task.created_at))
    stmt = (
        select(Task.status, past, quiet, func.count())
        .where(visible(viewer), Task.status != TaskStatus.CANCELLED.value)
        .group_by(Task.status, past, quiet)
    )
    for status, is_past, is_quiet, count in session.execute(stmt):
        judged = share_standing(status, status, past_deadline=bool(is_past), silent=bool(is_quiet))
        if judged is not None:
            totals[judged.value] += count
    return totals


# --- the 红黑榜 ------------------------------------------------------------------------------------


def red_black(
    session: Session, settings: Settings, viewer: Viewer, now: dt.datetime, today: dt.date, since: dt.datetime
) -> dict[str, Any]:
    """The red and black lists of the period since SINCE (the last fortnightly bulletin), of the
    units answering for the viewer's tasks, ranked by the digest's rules (``domain.digest``)."""
    view = load_view(session, done_since=since)
    ids = set(session.scalars(select(Task.id).where(visible(viewer)))) if not viewer.sees_everything else None
    tasks = [t for tid, t in view.tasks.items() if ids is None or tid in ids]
    digest = build_digest(tasks, now, today, red_black_rules(settings), period_start=since)
    return {"since": since.isoformat(), "red": digest.red, "black": digest.black, "unbound": digest.unbound}


# --- the task list ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaskFilter:
    """The list's filters: a unit (chat pk), a status, only overdue ones, words in the title."""

    unit: int | None = None
    status: str | None = None
    overdue: bool = False
    query: str = ""
    offset: int = 0

    @classmethod
    def from_args(cls, args: dict[str, str]) -> TaskFilter:
        def number(key: str) -> int | None:
            value = args.get(key, "").strip()
            return int(value) if value.isdigit() else None

        status = args.get("status") or None
        if status is not None and status not in {s.value for s in TaskStatus} | {"open_all"}:
            status = None
        return cls(
            unit=number("unit"),
            status=status,
            overdue=args.get("overdue") in ("1", "true"),
            query=" ".join(args.get("q", "").split())[:MAX_QUERY],
            offset=number("offset") or 0,
        )


def task_list(session: Session, viewer: Viewer, today: dt.date, flt: TaskFilter) -> dict[str, Any]:
    """A page of the viewer's tasks matching FLT, overdue and nearest deadline first."""
    where = [visible(viewer)]
    if flt.unit is not None:
        where.append(Task.id.in_(select(Assignment.task_id).where(Assignment.chat_id == flt.unit)))
    if flt.status == "open_all":
        where.append(Task.status.in_(OPEN_STATUS_VALUES))
    elif flt.status:
        where.append(Task.status == flt.status)
    if flt.overdue:
        where.extend([Task.status.in_(OPEN_STATUS_VALUES), Task.deadline < today])
    if flt.query:
        like = f"%{flt.query.replace('%', '').replace('_', '')}%"
        where.append(or_(Task.title.like(like), Task.text.like(like)))
    total = session.scalar(select(func.count()).select_from(Task).where(*where)) or 0
    rows = session.execute(
        select(Task.id, Task.title, Task.status, Task.progress, Task.deadline)
        .where(*where)
        .order_by(Task.deadline.is_(None), Task.deadline, Task.id)
        .offset(flt.offset)
        .limit(PAGE_SIZE)
    ).all()
    return {
        "total": total,
        "offset": flt.offset,
        "tasks": [
            {
                "id": tid,
                "title": title,
                "status": status,
                "progress": progress or 0,
                "deadline": deadline.isoformat() if deadline else None,
                "overdue": bool(deadline and deadline < today and status in OPEN_STATUS_VALUES),
            }
            for tid, title, status, progress, deadline in rows
        ],
    }


def unit_choices(session: Session, viewer: Viewer) -> list[dict[str, Any]]:
    """The units of the viewer's tasks, for the list's unit filter, by name."""
    pks = list(
        session.scalars(
            select(Assignment.chat_id)
            .join(Task, Task.id == Assignment.task_id)
            .where(visible(viewer))
            .distinct()
        )
    )
    names = _unit_names(session, pks)
    return sorted(({"chat": pk, "name": names.get(pk, str(pk))} for pk in pks), key=lambda u: u["name"])


# --- one task -----------------------------------------------------------------------------------


def can_see_task(session: Session, viewer: Viewer, task_id: int) -> bool:
    return bool(session.scalar(select(Task.id).where(Task.id == task_id, visible(viewer))))


def web_actor(session: Session, settings: Settings, user: WebAppUser, viewer: Viewer) -> Actor:
    """The Actor of a report from the 看板: the user in their private chat with the bot, as /status
    there would see them (an admin by ``admins``; a leader is no admin)."""
    person = upsert_person(
        session, user.id, username=user.username, display_name=user.full_name, language=user.language_code
    )
    chat = upsert_chat(session, user.id, title=user.full_name, type="private")
    return Actor(name=viewer.name, person=person, chat=chat, is_admin=viewer.role is Role.ADMIN)


def task_detail(session: Session, task: Task, actor: Actor, tz: dt.tzinfo) -> dict[str, Any]:
    """TASK with each unit's share and its history (newest first, times in TZ), and whether ACTOR
    may report."""

    def local(moment: dt.datetime | None) -> str | None:
        return moment.astimezone(tz).isoformat() if moment is not None else None

    shares = sorted(task.assignments, key=lambda a: a.id)
    names = _unit_names(session, [a.chat_id for a in shares])
    return {
        "id": task.id,
        "title": task.title,
        "text": task.text,
        "status": task.status,
        "progress": task.progress,
        "deadline": task.deadline.isoformat() if task.deadline else None,
        "cadence": list(task.cadence or []),
        "parties": [p.name for p in task.parties],
        "can_report": task.status in OPEN_STATUS_VALUES and access(session, task, actor).responsible,
        "assignments": [
            {
                "unit": names.get(a.chat_id, str(a.chat_id)),
                "role": a.role,
                "status": a.status,
                "progress": a.progress,
                "last_report_at": local(a.last_report_at),
                "last_report_text": a.last_report_text,
                "completion": a.completion,
            }
            for a in shares
        ],
        "history": [
            {
                "at": local(r.at),
                "actor": r.actor,
                "kind": r.kind,
                "status": r.status,
                "progress": r.progress,
                "text": r.text,
            }
            for r in sorted(task.reports, key=lambda r: (r.at, r.id), reverse=True)
        ],
    }
