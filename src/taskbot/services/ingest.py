"""A parsed bulletin into the task store, once: re-importing the same bulletin creates nothing new.

A bulletin is known by the sha256 of its text with every whitespace character removed, so the same
page extracted again with different line breaks is the same bulletin. A task is known within its
bulletin by the sha256 of its directive text, whitespace removed (its fingerprint). Everything an
import writes is written in the caller's transaction; ``import_document`` owns one and retries it
once when a concurrent import of the same bulletin wins a unique key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from taskbot.bulletin.model import Directive, ParsedBulletin
from taskbot.domain.assignments import directive_roles
from taskbot.domain.values import Cadence, ReportKind, Role, TaskStatus
from taskbot.services.assignments import sync_assignments
from taskbot.services.people import upsert_chat
from taskbot.store.models import Bulletin, Chat, Party, Person, Report, Task, TaskParty
from taskbot.store.queries import chat_by_telegram_id

_KNOWN_CADENCES = frozenset(c.value for c in Cadence)
_TITLE_FALLBACK_CHARS = 40
# Column sizes of the store (see store/models.py); longer values are cut, never refused.
_MAX_SOURCE = _MAX_TITLE = _MAX_SECTION = _MAX_TARGET = 500
_MAX_PARTY = 200


class ImportConflict(Exception):
    """Concurrent imports kept colliding; nothing was written by this one. Safe to run again."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    bulletin_id: int
    created: list[int]
    unchanged: list[int]
    # False when the bulletin was already in the store (its text had been imported before).
    new_bulletin: bool = True


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """What an import would do, computed without writing anything."""

    bulletin_id: int | None  # the stored bulletin with the same text, if there is one
    new: list[Directive] = field(default_factory=list)
    unchanged: list[tuple[Directive, int]] = field(default_factory=list)  # with the existing task id


def text_checksum(text: str) -> str:
    """The identity of a bulletin: sha256 of its text with all whitespace removed."""
    return _sha256_without_whitespace(text)


def directive_fingerprint(text: str) -> str:
    """The identity of a task within its bulletin: sha256 of its directive text without whitespace."""
    return _sha256_without_whitespace(text)


def _sha256_without_whitespace(text: str) -> str:
    # str.split() drops every Unicode whitespace, the full-width space U+3000 included.
    return hashlib.sha256("".join(text.split()).encode("utf-8")).hexdigest()


def preview_import(session: Session, parsed: ParsedBulletin, *, text: str) -> ImportPreview:
    """Which directives of PARSED would become new tasks and which are already stored."""
    bulletin = _find_bulletin(session, text_checksum(text))
    existing = _task_ids_by_fingerprint(session, bulletin)
    preview = ImportPreview(bulletin_id=bulletin.id if bulletin else None)
    for fingerprint, directive in _distinct_directives(parsed):
        task_id = existing.get(fingerprint)
        if task_id is None:
            preview.new.append(directive)
        else:
            preview.unchanged.append((directive, task_id))
    return preview


def import_bulletin(
    session: Session,
    parsed: ParsedBulletin,
    *,
    source: str,
    text: str,
    now: dt.datetime,
    chat: Chat | None = None,
    actor: str = "",
    person: Person | None = None,
) -> ImportResult:
    """Store PARSED (read from SOURCE as TEXT): the bulletin, its new tasks, parties and history.

    Tasks already stored for this bulletin are left as they are (``unchanged``), whatever has
    happened to them since. New tasks go to CHAT when given, else to their parties' chats; each gets
    a ``created`` history entry by ACTOR (and PERSON, when a known person imports).
    """
    checksum = text_checksum(text)
    bulletin = _find_bulletin(session, checksum)
    new_bulletin = bulletin is None
    if bulletin is None:
        bulletin = Bulletin(
            source=source[:_MAX_SOURCE],
            checksum=checksum,
            date=parsed.date,
            title=parsed.title[:_MAX_TITLE] if parsed.title else None,
            imported_at=now,
        )
        session.add(bulletin)
        session.flush()
    existing = _task_ids_by_fingerprint(session, bulletin)
    created: list[Task] = []
    unchanged: list[int] = []
    parties = _PartyCache(session)
    partners: dict[int, set[str]] = {}
    for fingerprint, directive in _distinct_directives(parsed):
        if fingerprint in existing:
            unchanged.append(existing[fingerprint])
            continue
        task = _new_task(directive, fingerprint, bulletin, chat, now)
        # 配合 / 牵头 are roles, not part of a party's name: 各镇（街道）配合 is 各镇（街道）, a partner.
        # The parser may give roles itself (``Directive.roles``, once it has them); they come first.
        named = directive_roles(directive.text, directive.responsible, getattr(directive, "roles", None))
        task.parties = parties.named([name for name, _ in named])
        session.add(task)
        created.append(task)
        partners[id(task)] = {name for name, role in named if role is Role.PARTNER}
    session.flush()
    _mark_partners(session, created, partners)
    sync_assignments(session, [t.id for t in created])
    for task in created:
        session.add(
            Report(
                task_id=task.id,
                person_id=person.id if person is not None else None,
                actor=actor[:200],
                at=now,
                kind=ReportKind.CREATED.value,
                status=task.status,
                progress=task.progress,
                text=task.title,
            )
        )
    session.flush()
    return ImportResult(bulletin.id, [t.id for t in created], unchanged, new_bulletin)


def import_document(
    sessions: sessionmaker[Session],
    parsed: ParsedBulletin,
    *,
    source: str,
    text: str,
    now: dt.datetime,
    chat_id: int | None = None,
    actor: str = "",
    person_id: int | None = None,
    attempts: int = 3,
) -> ImportResult:
    """Import in a transaction of its own; a lost race with a concurrent import is retried.

    CHAT_ID is a Telegram chat id; its Chat row is created if the store does not know it yet.
    PERSON_ID (a ``Person.id``) is who imports, recorded in the tasks' history beside ACTOR.
    Raises ``ImportConflict`` if every attempt collided (nothing of this import is then stored).
    """
    for _attempt in range(attempts):
        try:
            with sessions() as session, session.begin():
                chat = chat_for_import(session, chat_id) if chat_id is not None else None
                person = session.get(Person, person_id) if person_id is not None else None
                return import_bulletin(
                    session, parsed, source=source, text=text, now=now, chat=chat, actor=actor, person=person
                )
        except IntegrityError:
            # Another import stored the same bulletin, task or party between our read and our
            # write. Its transaction is committed now, so the next attempt finds and reuses its rows.
            continue
    raise ImportConflict(f"{source}: another import of the same bulletin kept colliding; run it again")


def chat_for_import(session: Session, telegram_chat_id: int) -> Chat:
    """The Chat with this Telegram id; a new one is created (its title comes when the bot sees it)."""
    chat = chat_by_telegram_id(session, telegram_chat_id)
    if chat is not None:
        return chat
    # Telegram's ids say the kind: users (private chats) are positive, supergroups start with -100.
    kind = (
        "private"
        if telegram_chat_id > 0
        else "supergroup"
        if str(telegram_chat_id).startswith("-100")
        else "group"
    )
    return upsert_chat(session, telegram_chat_id, type=kind)


def list_tasks(
    session: Session, status: str | None = None, *, ids: Collection[int] | None = None
) -> list[Task]:
    """Every task (or those in STATUS, or with IDS), oldest first, with parties, chat and bulletin loaded."""
    stmt = (
        select(Task)
        .options(selectinload(Task.parties), selectinload(Task.chat), selectinload(Task.bulletin))
        .order_by(Task.id)
    )
    if status is not None:
        stmt = stmt.where(Task.status == TaskStatus(status).value)
    if ids is not None:
        stmt = stmt.where(Task.id.in_(ids))
    return list(session.scalars(stmt))


def task_to_json(task: Task) -> dict[str, Any]:
    """A task as plain JSON data (dates as ISO strings); parties, chat and bulletin must be loaded."""
    return {
        "id": task.id,
        "title": task.title,
        "text": task.text,
        "responsible": [p.name for p in task.parties],
        "cadence": list(task.cadence),
        "deadline": task.deadline.isoformat() if task.deadline else None,
        "target": task.target,
        "section": task.section,
        "keywords": list(task.keywords),
        "status": task.status,
        "progress": task.progress,
        "bulletin_id": task.bulletin_id,
        "chat": task.chat.telegram_chat_id if task.chat is not None else None,
        "created_at": task.created_at.isoformat(),
        "updated_at": task.updated_at.isoformat(),
    }


def _find_bulletin(session: Session, checksum: str) -> Bulletin | None:
    return session.scalar(select(Bulletin).where(Bulletin.checksum == checksum))


def _task_ids_by_fingerprint(session: Session, bulletin: Bulletin | None) -> dict[str, int]:
    if bulletin is None or bulletin.id is None:
        return {}
    rows = session.execute(
        select(Task.fingerprint, Task.id).where(
            Task.bulletin_id == bulletin.id, Task.fingerprint.is_not(None)
        )
    )
    return {fingerprint: task_id for fingerprint, task_id in rows if fingerprint is not None}


def _distinct_directives(parsed: ParsedBulletin) -> Iterator[tuple[str, Directive]]:
    """Directives with text, each fingerprint once (a directive the page repeats is one task)."""
    seen: set[str] = set()
    for directive in parsed.directives:
        if not directive.text.strip():
            continue
        fingerprint = directive_fingerprint(directive.text)
        if fingerprint not in seen:
            seen.add(fingerprint)
            yield fingerprint, directive


def _new_task(
    directive: Directive, fingerprint: str, bulletin: Bulletin, chat: Chat | None, now: dt.datetime
) -> Task:
    title = " ".join(directive.title.split()) or "".join(directive.text.split())[:_TITLE_FALLBACK_CHARS]
    return Task(
        bulletin_id=bulletin.id,
        fingerprint=fingerprint,
        title=title[:_MAX_TITLE],
        text=directive.text.strip(),
        section=directive.section[:_MAX_SECTION] if directive.section else None,
        cadence=list(dict.fromkeys(c for c in directive.cadence if c in _KNOWN_CADENCES)),
        deadline=directive.deadline,
        target=directive.target[:_MAX_TARGET] if directive.target else None,
        keywords=list(directive.keywords),
        status=TaskStatus.OPEN.value,
        progress=0,
        chat_id=chat.id if chat is not None else None,
        created_at=now,
        updated_at=now,
    )


def _mark_partners(session: Session, tasks: list[Task], partners: dict[int, set[str]]) -> None:
    """Store the partner (配合) role of the parties the bulletin names so; the others lead."""
    for task in tasks:
        names = partners.get(id(task))
        if not names:
            continue
        ids = [p.id for p in task.parties if p.name in names]
        session.execute(
            update(TaskParty)
            .where(TaskParty.task_id == task.id, TaskParty.party_id.in_(ids))
            .values(role=Role.PARTNER.value)
        )


class _PartyCache:
    """Parties by name for one import: each name looked up or created once, shared across tasks."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_name: dict[str, Party] = {}

    def named(self, names: list[str]) -> list[Party]:
        parties: dict[str, Party] = {}
        for raw in names:
            # Same normalisation as a party an admin names by hand, so bindings find these rows.
            name = " ".join(raw.split())[:_MAX_PARTY]
            if name and name not in parties:
                parties[name] = self._get(name)
        return list(parties.values())

    def _get(self, name: str) -> Party:
        party = self.by_name.get(name)
        if party is None:
            party = self.session.scalar(select(Party).where(Party.name == name))
            if party is None:
                party = Party(name=name)
                self.session.add(party)
            self.by_name[name] = party
        return party
