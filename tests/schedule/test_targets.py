"""Where messages go when no chat is bound, and when the leaders' chat is not configured."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import pytest

from taskbot.config import Settings, load_settings
from taskbot.domain.values import Beat
from taskbot.runtime import Runtime, build_runtime
from taskbot.schedule import ledger
from taskbot.schedule.render import Part
from taskbot.schedule.service import ReminderService
from taskbot.store.db import transaction
from tests.schedule.store_builder import StoreBuilder
from tests.support.clock import ManualClock

SH = dt.timezone(dt.timedelta(hours=8))
MONDAY = dt.datetime(2026, 10, 12, 9, tzinfo=SH)  # a weekly and a fortnightly beat
DEFAULT = -100500


def runtime_with(tmp_path, **overrides: object) -> Runtime:  # type: ignore[no-untyped-def]
    settings: Settings = load_settings(database={"url": f"sqlite:///{tmp_path / 'taskbot.db'}"}, **overrides)
    return build_runtime(settings, clock=ManualClock(MONDAY))


@pytest.fixture
def unbound(tmp_path) -> Iterator[Runtime]:  # type: ignore[no-untyped-def]
    rt = runtime_with(tmp_path, default_chat_id=DEFAULT)
    store = StoreBuilder(rt)
    store.task("没有群的任务", parties=["乙局"], cadence=["weekly", "fortnightly"])
    yield rt
    rt.close()


def test_unbound_tasks_go_to_the_default_chat(unbound: Runtime) -> None:
    ReminderService(unbound).fire(Beat.WEEKLY, MONDAY)
    with unbound.sessions() as s:
        [row] = ledger.deliveries(s)
    assert (row.key, row.chat_id, row.task_ids) == ("weekly|2026-10-12T01:00:00Z|chat|unbound", DEFAULT, [1])
    text = Part.from_json(row.parts[0]).text
    assert text.split("\n")[:2] == ["【每周调度】2026年10月12日", "以下任务尚未绑定群组，发至本群："]


def test_without_a_default_chat_they_are_not_sent_and_it_is_logged(
    tmp_path, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    rt = runtime_with(tmp_path)
    StoreBuilder(rt).task("没有群的任务", cadence=["weekly", "fortnightly"])
    with caplog.at_level(logging.WARNING, logger="taskbot.schedule.service"):
        service = ReminderService(rt)
        assert service.fire(Beat.WEEKLY, MONDAY) == 0
        assert service.fire(Beat.FORTNIGHTLY, MONDAY) == 0
    messages = [r.getMessage() for r in caplog.records]
    assert any("1 tasks have no chat and default_chat_id is not set, not sent" in m for m in messages)
    assert any("leaders_chat_id is not set, not sent" in m for m in messages)
    rt.close()


def test_leaders_chat_that_migrated_is_followed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rt = runtime_with(tmp_path, leaders_chat_id=-1007, default_chat_id=DEFAULT)
    StoreBuilder(rt).task("任务", cadence=["fortnightly"])
    with transaction(rt.sessions) as s:
        ledger.migrate_chat(s, -1007, -1009007, MONDAY)
    ReminderService(rt).fire(Beat.FORTNIGHTLY, MONDAY)
    with rt.sessions() as s:
        rows = {r.key.split("|")[2]: r.chat_id for r in ledger.deliveries(s)}
    assert rows == {"leaders": -1009007, "chat": DEFAULT}
    rt.close()
