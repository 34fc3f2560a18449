"""The bot's memory of which message is about which task, and revision 0003 that holds it."""

from __future__ import annotations

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from taskbot.config import Settings
from taskbot.runtime import Runtime, build_runtime
from taskbot.services import messages
from taskbot.store import db
from taskbot.store.db import transaction
from taskbot.store.models import Base, Delivery, Task

T0 = dt.datetime(2026, 10, 5, 1, 0, tzinfo=dt.UTC)


def _task(runtime: Runtime) -> int:
    with transaction(runtime.sessions) as s:
        task = Task(title="t", created_at=T0, updated_at=T0)
        s.add(task)
        s.flush()
        return task.id


def test_revision_0003_matches_the_models_and_goes_down_and_up(any_store_settings: Settings) -> None:
    rt = build_runtime(any_store_settings)
    try:
        with rt.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        db.downgrade(rt.engine, "0002")
        db.upgrade(rt.engine)
        assert db.current_revision(rt.engine) == db.head_revision()
    finally:
        rt.close()


def test_remember_and_recall_own_messages(runtime: Runtime) -> None:
    task_id = _task(runtime)
    with transaction(runtime.sessions) as s:
        messages.remember(s, -100, 7, task_id, messages.BLOCKED, T0)
    with transaction(runtime.sessions) as s:
        about = messages.recall(s, -100, 7)
        assert about == messages.MessageAbout((task_id,), messages.BLOCKED)
        assert about.single_task == task_id
        assert messages.recall(s, -100, 8) is None
        assert messages.recall(s, -200, 7) is None  # message ids are per chat


def test_recall_finds_sent_reminders_in_the_ledger(runtime: Runtime) -> None:
    with transaction(runtime.sessions) as s:
        s.add_all(
            [
                Delivery(
                    key="weekly:1:-100",
                    beat="weekly",
                    fire_at=T0,
                    chat_id=-100,
                    task_ids=[3, 4],
                    message_ids=[10, 11],
                    status="sent",
                    created_at=T0,
                ),
                Delivery(
                    key="deadline:1:-100",
                    beat="deadline",
                    fire_at=T0,
                    chat_id=-100,
                    task_ids=[5],
                    message_ids=[12],
                    status="sent",
                    created_at=T0,
                ),
                Delivery(
                    key="deadline:2:-100",
                    beat="deadline",
                    fire_at=T0,
                    chat_id=-100,
                    task_ids=[6],
                    message_ids=[],
                    status="pending",
                    created_at=T0,
                ),
            ]
        )
    with transaction(runtime.sessions) as s:
        assert messages.recall(s, -100, 11) == messages.MessageAbout((3, 4), messages.REMINDER)
        assert messages.recall(s, -100, 11).single_task is None
        assert messages.recall(s, -100, 12).single_task == 5
        assert messages.recall(s, -300, 12) is None


def test_old_notes_are_forgotten(runtime: Runtime) -> None:
    task_id = _task(runtime)
    with transaction(runtime.sessions) as s:
        messages.remember(s, -100, 1, task_id, messages.DETAIL, T0)
    later = T0 + messages.KEEP_FOR + dt.timedelta(days=1)
    with transaction(runtime.sessions) as s:
        messages.remember(s, -100, 2, task_id, messages.DETAIL, later)
    with transaction(runtime.sessions) as s:
        assert messages.recall(s, -100, 1) is None
        assert messages.recall(s, -100, 2) is not None
