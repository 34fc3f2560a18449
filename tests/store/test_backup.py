"""Backups (also while the bot writes), restore, the migration backup, and the portable dump that moves
a store SQLite → PostgreSQL → SQLite with every row intact."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from taskbot.bulletin import parse_bulletin
from taskbot.cli import main
from taskbot.config import Settings, load_settings
from taskbot.domain.values import Beat
from taskbot.readers import read_document
from taskbot.runtime import Runtime, build_runtime
from taskbot.schedule.service import ReminderService
from taskbot.services import tasks as task_service
from taskbot.services.ingest import import_document
from taskbot.services.people import Actor, upsert_chat
from taskbot.store import backup, db
from taskbot.store.db import transaction
from taskbot.store.errors import StoreError
from taskbot.store.models import Report, Task
from tests.conftest import SEED_BULLETIN, empty_postgres_settings
from tests.support.clock import ManualClock

GROUP = -1001


def populate(runtime: Runtime) -> None:
    """A store with something in every table that matters: a bulletin's tasks, reports, bindings,
    a fired beat's deliveries and scheduler state."""
    now = runtime.clock()
    text = read_document(SEED_BULLETIN)
    parsed = parse_bulletin(text, dt.date(2022, 6, 24))
    import_document(runtime.sessions, parsed, source=SEED_BULLETIN.name, text=text, now=now, chat_id=GROUP)
    admin = Actor.system("test")
    with transaction(runtime.sessions) as s:
        chat = upsert_chat(s, GROUP, title="镇街工作群", type="supergroup")
        task_service.bind_party(s, admin, "各镇街", chat=chat)
        task_service.report_status(s, 1, admin, now, "已部署，进度四成", 40)
        task_service.mark_done(s, 2, admin, now, "已完成")
        task_service.mark_blocked(s, 3, admin, now, "缺少经费")
    service = ReminderService(runtime)
    service.fire(Beat.WEEKLY, service.next_fire(Beat.WEEKLY, now))


def all_rows(runtime: Runtime) -> list[tuple[str, dict[str, Any]]]:
    return list(backup.rows(runtime.engine))


def dumped(runtime: Runtime) -> str:
    out = io.StringIO()
    backup.dump(runtime.engine, out)
    return out.getvalue()


def test_dump_load_round_trip_sqlite_postgres_sqlite(
    runtime: Runtime, postgres_url: str, tmp_path: Path, clock: ManualClock
) -> None:
    populate(runtime)
    original = all_rows(runtime)
    tables = {name for name, _ in original}
    assert {"task", "report", "party", "binding", "delivery", "scheduler_state", "bulletin"} <= tables
    first = dumped(runtime)

    pg = build_runtime(empty_postgres_settings(postgres_url), clock=clock)
    try:
        counts = backup.load(pg.engine, io.StringIO(first))
        assert sum(counts.values()) == len(original)
        assert all_rows(pg) == original  # every row, every column, in PostgreSQL
        second = dumped(pg)
        # The ids go on after the loaded ones: a new task gets the next id, not a clash.
        with transaction(pg.sessions) as s:
            new = task_service.add_task(s, Actor.system("test"), clock(), "迁移后的新任务")
            assert new.id == 1 + max(r["id"] for n, r in original if n == "task")
    finally:
        pg.close()
    assert second == first

    back = build_runtime(load_settings(database={"url": f"sqlite:///{tmp_path / 'back.db'}"}), clock=clock)
    try:
        backup.load(back.engine, io.StringIO(second))
        assert all_rows(back) == original
    finally:
        back.close()


def test_load_refuses_a_store_that_is_not_empty_and_what_is_not_a_dump(runtime: Runtime) -> None:
    populate(runtime)
    text = dumped(runtime)
    with pytest.raises(StoreError, match="not empty"):
        backup.load(runtime.engine, io.StringIO(text))
    with pytest.raises(StoreError, match="not a taskbot dump"):
        backup.load(runtime.engine, io.StringIO("hello\n"))
    header, _, rest = text.partition("\n")
    other = header.replace(f'"revision": "{db.head_revision()}"', '"revision": "0001"')
    with pytest.raises(StoreError, match="revision 0001"):
        backup.load(runtime.engine, io.StringIO(other + "\n" + rest))


def test_backup_while_the_bot_writes_is_consistent(runtime: Runtime, tmp_path: Path) -> None:
    populate(runtime)
    store = db.sqlite_file(runtime.settings.database.effective_url)
    assert store is not None
    with runtime.sessions() as s:
        before = s.scalar(select(func.count()).select_from(Report)) or 0
    stop = threading.Event()
    written: list[int] = []
    errors: list[BaseException] = []

    def writer() -> None:
        # Reports on open tasks, one transaction each, until the backups are taken.
        actor = Actor.system("writer")
        try:
            n = 0
            while not stop.is_set():
                with transaction(runtime.sessions) as s:
                    task_service.report_status(s, 1, actor, runtime.clock(), f"进展 {n}", n % 100)
                n += 1
                written.append(n)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    targets = []
    try:
        while len(written) < 5:  # the writer is going
            threading.Event().wait(0.01)
        for i in range(3):
            target = tmp_path / "copies" / f"copy-{i}.db"
            backup.backup_sqlite(store, target)
            targets.append(target)
    finally:
        stop.set()
        thread.join()
    assert not errors, errors
    with runtime.sessions() as s:
        after = s.scalar(select(func.count()).select_from(Report)) or 0
    assert after - before == len(written) > 5
    for target in targets:
        backup.check_sqlite(target)
        conn = sqlite3.connect(target)
        try:
            reports = conn.execute("SELECT count(*) FROM report").fetchone()[0]
            orphans = conn.execute(
                "SELECT count(*) FROM report WHERE task_id NOT IN (SELECT id FROM task)"
            ).fetchone()[0]
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        finally:
            conn.close()
        assert before <= reports <= after and orphans == 0
        assert revision == db.head_revision()


def test_backup_and_restore_commands_on_sqlite(
    runtime: Runtime, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    populate(runtime)
    url = runtime.settings.database.effective_url
    monkeypatch.setenv("TASKBOT_DATABASE__URL", url)
    copy = tmp_path / "office-backup.db"
    assert main(["db", "backup", str(copy)]) == 0
    assert f"to {copy}" in capsys.readouterr().out
    original = all_rows(runtime)
    with transaction(runtime.sessions) as s:
        s.execute(Task.__table__.delete().where(Task.id > 3))  # a mistake to undo
    runtime.engine.dispose()
    assert main(["db", "restore", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "kept as" in out and f"restored {tmp_path / 'taskbot.db'}" in out
    assert all_rows(runtime) == original
    assert len(list((tmp_path / "backups").glob("taskbot-before-restore-*.db"))) == 1


def test_restore_refuses_what_is_not_a_taskbot_store(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TASKBOT_DATABASE__URL", settings.database.effective_url)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert main(["db", "restore", str(junk)]) == 1
    assert "not a SQLite database" in capsys.readouterr().err


def test_dump_and_load_commands(
    runtime: Runtime, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    populate(runtime)
    monkeypatch.setenv("TASKBOT_DATABASE__URL", runtime.settings.database.effective_url)
    dump_file = tmp_path / "office.jsonl"
    assert main(["db", "dump", str(dump_file)]) == 0
    assert "dumped" in capsys.readouterr().out
    target = tmp_path / "moved.db"
    monkeypatch.setenv("TASKBOT_DATABASE__URL", f"sqlite:///{target}")
    assert main(["db", "load", str(dump_file)]) == 0
    assert f"into sqlite:///{target}" in capsys.readouterr().out
    moved = build_runtime(load_settings(database={"url": f"sqlite:///{target}"}))
    try:
        assert all_rows(moved) == all_rows(runtime)
    finally:
        moved.close()


def test_postgres_backup_runs_pg_dump_or_prints_the_command(
    postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TASKBOT_DATABASE__URL", postgres_url)
    target = tmp_path / "pg.dump"
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools-here"))
    assert main(["db", "backup", str(target)]) == 1
    out = capsys.readouterr().out
    assert "pg_dump is not installed here" in out
    assert f"pg_dump --format=custom --no-owner --file={target} --dbname=postgresql://" in out
    assert not target.exists()


def test_a_migration_of_a_sqlite_store_is_preceded_by_a_backup(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = db.make_engine(url)
    try:
        for round_ in range(4):
            db.downgrade(engine, "0001") if round_ else db.upgrade(engine, "0001")
            assert db.upgrade(engine)
    finally:
        engine.dispose()
    copies = sorted((tmp_path / "backups").glob("old-before-migration-*.db"))
    assert len(copies) == backup.KEEP_BACKUPS  # four migrations, the last three copies kept
    for copy in copies:
        backup.check_sqlite(copy)
        conn = sqlite3.connect(copy)
        try:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        finally:
            conn.close()


def test_postgres_backup_and_restore_with_pg_dump(
    postgres_url: str,
    tmp_path: Path,
    clock: ManualClock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pg = build_runtime(empty_postgres_settings(postgres_url), clock=clock)
    try:
        populate(pg)
        original = all_rows(pg)
        monkeypatch.setenv("TASKBOT_DATABASE__URL", postgres_url)
        target = tmp_path / "pg.dump"
        assert main(["db", "backup", str(target)]) == 0, capsys.readouterr()
        assert target.stat().st_size > 0
        with transaction(pg.sessions) as s:
            s.execute(Task.__table__.delete().where(Task.id > 3))
        pg.engine.dispose()
        assert main(["db", "restore", str(target)]) == 0, capsys.readouterr()
        assert all_rows(pg) == original
    finally:
        pg.close()
