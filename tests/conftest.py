"""Fixtures shared by the whole suite: settings on a temporary store, PostgreSQL, a manual clock."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from taskbot.config import Settings, load_settings
from taskbot.runtime import Runtime, build_runtime
from tests.support.clock import ManualClock

SEED_BULLETIN = Path(__file__).resolve().parents[1] / "examples" / "bulletin-foshan-2022-06.txt"
SEED_KEY = Path(__file__).resolve().parent / "fixtures" / "bulletin-foshan-2022-06.key.yaml"
PG_ADMIN_URL = os.environ.get(
    "TASKBOT_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep a developer's TASKBOT_* variables and working directory out of the tests."""
    for name in list(os.environ):
        if name.startswith("TASKBOT_") and name != "TASKBOT_TEST_POSTGRES":
            monkeypatch.delenv(name)
    # The default store (taskbot.db in the data directory) is then ./taskbot.db of the test.
    monkeypatch.setenv("TASKBOT_HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(dt.datetime(2026, 10, 5, 1, 0, tzinfo=dt.UTC))  # Monday 09:00 in Shanghai


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(database={"url": f"sqlite:///{tmp_path / 'taskbot.db'}"})


@pytest.fixture
def runtime(settings: Settings, clock: ManualClock) -> Iterator[Runtime]:
    rt = build_runtime(settings, clock=clock)
    yield rt
    rt.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    name = f"taskbot_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # the suite needs the production store; say so plainly
        pytest.fail(
            f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc.__class__.__name__}. "
            "Start it (see .ci/run) or point TASKBOT_TEST_POSTGRES at one."
        )
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings on SQLite and on PostgreSQL (an empty schema each time)."""
    if request.param == "sqlite":
        yield load_settings(database={"url": f"sqlite:///{tmp_path / 'taskbot.db'}"})
        return
    yield empty_postgres_settings(request.getfixturevalue("postgres_url"))


def empty_postgres_settings(url: str) -> Settings:
    """Settings on the PostgreSQL database at URL, its schema emptied first."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return load_settings(database={"url": url}, workflow={"receipt": False})
