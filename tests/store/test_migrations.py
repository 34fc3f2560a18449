"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from taskbot.config import Settings
from taskbot.store import db
from taskbot.store.models import Base

TABLES = {
    "bulletin",
    "task",
    "party",
    "person",
    "chat",
    "binding",
    "task_party",
    "task_assignee",
    "report",
    "assignment",
}


@pytest.fixture
def engine(any_store_settings: Settings) -> Iterator[Engine]:
    engine = db.make_engine(any_store_settings.database.url)
    yield engine
    engine.dispose()


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_migrations_go_from_empty_to_head_and_back_to_base(engine: Engine) -> None:
    assert db.current_revision(engine) is None
    assert db.upgrade(engine) is True
    assert db.current_revision(engine) == db.head_revision()
    assert TABLES | {"delivery", "scheduler_state", "alembic_version"} <= _tables(engine)
    assert db.upgrade(engine) is False  # already at head: nothing to do

    db.downgrade(engine, "base")
    assert db.current_revision(engine) is None
    assert _tables(engine) <= {"alembic_version"}

    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()


def test_every_revision_downgrades_and_upgrades_one_step(engine: Engine) -> None:
    script = ScriptDirectory(str(db.MIGRATIONS))
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert revisions[-1] == db.head_revision()
    for revision in revisions:
        db.upgrade(engine, revision)
        db.downgrade(engine, "-1")
        db.upgrade(engine, revision)
        assert db.current_revision(engine) == revision


def test_models_and_migrations_agree(engine: Engine) -> None:
    db.upgrade(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_constraints_and_indexes_follow_the_naming_convention(engine: Engine) -> None:
    db.upgrade(engine)
    inspector = inspect(engine)
    assert inspector.get_pk_constraint("task")["name"] == "pk_task"
    assert {u["name"] for u in inspector.get_unique_constraints("bulletin")} == {"uq_bulletin_checksum"}
    assert {u["name"] for u in inspector.get_unique_constraints("task")} == {
        "uq_task_bulletin_id_fingerprint"
    }
    assert {f["name"] for f in inspector.get_foreign_keys("task")} == {
        "fk_task_bulletin_id_bulletin",
        "fk_task_chat_id_chat",
    }
    assert {i["name"] for i in inspector.get_indexes("task")} >= {"ix_task_status", "ix_task_deadline"}
    # Every named object of every table, whatever revision added it, carries its convention's prefix.
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        names = [inspector.get_pk_constraint(table)["name"]]
        names += [u["name"] for u in inspector.get_unique_constraints(table)]
        names += [f["name"] for f in inspector.get_foreign_keys(table)]
        names += [i["name"] for i in inspector.get_indexes(table)]
        for name in names:
            assert name and name.split("_")[0] in {"pk", "uq", "fk", "ix", "ck"}, (table, name)
            assert table in name, (table, name)


def test_assignments_revision_carries_each_tasks_standing_to_its_units_and_back(engine: Engine) -> None:
    """0005: every (task, receiving chat) gets an assignment with the task's status; down drops them."""
    db.upgrade(engine, "0003")
    t0 = "2026-10-01 01:00:00+00:00"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO chat (id, telegram_chat_id, title, type, active) VALUES "
                "(1, -1001, '甲镇群', 'supergroup', true), (2, -1002, '乙镇群', 'supergroup', true), "
                "(3, -1003, '旧群', 'supergroup', false)"
            )
        )
        conn.execute(text("INSERT INTO party (id, name) VALUES (1, '各镇街'), (2, '市住建局')"))
        conn.execute(text("INSERT INTO binding (party_id, chat_id) VALUES (1, 1), (1, 2), (1, 3), (2, 1)"))
        rows = [
            (1, "in_progress", 40, None),  # 各镇街 → three chats (one inactive)
            (2, "done", 100, None),  # 各镇街 and 市住建局: 甲镇群 once
            (3, "blocked", 10, 2),  # sent to 乙镇群 directly
            (4, "open", 0, None),  # no party, no chat: no assignment
        ]
        for task_id, status, progress, chat in rows:
            conn.execute(
                text(
                    "INSERT INTO task (id, title, text, cadence, keywords, status, progress, chat_id, "
                    "created_at, updated_at, last_report_at) VALUES (:id, :t, '', '[]', '[]', :s, :p, :c, "
                    ":at, :at, :at)"
                ),
                {"id": task_id, "t": f"任务{task_id}", "s": status, "p": progress, "c": chat, "at": t0},
            )
        conn.execute(text("INSERT INTO task_party (task_id, party_id) VALUES (1, 1), (2, 1), (2, 2)"))
        conn.execute(
            text(
                "INSERT INTO report (task_id, actor, at, kind, status, progress, text) "
                "VALUES (1, '张三', :at, 'status', 'in_progress', 40, '摸底')"
            ),
            {"at": t0},
        )

    db.upgrade(engine)
    with engine.connect() as conn:
        got = conn.execute(
            text(
                "SELECT task_id, chat_id, party_id, role, status, progress, completed_at IS NOT NULL "
                "FROM assignment ORDER BY task_id, chat_id"
            )
        ).all()
        roles = set(conn.execute(text("SELECT role FROM task_party")).scalars())
        units = list(conn.execute(text("SELECT unit_chat_id FROM report")).scalars())
    assert [(*r[:-1], bool(r[-1])) for r in got] == [
        (1, 1, 1, "lead", "in_progress", 40, False),
        (1, 2, 1, "lead", "in_progress", 40, False),
        (1, 3, 1, "lead", "in_progress", 40, False),
        (2, 1, 1, "lead", "done", 100, True),
        (2, 2, 1, "lead", "done", 100, True),
        (2, 3, 1, "lead", "done", 100, True),
        (3, 2, None, "lead", "blocked", 10, False),
    ]
    assert roles == {"lead"} and units == [None]

    db.downgrade(engine, "0003")
    inspector = inspect(engine)
    assert "assignment" not in inspector.get_table_names()
    assert "role" not in {c["name"] for c in inspector.get_columns("task_party")}
    with engine.connect() as conn:
        statuses = conn.execute(text("SELECT id, status, progress FROM task ORDER BY id")).all()
        history = conn.execute(text("SELECT text FROM report")).scalars().all()
    assert [tuple(r) for r in statuses] == [
        (1, "in_progress", 40),
        (2, "done", 100),
        (3, "blocked", 10),
        (4, "open", 0),
    ]
    assert history == ["摸底"]
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
