"""A runtime on each store (SQLite and PostgreSQL) for the ingest tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from taskbot.config import Settings
from taskbot.runtime import Runtime, build_runtime
from tests.support.clock import ManualClock


@pytest.fixture
def store(any_store_settings: Settings, clock: ManualClock) -> Iterator[Runtime]:
    runtime = build_runtime(any_store_settings, clock=clock)
    yield runtime
    runtime.close()
