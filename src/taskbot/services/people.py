"""People and chats as the store knows them, and the rules of who may see and change which task.

The rules, in one place:
- An **admin** (a Telegram user id in ``settings.admins``, or a group's Telegram administrator when
  ``chat_admins_are_admins`` is on — the bot decides that and sets ``Actor.is_admin``) may change any
  task it can see.
- An **official** may report on (done / status / blocked) a task they are responsible for: it is
  assigned to them, or it is received by the chat they report from, or their Person is bound to one
  of the task's parties.
- A **group chat** sees only its own tasks (those it has an assignment of: sent to it directly or
  owned by a party bound to it), whoever asks. A **private chat** sees its own tasks plus those
  its person is responsible for; an admin's private chat sees every task.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from taskbot.store.models import Assignment, Binding, Chat, Person, Task, TaskAssignee, TaskParty

PRIVATE = "private"
_Row = TypeVar("_Row", Person, Chat)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who makes a change, from which chat, with which rights."""

    name: str
    person: Person | None = None
    chat: Chat | None = None
    is_admin: bool = False

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """The command line or the scheduler: an admin seeing every task, with no person behind it."""
        return cls(name=name, is_admin=True)

    @property
    def in_private(self) -> bool:
        return self.chat is not None and self.chat.type == PRIVATE

    @property
    def sees_everything(self) -> bool:
        return self.chat is None or (self.is_admin and self.in_private)


def person_label(person: Person) -> str:
    """How a person is named in chat and in history: display name, else @username, else the id."""
    if person.display_name:
        return person.display_name
    if person.username:
        return f"@{person.username}"
    return str(person.telegram_user_id or person.id)


def is_configured_admin(admins: list[int], telegram_user_id: int | None) -> bool:
    return telegram_user_id is not None and telegram_user_id in admins


def upsert_person(
    session: Session,
    telegram_user_id: int,
    *,
    username: str | None = None,
    display_name: str = "",
    language: str | None = None,
) -> Person:
    """The Person of a Telegram user, created on first sight and kept up to date (writes only changes).

    A person an admin named by @username before they ever wrote to the bot is adopted, so tasks
    assigned to ``@zhangsan`` reach the real 张三 once they speak.
    """
    person = session.scalar(select(Person).where(Person.telegram_user_id == telegram_user_id))
    if person is None and username:
        person = session.scalar(
            select(Person).where(
                Person.telegram_user_id.is_(None), func.lower(Person.username) == username.lower()
            )
        )
        if person is not None:
            person.telegram_user_id = telegram_user_id
    if person is None:
        person = _insert_or_fetch(
            session,
            Person(telegram_user_id=telegram_user_id, username=username, display_name=display_name),
            select(Person).where(Person.telegram_user_id == telegram_user_id),
        )
    _set_if_changed(person, username=username, display_name=display_name or person.display_name)
    if language:
        _set_if_changed(person, language=language[:8])
    return person


def person_by_username(session: Session, username: str, *, create: bool = False) -> Person | None:
    """The person known by @USERNAME (case-insensitive); with CREATE, a placeholder if unknown."""
    name = username.lstrip("@").strip()
    if not name:
        return None
    person = session.scalar(select(Person).where(func.lower(Person.username) == name.lower()).limit(1))
    if person is None and create:
        person = Person(username=name, display_name="")
        session.add(person)
        session.flush()
    return person


def upsert_chat(session: Session, telegram_chat_id: int, *, title: str = "", type: str = "group") -> Chat:
    """The Chat of a Telegram chat, created on first sight; a chat that speaks to us is active again."""
    chat = session.scalar(select(Chat).where(Chat.telegram_chat_id == telegram_chat_id))
    if chat is None:
        chat = _insert_or_fetch(
            session,
            Chat(telegram_chat_id=telegram_chat_id, title=title, type=type, active=True),
            select(Chat).where(Chat.telegram_chat_id == telegram_chat_id),
        )
    _set_if_changed(chat, title=title or chat.title, type=type, active=True)
    return chat


def task_in_chat(session: Session, task: Task, chat: Chat) -> bool:
    """Whether CHAT receives TASK: it is one of the task's units (has an assignment of it)."""
    mine = exists().where(Assignment.task_id == task.id, Assignment.chat_id == chat.id)
    return bool(session.scalar(select(mine)))


def answers_personally(session: Session, task: Task, person: Person) -> bool:
    """Whether PERSON is assigned TASK or bound to one of its parties."""
    assigned = exists().where(TaskAssignee.task_id == task.id, TaskAssignee.person_id == person.id)
    bound = exists().where(
        TaskParty.task_id == task.id,
        Binding.party_id == TaskParty.party_id,
        Binding.person_id == person.id,
    )
    return bool(session.scalar(select(assigned | bound)))


@dataclass(frozen=True, slots=True)
class Access:
    """What ACTOR may do with a task: see it (in the chat they ask from), report on it."""

    sees: bool
    responsible: bool


def access(session: Session, task: Task, actor: Actor) -> Access:
    """Both rules at once, each store query made at most once (this is on every report's path)."""
    if actor.sees_everything:
        return Access(True, True)
    if actor.chat is not None and task_in_chat(session, task, actor.chat):
        return Access(True, True)
    personal = actor.person is not None and answers_personally(session, task, actor.person)
    return Access(sees=actor.in_private and personal, responsible=actor.is_admin or personal)


def can_see(session: Session, task: Task, actor: Actor) -> bool:
    """Whether ACTOR, in the chat they ask from, may see TASK at all."""
    return access(session, task, actor).sees


def is_responsible(session: Session, task: Task, actor: Actor) -> bool:
    """Whether ACTOR may report on TASK (done, status, blocked)."""
    return access(session, task, actor).responsible


def _insert_or_fetch(session: Session, row: _Row, refetch: Select[Any]) -> _Row:
    """Insert ROW; when another writer got there first (unique key), return theirs (REFETCH) instead."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        found: _Row | None = session.scalar(refetch)
        if found is None:
            raise
        return found
    return row


def _set_if_changed(row: object, **values: object) -> None:
    # Assigning an equal value still marks nothing dirty in SQLAlchemy, but comparing first keeps
    # the common case (nothing changed) free of any attribute events.
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
