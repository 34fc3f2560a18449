"""SQLite as the embedded store: WAL, a busy timeout, enforced foreign keys, real transactions."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from sqlalchemy import func, select, text

from taskbot.runtime import Runtime
from taskbot.services import tasks as svc
from taskbot.services.people import Actor, upsert_chat, upsert_person
from taskbot.store import db
from taskbot.store.models import Chat, Report


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_and_foreign_keys(runtime: Runtime) -> None:
    with runtime.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == db.SQLITE_BUSY_TIMEOUT_MS
        assert db.SQLITE_BUSY_TIMEOUT_MS >= 5000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_a_savepoint_as_the_first_write_rolls_back_with_its_transaction(runtime: Runtime) -> None:
    class Abort(Exception):
        pass

    try:
        with db.transaction(runtime.sessions) as session:
            upsert_chat(session, -100111)  # a get-or-create in a savepoint
            raise Abort
    except Abort:
        pass
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Chat)) == 0


def test_a_database_that_cannot_be_opened_is_a_one_line_store_error(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-db.db"
    bad.write_text("this is not SQLite")
    engine = db.make_engine(f"sqlite:///{bad}")
    try:
        db.upgrade(engine)
    except db.StoreError as exc:
        assert "not-a-db.db" in str(exc) and "\n" not in str(exc)
    else:
        raise AssertionError("expected StoreError")
    finally:
        engine.dispose()


def test_writers_in_ten_threads_at_once_wait_for_each_other_instead_of_failing(runtime: Runtime) -> None:
    """Reads then writes in each transaction, ten threads at once: no "database is locked"."""
    now = dt.datetime(2026, 10, 5, 1, 0, tzinfo=dt.UTC)
    with db.transaction(runtime.sessions) as session:
        task_ids = []
        for i in range(10):
            chat = upsert_chat(session, -100900 - i, title=f"群{i}")
            task_ids.append(svc.add_task(session, Actor.system(), now, f"任务{i}", chat=chat).id)
    start = threading.Barrier(10)
    failures: list[BaseException] = []

    def writer(i: int) -> None:
        try:
            start.wait()
            for n in range(20):
                with db.transaction(runtime.sessions) as session:
                    person = upsert_person(session, 7000 + i, display_name=f"干部{i}-{n}")  # read, then write
                    chat = upsert_chat(session, -100900 - i, title=f"群{i}")
                    actor = Actor(name=person.display_name, person=person, chat=chat)
                    svc.report_status(session, task_ids[i], actor, now, f"第{n}次", progress=n)
        except BaseException as exc:  # collected for the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 10 + 200
