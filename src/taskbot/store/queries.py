"""Queries more than one service needs: a chat by its Telegram id, who gets which task, and the
open tasks of a chat."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from taskbot.domain.values import OPEN_STATUS_VALUES
from taskbot.store.models import Binding, Chat, Task, TaskParty


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


def chats_by_task(session: Session, tasks: Iterable[Task]) -> dict[int, list[Chat]]:
    """Map each task id to the active chats that receive it.

    A task sent to a chat directly (``task.chat_id``) goes there; otherwise to every chat bound to
    one of its responsible parties (party by party, each party's chats in the order they were
    bound). A task with neither maps to an empty list. Only the bindings and chats of TASKS are read.
    """
    tasks = list(tasks)
    direct_ids = {t.chat_id for t in tasks if t.chat_id is not None}
    via_parties = [t.id for t in tasks if t.chat_id is None]
    direct = {
        c.id: c for c in session.scalars(select(Chat).where(Chat.id.in_(direct_ids), Chat.active.is_(True)))
    }
    task_parties: dict[int, list[int]] = defaultdict(list)
    party_chats: dict[int, list[Chat]] = defaultdict(list)
    if via_parties:
        for task_id, party_id in session.execute(
            select(TaskParty.task_id, TaskParty.party_id)
            .where(TaskParty.task_id.in_(via_parties))
            .order_by(TaskParty.task_id, TaskParty.party_id)
        ):
            task_parties[task_id].append(party_id)
        parties = {p for ids in task_parties.values() for p in ids}
        for party_id, chat in session.execute(
            select(Binding.party_id, Chat)
            .join(Chat, Binding.chat_id == Chat.id)
            .where(Binding.party_id.in_(parties), Chat.active.is_(True))
            .order_by(Binding.id)
        ):
            party_chats[party_id].append(chat)
    result: dict[int, list[Chat]] = {}
    for task in tasks:
        if task.chat_id is not None:
            own = direct.get(task.chat_id)
            result[task.id] = [own] if own else []
            continue
        seen: dict[int, Chat] = {}
        for party_id in task_parties.get(task.id, ()):
            for chat in party_chats.get(party_id, ()):
                seen.setdefault(chat.id, chat)
        result[task.id] = list(seen.values())
    return result


def tasks_of_chat(session: Session, chat: Chat, *, only_open: bool = True) -> list[Task]:
    """The tasks a chat receives: sent to it directly or owned by a party bound to it."""
    bound_parties = select(Binding.party_id).where(Binding.chat_id == chat.id)
    via_party = select(TaskParty.task_id).where(TaskParty.party_id.in_(bound_parties))
    stmt = (
        select(Task)
        .where((Task.chat_id == chat.id) | ((Task.chat_id.is_(None)) & Task.id.in_(via_party)))
        .options(selectinload(Task.parties), selectinload(Task.assignees))
        .order_by(Task.id)
    )
    if only_open:
        stmt = stmt.where(Task.status.in_(OPEN_STATUS_VALUES))
    return list(session.scalars(stmt))
