"""Fixtures of the reminder tests: a store builder on the runtime's store."""

from __future__ import annotations

import pytest

from taskbot.runtime import Runtime
from tests.schedule.store_builder import StoreBuilder


@pytest.fixture
def store(runtime: Runtime) -> StoreBuilder:
    return StoreBuilder(runtime)


LEADERS = -100999
ADMIN = 1001


@pytest.fixture
def settings(tmp_path):  # type: ignore[no-untyped-def]
    """Settings with a leaders' chat and one admin (the root fixture has neither)."""
    from taskbot.config import load_settings

    return load_settings(
        database={"url": f"sqlite:///{tmp_path / 'taskbot.db'}"}, leaders_chat_id=LEADERS, admins=[ADMIN]
    )
