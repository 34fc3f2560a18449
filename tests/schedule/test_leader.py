"""Only one replica schedules: the PostgreSQL advisory lock, and its take-over when the holder dies."""

from __future__ import annotations

import pytest

from taskbot.config import Settings
from taskbot.schedule.leader import SchedulerLock
from taskbot.store.db import make_engine


@pytest.mark.postgres
def test_one_holder_at_a_time_and_take_over(pg_settings: Settings) -> None:
    first_engine = make_engine(pg_settings.database.url)
    second_engine = make_engine(pg_settings.database.url)
    first, second = SchedulerLock(first_engine), SchedulerLock(second_engine)
    try:
        assert first.try_acquire()
        assert first.try_acquire()  # already held: still true
        assert not second.try_acquire()
        first.release()
        assert second.try_acquire()
        assert not first.try_acquire()
        # the holder dies: its connection goes, and the lock with it
        second_engine.dispose()
        assert second._conn is not None
        second._conn.invalidate()
        assert not second.alive()
        assert first.try_acquire()
    finally:
        first.release()
        second.release()
        first_engine.dispose()
        second_engine.dispose()


def test_sqlite_is_always_its_own_scheduler(settings: Settings) -> None:
    engine = make_engine(settings.database.url)
    lock = SchedulerLock(engine)
    assert lock.try_acquire() and lock.alive()
    lock.release()
    engine.dispose()
