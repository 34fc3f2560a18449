"""Fixtures of the reminder tests: a store builder on the runtime's store."""

from __future__ import annotations

import pytest

from taskbot.config import Settings, load_settings
from taskbot.runtime import Runtime
from tests.conftest import empty_postgres_settings
from tests.schedule.store_builder import StoreBuilder


@pytest.fixture
def store(runtime: Runtime) -> StoreBuilder:
    return StoreBuilder(runtime)


LEADERS = -100999
ADMIN = 1001


@pytest.fixture
def settings(tmp_path):  # type: ignore[no-untyped-def]
    """Settings with a leaders' chat and one admin (the root fixture has neither)."""
    return load_settings(
        database={"url": f"sqlite:///{tmp_path / 'taskbot.db'}"},
        leaders_chat_id=LEADERS,
        admins=[ADMIN],
        workflow={"receipt": False},  # no 签收 announcements among the beats' deliveries
    )


@pytest.fixture
def pg_settings(postgres_url: str) -> Settings:
    """PostgreSQL only, on an empty schema (SKIP LOCKED is PostgreSQL's; SQLite is one process)."""
    return empty_postgres_settings(postgres_url)
