"""Queries more than one service needs: a chat by its Telegram id, which chats receive which task
(the one rule, ``wanted_units``, and the assignments kept from it), and the open tasks of a chat."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, selectinload

from taskbot.domain.values import OPEN_STATUS_VALUES
from taskbot.store.models import Assignment, Binding, Chat, Task, TaskParty


def chat_by_telegram_id(session: Session, telegram_chat_id: int) -> Chat | None:
    """The stored chat with this Telegram chat id, if the bot knows it."""
    return session.scalar(select(Chat).where(Chat.telegram_chat_id == telegram_chat_id))


def open_tasks(session: Session) -> list[Task]:
    """Every task not done or cancelled, with its parties and assignees loaded, oldest first."""
    stmt = (
        select(Task)
        .where(Task.status.in_(OPEN_STATUS_VALUES))
        .options(selectinload(Task.parties), selectinload(Task.assignees))
        .order_by(Task.id)
    )
    return list(session.scalars(stmt))


def wanted_units(session: Session, tasks: ColumnElement[bool]) -> dict[int, list[tuple[int, int | None]]]:
    """THE rule of which chats receive a task, for the tasks matching the SQL condition TASKS.

    A task sent to a chat directly (``task.chat_id``: ``import --chat``, ``/add`` in a group) goes
    to that chat; otherwise to every chat bound to one of its parties (party by party, each party's
    chats in the order they were bound; a chat bound to two of its parties counts once). Inactive
    chats count: a unit the bot cannot reach still answers for its share (sending skips them).
    Maps task id → [(chat pk, party id or None)]; a task no chat receives is absent.

    Only ``services.assignments.sync_assignments`` asks this; everything else reads the
    assignments it keeps (``chats_by_task``, ``tasks_of_chat``, the digests, the export).
    """
    result: dict[int, dict[int, int | None]] = defaultdict(dict)
    for task_id, chat_pk in session.execute(
        select(Task.id, Task.chat_id).where(tasks, Task.chat_id.is_not(None)).order_by(Task.id)
    ):
        if chat_pk is not None:  # the query keeps tasks with a chat only
            result[task_id][chat_pk] = None
    for task_id, party_id, chat_pk in session.execute(
        select(TaskParty.task_id, TaskParty.party_id, Binding.chat_id)
        .join(Task, Task.id == TaskParty.task_id)
        .join(Binding, Binding.party_id == TaskParty.party_id)
        .where(tasks, Task.chat_id.is_(None), Binding.chat_id.is_not(None))
        .order_by(TaskParty.task_id, TaskParty.party_id, Binding.id)
    ):
        if chat_pk is not None:  # the query keeps bindings to a chat only
            result[task_id].setdefault(chat_pk, party_id)
    return {tid: list(units.items()) for tid, units in result.items()}


def chats_by_task(session: Session, tasks: Iterable[Task]) -> dict[int, list[Chat]]:
    """Map each task id to the active chats of its assignments (the chats a message reaches).

    A task with none maps to an empty list. Only the assignments and chats of TASKS are read.
    """
    tasks = list(tasks)
    result: dict[int, list[Chat]] = {t.id: [] for t in tasks}
    if not tasks:
        return result
    for task_id, chat in session.execute(
        select(Assignment.task_id, Chat)
        .join(Chat, Chat.id == Assignment.chat_id)
        .where(Assignment.task_id.in_(list(result)), Chat.active.is_(True))
        .order_by(Assignment.task_id, Assignment.id)
    ):
        result[task_id].append(chat)
    return result


def tasks_of_chat(session: Session, chat: Chat, *, only_open: bool = True) -> list[Task]:
    """The tasks a chat receives: those it has an assignment of."""
    stmt = (
        select(Task)
        .where(Task.id.in_(select(Assignment.task_id).where(Assignment.chat_id == chat.id)))
        .options(selectinload(Task.parties), selectinload(Task.assignees))
        .order_by(Task.id)
    )
    if only_open:
        stmt = stmt.where(Task.status.in_(OPEN_STATUS_VALUES))
    return list(session.scalars(stmt))


def assignment_of(session: Session, task_id: int, chat: Chat) -> Assignment | None:
    """CHAT's assignment of the task TASK_ID, if it has one."""
    return session.scalar(
        select(Assignment).where(Assignment.task_id == task_id, Assignment.chat_id == chat.id)
    )
