"""Puts chats, parties, bindings and tasks straight into the store for the reminder tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from taskbot.runtime import Runtime
from taskbot.services.assignments import sync_assignments
from taskbot.store.db import transaction
from taskbot.store.models import Binding, Chat, Party, Report, Task, TaskParty

T0 = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)


class StoreBuilder:
    def __init__(self, runtime: Runtime) -> None:
        self.sessions = runtime.sessions
        self._parties: dict[str, int] = {}

    def chat(
        self, telegram_id: int, title: str = "群", *, language: str | None = None, active: bool = True
    ) -> int:
        with transaction(self.sessions) as s:
            chat = Chat(
                telegram_chat_id=telegram_id, title=title, type="supergroup", active=active, language=language
            )
            s.add(chat)
            s.flush()
            return chat.id

    def party(self, name: str, *, chats: Sequence[int] = ()) -> int:
        """The party NAME (created once), bound to the chats with the given Telegram ids."""
        with transaction(self.sessions) as s:
            if name not in self._parties:
                party = Party(name=name)
                s.add(party)
                s.flush()
                self._parties[name] = party.id
            pid = self._parties[name]
            for tg in chats:
                chat = s.query(Chat).filter_by(telegram_chat_id=tg).one()
                s.add(Binding(party_id=pid, chat_id=chat.id))
            if chats:
                s.flush()
                sync_assignments(s)
            return pid

    def task(
        self,
        title: str = "任务",
        *,
        parties: Sequence[str] = (),
        chat: int | None = None,
        cadence: Sequence[str] = (),
        deadline: dt.date | None = None,
        status: str = "open",
        progress: int = 0,
        created: dt.datetime = T0,
        reported: dt.datetime | None = None,
    ) -> int:
        party_ids = [self._parties.get(name) or self.party(name) for name in parties]
        with transaction(self.sessions) as s:
            chat_pk = None
            if chat is not None:
                chat_pk = s.query(Chat).filter_by(telegram_chat_id=chat).one().id
            task = Task(
                title=title,
                text=title,
                cadence=list(cadence),
                deadline=deadline,
                status=status,
                progress=progress,
                chat_id=chat_pk,
                created_at=created,
                updated_at=reported or created,
                last_report_at=reported,
            )
            s.add(task)
            s.flush()
            for pid in party_ids:
                s.add(TaskParty(task_id=task.id, party_id=pid))
            s.add(Report(task_id=task.id, at=created, kind="created", status="open", progress=0))
            if reported is not None:
                s.add(Report(task_id=task.id, at=reported, kind="status", status=status, progress=progress))
            s.flush()
            sync_assignments(s, [task.id])
            return task.id
