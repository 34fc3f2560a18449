"""Task changes and task queries, shared by the bot and the command line.

Every function takes the session, the acting ``Actor`` and ``now``; it checks the rules of
``taskbot.services.people`` and raises a ``TaskError`` (a code and parameters, no wording) when the
change is not possible, leaving the store untouched. Every change appends a ``Report`` row to the
task's history — who, when, what — and moves ``task.updated_at``; an official's report (done,
status, blocked) also moves ``task.last_report_at``, which is what "silent" means to the digests.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from taskbot.config import Settings
from taskbot.domain.assignments import completion
from taskbot.domain.permissions import Reach, Verdict, decide
from taskbot.domain.text import one_line
from taskbot.domain.values import (
    DATE_MAX,
    DATE_MIN,
    OPEN_STATUS_VALUES,
    OPEN_STATUSES,
    Cadence,
    ReportKind,
    Role,
    TaskStatus,
    in_date_window,
)
from taskbot.services.assignments import (
    derive,
    ledger_report,
    record_share,
    reopen_shares,
    sync_assignments,
    unit_label,
)
from taskbot.services.people import (
    Access,
    Actor,
    access,
    parties_reach_for_task,
    party_reach,
    person_label,
    task_reach,
)
from taskbot.store import queries
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

log = logging.getLogger(__name__)

# A unit named by its group's title or party name, or (from a picker button) its assignment id.
Unit = str | int | None
MAX_TEXT = 2000  # longer report texts are cut: history is for the gist, files go to /import
_REPORT_KINDS = {ReportKind.STATUS, ReportKind.DONE, ReportKind.BLOCKED}
# What satisfies a unit's reporting period (the report ledger): a report, or a completion claimed.
_LEDGER_KINDS = {*_REPORT_KINDS, ReportKind.CLAIMED}
# Where reporting rules' due times are read when the caller does not say (the configured default).
DEFAULT_TZ = ZoneInfo(Settings.model_fields["timezone"].default)


# --- errors: a code the bot maps to a catalog message (``error.<code>``) and its parameters ---


class TaskError(Exception):
    """A change or query that cannot be done as asked; nothing was changed."""

    code = "task_error"

    def __init__(self, code: str | None = None, **params: Any) -> None:
        self.code = code or type(self).code
        self.params = params
        super().__init__(self.code, params)


class TaskNotFound(TaskError):
    """No such task, or (``not_found_here``) not one this chat may see."""

    code = "not_found"


class NotAllowed(TaskError):
    """The actor may not do this: not responsible (``not_responsible``), not an admin here
    (``admin_only``), or a group's admin whose change would reach other chats (``reaches_other_chats``)."""

    code = "not_responsible"


def require(actor: Actor, reach: Reach) -> None:
    """Refuse (NotAllowed) unless the permission rule lets ACTOR cause an effect reaching REACH."""
    verdict = decide(actor.roles, reach, actor.here)
    if verdict is not Verdict.ALLOWED:
        raise NotAllowed(verdict.value)


class InvalidInput(TaskError):
    """The arguments cannot be used: a missing text, a progress over 100, an unknown cadence …"""

    code = "invalid_input"


class WhichUnit(TaskError):
    """The task has several units and nothing says which one's share is meant (``units``: their names)."""

    code = "which_unit"


class InvalidTransition(TaskError):
    """The task is not in a state that allows this: already done, closed, not closed …"""

    code = "invalid_transition"


# --- queries ---


def get_task(session: Session, task_id: int, actor: Actor | None = None, *, history: bool = False) -> Task:
    """The task TASK_ID as ACTOR may see it (with HISTORY: parties, assignees and reports loaded)."""
    return _get(session, task_id, actor, history=history)[0]


def _get(
    session: Session, task_id: int, actor: Actor | None, *, history: bool = False
) -> tuple[Task, Access]:
    options = []
    if history:
        options = [
            selectinload(Task.parties),
            selectinload(Task.assignees),
            selectinload(Task.reports).selectinload(Report.person),
            selectinload(Task.reports).selectinload(Report.unit_chat),
            selectinload(Task.assignments).selectinload(Assignment.chat),
            selectinload(Task.assignments).selectinload(Assignment.party),
        ]
    task = session.get(Task, task_id, options=options) if _valid_id(task_id) else None
    if task is None:
        raise TaskNotFound("not_found", task_id=task_id)
    rights = access(session, task, actor) if actor is not None else Access(True, True)
    if not rights.sees:
        raise TaskNotFound("not_found_here", task_id=task_id)
    return task, rights


def chat_tasks(session: Session, chat: Chat, *, only_open: bool = True) -> list[Task]:
    """The tasks CHAT receives, oldest first."""
    return queries.tasks_of_chat(session, chat, only_open=only_open)


def chat_shares(session: Session, chat: Chat) -> dict[int, Assignment]:
    """CHAT's own assignments, by task id: the unit's standing on each of its tasks."""
    rows = session.scalars(select(Assignment).where(Assignment.chat_id == chat.id))
    return {row.task_id: row for row in rows}


def personal_tasks(session: Session, person: Person, *, only_open: bool = True) -> list[Task]:
    """The tasks PERSON answers for personally: assigned to them or owned by a party bound to them."""
    assigned = select(TaskAssignee.task_id).where(TaskAssignee.person_id == person.id)
    bound_parties = select(Binding.party_id).where(Binding.person_id == person.id)
    via_party = select(TaskParty.task_id).where(TaskParty.party_id.in_(bound_parties))
    stmt = (
        select(Task)
        .where(Task.id.in_(assigned) | Task.id.in_(via_party))
        .options(selectinload(Task.parties), selectinload(Task.assignees))
        .order_by(Task.id)
    )
    if only_open:
        stmt = stmt.where(Task.status.in_(OPEN_STATUS_VALUES))
    return list(session.scalars(stmt))


def my_tasks(session: Session, actor: Actor) -> list[Task]:
    """ACTOR's own open tasks as the chat they ask from may show them.

    Privately: the tasks they answer for personally plus those sent to their private chat. In a
    group: only those of their personal tasks that this group receives (a chat sees only its own).
    """
    if actor.person is None:
        return []
    personal = personal_tasks(session, actor.person)
    if actor.chat is None:
        return personal
    of_chat = chat_tasks(session, actor.chat)
    if actor.in_private:
        merged = {t.id: t for t in [*personal, *of_chat]}
        return [merged[i] for i in sorted(merged)]
    here = {t.id for t in of_chat}
    return [t for t in personal if t.id in here]


# --- reports by the responsible officials ---


def task_for_report(session: Session, task_id: int, actor: Actor) -> Task:
    """The open task ACTOR is about to report on (before asking them for the words)."""
    task = _load_for_report(session, task_id, actor)
    _refuse_closed(task)
    return task


def mark_done(
    session: Session,
    task_id: int,
    actor: Actor,
    now: dt.datetime,
    note: str = "",
    *,
    unit: Unit = None,
    today: dt.date | None = None,
    tz: dt.tzinfo | None = None,
) -> Report:
    """Mark the actor's share of the task (or UNIT's) done, 100%; the task is done when every lead
    share is. TODAY (the local date; default NOW's) decides whether it counts as on time or late;
    TZ (default the configured default) where its reporting rule's due times are read."""
    task = _load_for_report(session, task_id, actor)
    if task.status == TaskStatus.DONE:
        raise InvalidTransition("already_done", task_id=task.id)
    _refuse_closed(task)
    share = _share(session, task, actor, unit)
    if share is not None and share.status == TaskStatus.DONE:
        raise InvalidTransition("unit_already_done", task_id=task.id, unit=unit_label(share))
    if share is not None:
        record_share(share, now, TaskStatus.DONE, progress=100, text=note.strip()[:MAX_TEXT])
        share.completed_at = now
        share.completion = completion(today or now.date(), task.deadline).value
    return _change(
        session,
        task,
        actor,
        now,
        ReportKind.DONE,
        status=TaskStatus.DONE,
        progress=100,
        text=note,
        share=share,
        tz=tz,
    )


def report_status(
    session: Session,
    task_id: int,
    actor: Actor,
    now: dt.datetime,
    text: str,
    progress: int | None = None,
    *,
    unit: Unit = None,
    tz: dt.tzinfo | None = None,
) -> Report:
    """Record a progress report on the actor's share (or UNIT's); it puts an open or blocked share in
    progress."""
    text = text.strip()
    if progress is not None and not 0 <= progress <= 100:
        raise InvalidInput("progress_range", progress=progress)
    if not text and progress is None:
        raise InvalidInput("text_required")
    task = _load_for_report(session, task_id, actor)
    _refuse_closed(task)
    share = _share(session, task, actor, unit)
    if share is not None:
        if share.status == TaskStatus.DONE:
            raise InvalidTransition("unit_already_done", task_id=task.id, unit=unit_label(share))
        record_share(share, now, TaskStatus.IN_PROGRESS, progress=progress, text=text[:MAX_TEXT])
    return _change(
        session,
        task,
        actor,
        now,
        ReportKind.STATUS,
        status=TaskStatus.IN_PROGRESS,
        progress=task.progress if progress is None else progress,
        text=text,
        report_progress=progress,
        share=share,
        tz=tz,
    )


def mark_blocked(
    session: Session,
    task_id: int,
    actor: Actor,
    now: dt.datetime,
    reason: str,
    *,
    unit: Unit = None,
    tz: dt.tzinfo | None = None,
) -> Report:
    """Mark the actor's share of the task (or UNIT's) blocked, with the reason."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason_required")
    task = _load_for_report(session, task_id, actor)
    _refuse_closed(task)
    share = _share(session, task, actor, unit)
    if share is not None:
        if share.status == TaskStatus.DONE:
            raise InvalidTransition("unit_already_done", task_id=task.id, unit=unit_label(share))
        record_share(share, now, TaskStatus.BLOCKED, text=reason[:MAX_TEXT])
    return _change(
        session,
        task,
        actor,
        now,
        ReportKind.BLOCKED,
        status=TaskStatus.BLOCKED,
        text=reason,
        share=share,
        tz=tz,
    )


def split_unit(session: Session, task_id: int, text: str) -> tuple[str | None, str]:
    """TEXT as the name of one of the task's units (its first word, when it is one) and the rest."""
    words = text.strip().split(maxsplit=1)
    if not words or not _valid_id(task_id):
        return None, text.strip()
    rows = _shares_of(session, task_id)
    names = {name for row in rows for name in _names(row)}
    if words[0] in names:
        return words[0], words[1] if len(words) > 1 else ""
    return None, text.strip()


def task_shares(session: Session, task_id: int) -> list[Assignment]:
    """The assignments of the task, in the order its units came (chat and party loaded)."""
    return _shares_of(session, task_id)


def set_role(session: Session, task_id: int, actor: Actor, now: dt.datetime, unit: str, role: Role) -> Report:
    """Make UNIT a lead (牵头) or partner (配合) unit of the task; only lead shares decide done-ness."""
    task = _load_for_admin(session, task_id, actor)
    share = _share(session, task, actor, unit)
    if share is None:
        raise InvalidInput("unit_unknown", task_id=task.id, unit=unit, units="")
    share.role = role.value
    derive(task)
    return _change(session, task, actor, now, ReportKind.ROLE, text=f"{unit_label(share)}:{role.value}")


# --- changes only admins make ---


def close_task(session: Session, task_id: int, actor: Actor, now: dt.datetime, note: str = "") -> Report:
    """Close the task without it being done (cancelled); it leaves every reminder."""
    task = _load_for_admin(session, task_id, actor)
    if task.status == TaskStatus.CANCELLED:
        raise InvalidTransition("already_closed", task_id=task.id)
    return _change(session, task, actor, now, ReportKind.CLOSED, status=TaskStatus.CANCELLED, text=note)


def reopen_task(session: Session, task_id: int, actor: Actor, now: dt.datetime, note: str = "") -> Report:
    """Open a done or closed task again; it is in progress if it had progress below 100%."""
    task = _load_for_admin(session, task_id, actor)
    if task.status in OPEN_STATUSES:
        raise InvalidTransition("not_closed", task_id=task.id)
    status = TaskStatus.IN_PROGRESS if 0 < task.progress < 100 else TaskStatus.OPEN
    progress = 0 if task.progress >= 100 else task.progress
    if task.assignments:
        reopen_shares(task)
        task.status = TaskStatus.OPEN.value  # no longer cancelled: the shares decide again
        derive(task)
        status, progress = TaskStatus(task.status), task.progress
    return _change(
        session, task, actor, now, ReportKind.REOPENED, status=status, progress=progress, text=note
    )


def assign_task(session: Session, task_id: int, actor: Actor, now: dt.datetime, person: Person) -> Report:
    """Make PERSON answer for the task."""
    task = _load_for_admin(session, task_id, actor)
    if any(p.id == person.id for p in task.assignees):
        raise InvalidTransition("already_assigned", task_id=task.id, person=person_label(person))
    task.assignees.append(person)
    return _change(session, task, actor, now, ReportKind.ASSIGNED, text=person_label(person))


def unassign_task(session: Session, task_id: int, actor: Actor, now: dt.datetime, person: Person) -> Report:
    """PERSON no longer answers for the task."""
    task = _load_for_admin(session, task_id, actor)
    if not any(p.id == person.id for p in task.assignees):
        raise InvalidTransition("not_assigned", task_id=task.id, person=person_label(person))
    task.assignees = [p for p in task.assignees if p.id != person.id]
    return _change(session, task, actor, now, ReportKind.ASSIGNED, text=f"-{person_label(person)}")


def set_cadence(
    session: Session, task_id: int, actor: Actor, now: dt.datetime, cadence: Sequence[Cadence]
) -> Report:
    """Set on which beats the task is reminded (empty: the weekly beat only, as for any open task)."""
    task = _load_for_admin(session, task_id, actor)
    task.cadence = [str(c) for c in cadence]
    return _change(session, task, actor, now, ReportKind.CADENCE, text=",".join(task.cadence))


def set_deadline(
    session: Session, task_id: int, actor: Actor, now: dt.datetime, deadline: dt.date | None
) -> Report:
    """Set or (None) clear the task's deadline."""
    task = _load_for_admin(session, task_id, actor)
    _check_deadline(deadline)
    task.deadline = deadline
    return _change(
        session, task, actor, now, ReportKind.DEADLINE, text=deadline.isoformat() if deadline else ""
    )


def add_task(
    session: Session,
    actor: Actor,
    now: dt.datetime,
    title: str,
    *,
    parties: Iterable[str] = (),
    cadence: Sequence[Cadence] = (),
    deadline: dt.date | None = None,
    chat: Chat | None = None,
    text: str = "",
) -> Task:
    """Create a task by hand; with CHAT it goes to that chat, else to the chats bound to its parties."""
    require(
        actor,
        Reach.of(chat.telegram_chat_id) if chat is not None else parties_reach_for_task(session, parties),
    )
    title = one_line(title)
    if not title:
        raise InvalidInput("title_required")
    if len(title) > 500:
        raise InvalidInput("title_too_long", limit=500)
    _check_deadline(deadline)
    task = Task(
        title=title,
        text=text.strip() or title,
        cadence=[str(c) for c in cadence],
        deadline=deadline,
        chat_id=chat.id if chat is not None else None,
        status=TaskStatus.OPEN.value,
        progress=0,
        created_at=now,
        updated_at=now,
    )
    task.parties = [party_named(session, name) for name in _unique(parties)]
    task.assignees = []
    session.add(task)
    session.flush()
    sync_assignments(session, [task.id])
    session.add(_report(task, actor, now, ReportKind.CREATED, text=task.title))
    _log_change(task, actor, ReportKind.CREATED, task.title)
    return task


def _check_deadline(deadline: dt.date | None) -> None:
    if deadline is not None and not in_date_window(deadline):
        raise InvalidInput("deadline_out_of_range", first=DATE_MIN.isoformat(), last=DATE_MAX.isoformat())


# --- bindings: which chat or person answers for a party ---


@dataclass(frozen=True, slots=True)
class BindResult:
    party: Party
    created: bool  # False when the binding was already there
    new_party: bool  # the party did not exist before this binding
    open_tasks: int  # how many open tasks of the party the chat now receives


def party_named(session: Session, name: str) -> Party:
    """The party called NAME, created if new."""
    return _party_named(session, name)[0]


def _party_named(session: Session, name: str) -> tuple[Party, bool]:
    name = one_line(name)
    if not name:
        raise InvalidInput("party_required")
    party = session.scalar(select(Party).where(Party.name == name))
    if party is not None:
        return party, False
    party = Party(name=name)
    session.add(party)
    session.flush()
    return party, True


def bind_party(
    session: Session,
    actor: Actor,
    party_name: str,
    *,
    chat: Chat | None = None,
    person: Person | None = None,
) -> BindResult:
    """Bind the party to CHAT (it receives the party's tasks) or to PERSON (who answers for it)."""
    if (chat is None) == (person is None):
        raise ValueError("bind a party to exactly one of a chat or a person")
    if chat is not None:
        reaches = Reach.of(chat.telegram_chat_id)
    else:
        assert person is not None
        reaches = Reach.of(person.telegram_user_id, open=person.telegram_user_id is None)
    require(actor, reaches | party_reach(session, [party_name]))
    party, new_party = _party_named(session, party_name)
    chat_id = chat.id if chat is not None else None
    person_id = person.id if person is not None else None
    existing = session.scalar(
        select(Binding).where(
            Binding.party_id == party.id,
            Binding.chat_id.is_(None) if chat_id is None else Binding.chat_id == chat_id,
            Binding.person_id.is_(None) if person_id is None else Binding.person_id == person_id,
        )
    )
    if existing is None:
        session.add(Binding(party_id=party.id, chat_id=chat_id, person_id=person_id))
        session.flush()
        target = f"chat {chat.telegram_chat_id}" if chat is not None else f"person {person_id}"
        log.info("party %s bound to %s by %s", party.id, target, actor.name)
        if chat_id is not None:
            sync_assignments(session, _tasks_of_parties(session, [party.id]))
    count = session.scalar(
        select(func.count())
        .select_from(TaskParty)
        .join(Task, Task.id == TaskParty.task_id)
        .where(TaskParty.party_id == party.id, Task.status.in_(OPEN_STATUS_VALUES))
    )
    return BindResult(party, existing is None, new_party, count or 0)


def unbind_party(session: Session, actor: Actor, chat: Chat, party_name: str | None = None) -> list[Party]:
    """Unbind PARTY_NAME (or, with None, every party) from CHAT; the parties unbound."""
    require(actor, Reach.of(chat.telegram_chat_id))
    stmt = select(Binding).where(Binding.chat_id == chat.id)
    if party_name is not None:
        stmt = stmt.join(Party, Party.id == Binding.party_id).where(
            Party.name == " ".join(party_name.split())
        )
    bindings = list(session.scalars(stmt.options(selectinload(Binding.party))))
    if not bindings:
        raise InvalidInput("not_bound", party=party_name or "")
    parties = [b.party for b in bindings]
    require(actor, party_reach(session, [p.name for p in parties]))
    for binding in bindings:
        session.delete(binding)
    session.flush()
    log.info(
        "%d party binding(s) removed from chat %s by %s", len(bindings), chat.telegram_chat_id, actor.name
    )
    sync_assignments(session, _tasks_of_parties(session, [p.id for p in parties]))
    return parties


def _tasks_of_parties(session: Session, party_ids: list[int]) -> list[int]:
    return list(session.scalars(select(TaskParty.task_id).where(TaskParty.party_id.in_(party_ids))))


def bound_parties(session: Session, chat: Chat) -> list[Party]:
    """The parties bound to CHAT, by name."""
    stmt = (
        select(Party)
        .join(Binding, Binding.party_id == Party.id)
        .where(Binding.chat_id == chat.id)
        .order_by(Party.name)
    )
    return list(session.scalars(stmt))


# --- internals ---


def _valid_id(task_id: int) -> bool:
    # Ids beyond a 64-bit integer cannot exist and would make the database driver raise.
    return 0 < task_id < 2**63


def _load_for_report(session: Session, task_id: int, actor: Actor) -> Task:
    task, rights = _get(session, task_id, actor)
    if not rights.responsible:
        raise NotAllowed("not_responsible", task_id=task.id)
    return task


def _load_for_admin(session: Session, task_id: int, actor: Actor) -> Task:
    require(actor, Reach())  # an admin here at all, before anything about the task is said
    task = get_task(session, task_id, actor)
    require(actor, task_reach(session, task))
    return task


def _shares_of(session: Session, task_id: int) -> list[Assignment]:
    return list(
        session.scalars(
            select(Assignment)
            .where(Assignment.task_id == task_id)
            .options(selectinload(Assignment.chat), selectinload(Assignment.party))
            .order_by(Assignment.id)
        )
    )


def _names(row: Assignment) -> list[str]:
    names = [unit_label(row)]
    if row.party is not None and row.party.name not in names:
        names.append(row.party.name)
    return names


def own_shares(session: Session, rows: list[Assignment], actor: Actor) -> list[Assignment]:
    """The shares ACTOR answers for: their chat's, else those of the parties bound to their person."""
    if actor.chat is not None:
        here = [r for r in rows if r.chat_id == actor.chat.id]
        if here or not actor.in_private:
            return here
    if actor.person is None:
        return []
    bound = set(
        session.scalars(
            select(Binding.party_id).where(
                Binding.person_id == actor.person.id, Binding.party_id.is_not(None)
            )
        )
    )
    return [r for r in rows if r.party_id is not None and r.party_id in bound]


def _share(session: Session, task: Task, actor: Actor, unit: Unit) -> Assignment | None:
    """The share a report by ACTOR (about UNIT, when named) concerns; None for a task with no unit."""
    rows = [r for r in task.assignments]
    if not rows:
        if unit is not None:
            raise InvalidInput("unit_unknown", task_id=task.id, unit=str(unit), units="")
        return None
    for row in rows:  # labels need the chat and party; load them once for the whole task
        _ = row.chat, row.party
    mine = own_shares(session, rows, actor)
    pool = rows if actor.is_admin or not mine else mine
    if isinstance(unit, int):
        found = next((r for r in pool if r.id == unit), None)
        if found is None:
            raise NotAllowed("not_responsible", task_id=task.id)
        return found
    if unit is not None:
        name = " ".join(unit.split())
        exact = [r for r in pool if name in _names(r)]
        near = exact or [r for r in pool if any(name in n for n in _names(r))]
        if len(near) == 1:
            return near[0]
        raise InvalidInput(
            "unit_unknown", task_id=task.id, unit=name, units="、".join(unit_label(r) for r in pool)
        )
    if len(mine) == 1:
        return mine[0]
    if not mine and len(rows) == 1:
        return rows[0]
    choices = mine or rows
    raise WhichUnit("which_unit", task_id=task.id, units="、".join(unit_label(r) for r in choices))


def _refuse_closed(task: Task) -> None:
    if task.status == TaskStatus.DONE:
        raise InvalidTransition("task_done", task_id=task.id)
    if task.status == TaskStatus.CANCELLED:
        raise InvalidTransition("task_closed", task_id=task.id)


def _change(
    session: Session,
    task: Task,
    actor: Actor,
    now: dt.datetime,
    kind: ReportKind,
    *,
    status: TaskStatus | None = None,
    progress: int | None = None,
    text: str = "",
    report_progress: int | None = None,
    share: Assignment | None = None,
    tz: dt.tzinfo | None = None,
) -> Report:
    if share is not None:
        derive(task)  # the task's standing follows its shares
    else:
        if status is not None:
            task.status = status.value
        if progress is not None:
            task.progress = progress
    task.updated_at = now
    if kind in _REPORT_KINDS:
        task.last_report_at = now
    shown_progress = report_progress if kind == ReportKind.STATUS else progress
    report = _report(task, actor, now, kind, text=text, progress=shown_progress)
    report.unit_chat_id = share.chat_id if share is not None else None
    session.add(report)
    session.flush()
    if share is not None and kind in _LEDGER_KINDS:
        ledger_report(session, share, report.id, now, tz or DEFAULT_TZ)
    _log_change(task, actor, kind, report.text)
    # Link the report to its task for the caller without loading the task's whole history.
    set_committed_value(report, "task", task)
    return report


def _log_change(task: Task, actor: Actor, kind: ReportKind, text: str) -> None:
    """Who did what to which task, at INFO; what they wrote only at DEBUG (officials' words)."""
    who = actor.person.telegram_user_id if actor.person is not None else actor.name
    log.info(
        "task %s: %s by %s (status %s, progress %s%%)",
        task.id,
        kind.value,
        who,
        task.status,
        task.progress,
        extra={"task_id": task.id},
    )
    if text:
        log.debug("task %s: %s text: %s", task.id, kind.value, text, extra={"task_id": task.id})


def _report(
    task: Task,
    actor: Actor,
    now: dt.datetime,
    kind: ReportKind,
    *,
    text: str = "",
    progress: int | None = None,
) -> Report:
    return Report(
        task_id=task.id,  # not task=task: that would load the whole history to append to it
        person_id=actor.person.id if actor.person is not None else None,
        actor=actor.name[:200],
        at=now,
        kind=kind.value,
        status=task.status,
        progress=progress,
        text=text.strip()[:MAX_TEXT],
    )


def _unique(names: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for name in names:
        clean = " ".join(name.split())
        if clean:
            seen.setdefault(clean, None)
    return list(seen)
