"""SQLite as the embedded store: WAL, a busy timeout, enforced foreign keys, real transactions."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select, text

from taskbot.runtime import Runtime
from taskbot.services.people import upsert_chat
from taskbot.store import db
from taskbot.store.models import Chat


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
