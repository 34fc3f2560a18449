"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from taskbot.config import Settings
from taskbot.store import db
from taskbot.store.models import Base

TABLES = {"bulletin", "task", "party", "person", "chat", "binding", "task_party", "task_assignee", "report"}


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
