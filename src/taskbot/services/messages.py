"""Which bot message is about which task, so that a reply to it can be recorded on that task.

Two sources: the messages the bot sent itself about one task (report prompts, a task's detail),
kept in ``task_message``; and the reminders the scheduler sent, found in the delivery ledger
(``Delivery.message_ids`` / ``Delivery.task_ids``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from taskbot.domain.values import DeliveryStatus
from taskbot.store.models import Delivery, TaskMessage

PROGRESS = "progress"  # a reply is a status report (an optional leading NN% is the progress)
BLOCKED = "blocked"  # a reply is the reason the task is blocked
DETAIL = "detail"  # a task's detail: a reply is a status report
REMINDER = "reminder"

KEEP_FOR = dt.timedelta(days=90)
# How many of a chat's latest reminders a reply is matched against; older ones are forgotten.
RECENT_REMINDERS = 200


@dataclass(frozen=True, slots=True)
class MessageAbout:
    """What a bot message is about: its tasks, and what a reply to it means."""

    task_ids: tuple[int, ...]
    purpose: str

    @property
    def single_task(self) -> int | None:
        return self.task_ids[0] if len(self.task_ids) == 1 else None


def remember(
    session: Session, chat_id: int, message_id: int, task_id: int, purpose: str, now: dt.datetime
) -> None:
    """Note that message MESSAGE_ID in CHAT_ID (Telegram ids) is about TASK_ID; forget very old notes."""
    session.execute(delete(TaskMessage).where(TaskMessage.created_at < now - KEEP_FOR))
    session.add(
        TaskMessage(chat_id=chat_id, message_id=message_id, task_id=task_id, purpose=purpose, created_at=now)
    )
    session.flush()


def highest_message_id(session: Session, chat_id: int) -> int:
    """The highest message id in CHAT_ID (a Telegram id) the store remembers; 0 when none.

    Local mode seeds its in-process Bot API with it: Telegram never reuses a message id in a chat,
    and a local run that did would tie a new message to an old task.
    """
    highest = session.scalar(select(func.max(TaskMessage.message_id)).where(TaskMessage.chat_id == chat_id))
    for (ids,) in session.execute(select(Delivery.message_ids).where(Delivery.chat_id == chat_id)):
        highest = max([highest or 0, *(int(i) for i in ids or () if i is not None)])
    return int(highest or 0)


def recall(session: Session, chat_id: int, message_id: int) -> MessageAbout | None:
    """What the bot's message MESSAGE_ID in CHAT_ID was about, or None when it is not known."""
    note = session.scalar(
        select(TaskMessage).where(TaskMessage.chat_id == chat_id, TaskMessage.message_id == message_id)
    )
    if note is not None:
        return MessageAbout((note.task_id,), note.purpose)
    rows = session.execute(
        select(Delivery.message_ids, Delivery.task_ids)
        .where(Delivery.chat_id == chat_id, Delivery.status == DeliveryStatus.SENT.value)
        .order_by(Delivery.id.desc())
        .limit(RECENT_REMINDERS)
    )
    for message_ids, task_ids in rows:
        if message_id in (message_ids or ()):
            return MessageAbout(tuple(int(i) for i in task_ids or ()), REMINDER)
    return None
