"""Replies that named no task (and files sent as replies): kept, then recorded on the task someone
picks within ``PICK_WITHIN``; after that they stay as unassigned notes for the office."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from taskbot.services.people import Actor
from taskbot.services.tasks import InvalidTransition, TaskNotFound, report_status
from taskbot.store.models import ReplyNote, Report, Task

PICK_WITHIN = dt.timedelta(minutes=30)
MAX_NOTE = 2000


def listed_tasks(session: Session, task_ids: Sequence[int]) -> list[tuple[int, str]]:
    """(id, title) of the tasks TASK_IDS that still exist, in the order given."""
    titles = dict(session.execute(select(Task.id, Task.title).where(Task.id.in_(list(task_ids)))).all())
    return [(tid, titles[tid]) for tid in task_ids if tid in titles]


def keep(
    session: Session,
    actor: Actor,
    now: dt.datetime,
    *,
    chat_id: int,
    message_id: int,
    task_ids: Sequence[int],
    text: str = "",
    progress: int | None = None,
    file_id: str | None = None,
    file_kind: str | None = None,
) -> ReplyNote:
    """Keep a reply (CHAT_ID, MESSAGE_ID: Telegram ids) to a reminder of TASK_IDS as it was said."""
    note = ReplyNote(
        chat_id=chat_id,
        message_id=message_id,
        person_id=actor.person.id if actor.person is not None else None,
        actor=actor.name[:200],
        text=text.strip()[:MAX_NOTE],
        progress=progress,
        file_id=file_id,
        file_kind=file_kind,
        task_ids=list(task_ids),
        created_at=now,
    )
    session.add(note)
    session.flush()
    return note


def record_on(session: Session, note_id: int, task_id: int, actor: Actor, now: dt.datetime) -> Report:
    """Record the kept note NOTE_ID as ACTOR's progress report on TASK_ID (one of its reminder's)."""
    note = session.get(ReplyNote, note_id)
    if note is None or task_id not in (note.task_ids or ()):
        raise TaskNotFound("not_found", task_id=task_id)
    if note.task_id is not None:
        raise InvalidTransition("note_recorded", task_id=note.task_id)
    if now - note.created_at > PICK_WITHIN:
        raise InvalidTransition("note_expired", minutes=int(PICK_WITHIN.total_seconds() // 60))
    words = note.text or (f"[{note.file_kind}] {note.file_id}" if note.file_id else "")
    report = report_status(session, task_id, actor, now, words, note.progress)
    note.task_id = task_id
    note.assigned_at = now
    return report


def unassigned(session: Session, *, limit: int = 50) -> list[ReplyNote]:
    """The kept notes no task took, newest first (for the office)."""
    stmt = select(ReplyNote).where(ReplyNote.task_id.is_(None)).order_by(ReplyNote.id.desc()).limit(limit)
    return list(session.scalars(stmt))
