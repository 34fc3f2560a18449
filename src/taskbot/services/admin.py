"""Queries the admins' commands need beyond the task service: which parties no chat receives yet."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from taskbot.store.models import Binding, Chat, Party, Task, TaskParty


def unbound_parties(session: Session, task_ids: Collection[int]) -> list[str]:
    """Names of the parties of TASK_IDS that no active chat is bound to (tasks sent to a chat aside)."""
    if not task_ids:
        return []
    bound = select(Binding.party_id).join(Chat, Chat.id == Binding.chat_id).where(Chat.active.is_(True))
    stmt = (
        select(Party.name)
        .join(TaskParty, TaskParty.party_id == Party.id)
        .join(Task, Task.id == TaskParty.task_id)
        .where(TaskParty.task_id.in_(list(task_ids)), Task.chat_id.is_(None), Party.id.not_in(bound))
        .group_by(Party.id, Party.name)
        .order_by(Party.id)
    )
    return list(session.scalars(stmt))
