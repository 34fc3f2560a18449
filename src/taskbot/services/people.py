"""People and chats as the store knows them, and the rules of who may see and change which task.

The rules, in one place:
- An **admin** may change a task or a party only where the one permission rule
  (``taskbot.domain.permissions.decide``) allows it: a configured admin (``settings.admins``,
  ``Actor.is_admin``) everywhere; a group's Telegram administrator (``chat_admins_are_admins``, the
  bot sets ``Actor.chat_admin``) only for what reaches no chat but that group. ``task_reach`` and
  ``party_reach`` say which chats a task or a party reaches.
- An **official** may report on (done / status / blocked) a task they are responsible for: it is
  assigned to them, or it is received by the chat they report from, or their Person is bound to one
  of the task's parties.
- A **group chat** sees only its own tasks (those it has an assignment of: sent to it directly or
  owned by a party bound to it), whoever asks. A **private chat** sees its own tasks plus those
  its person is responsible for; an admin's private chat sees every task.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from taskbot.domain.permissions import Reach, Roles
from taskbot.domain.text import one_line
from taskbot.store.models import Assignment, Binding, Chat, Party, Person, Task, TaskAssignee, TaskParty

PRIVATE = "private"
_Row = TypeVar("_Row", Person, Chat)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who makes a change, from which chat, with which rights."""

    name: str
    person: Person | None = None
    chat: Chat | None = None
    is_admin: bool = False  # a configured admin: an admin in every chat
    chat_admin: bool = False  # a Telegram administrator of CHAT (with chat_admins_are_admins)

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

    @property
    def here(self) -> int | None:
        """The Telegram id of the chat the actor acts from (None: the command line, the scheduler)."""
        return self.chat.telegram_chat_id if self.chat is not None else None

    @property
    def roles(self) -> Roles:
        """The actor's admin rights, for ``taskbot.domain.permissions.decide``."""
        here = self.here
        chats = frozenset({here}) if self.chat_admin and here is not None else frozenset()
        return Roles(office=self.is_admin, chat_admin_of=chats)


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


def people_by_username(session: Session, username: str) -> list[Person]:
    """Everyone the store knows by @USERNAME (case-insensitive): more than one when a name changed hands."""
    name = username.lstrip("@").strip()
    if not name:
        return []
    return list(
        session.scalars(select(Person).where(func.lower(Person.username) == name.lower()).order_by(Person.id))
    )


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


# --- reach: which chats a task or a party reaches (for the permission rule) ---


def task_reach(session: Session, task: Task) -> Reach:
    """The chats TASK reaches: its own chat, or the chats (and bound people's private chats) of its
    parties; open when none receives it (it would go to the default chat, or to whoever binds it)."""
    if task.chat_id is not None:
        chat = session.get(Chat, task.chat_id)
        return Reach.of(chat.telegram_chat_id) if chat is not None else Reach.everywhere()
    parties = select(TaskParty.party_id).where(TaskParty.task_id == task.id)
    reach = _bindings_reach(session, parties)
    return reach if reach.chats else Reach.everywhere()


def party_reach(session: Session, party_names: Iterable[str]) -> Reach:
    """The chats the parties named reach: where they are bound, and every chat their tasks reach
    (a party that does not exist yet reaches nothing)."""
    names = [one_line(n) for n in party_names]
    party_ids = select(Party.id).where(Party.name.in_(names))
    reach = _bindings_reach(session, party_ids)
    task_ids = select(TaskParty.task_id).where(TaskParty.party_id.in_(party_ids)).distinct()
    tasks = session.scalars(select(Task).where(Task.id.in_(task_ids)))
    return Reach.union([reach, *(task_reach(session, task) for task in tasks)])


def parties_reach_for_task(session: Session, party_names: Iterable[str]) -> Reach:
    """The chats a new task of these parties would reach (open when none of them is bound yet)."""
    names = [one_line(n) for n in party_names]
    reach = _bindings_reach(session, select(Party.id).where(Party.name.in_(names)))
    return reach if reach.chats else Reach.everywhere()


def _bindings_reach(session: Session, party_ids: Select[Any]) -> Reach:
    rows = session.execute(
        select(Chat.telegram_chat_id, Person.telegram_user_id, Binding.person_id)
        .select_from(Binding)
        .outerjoin(Chat, Chat.id == Binding.chat_id)
        .outerjoin(Person, Person.id == Binding.person_id)
        .where(Binding.party_id.in_(party_ids))
    )
    chats: set[int] = set()
    open_ = False
    for chat_id, user_id, person_id in rows:
        if chat_id is not None:
            chats.add(chat_id)
        elif user_id is not None:
            chats.add(user_id)  # a person's private chat has their user id
        elif person_id is not None:
            open_ = True  # a person named by @username who has not written to the bot yet
    return Reach(frozenset(chats), open_)


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
