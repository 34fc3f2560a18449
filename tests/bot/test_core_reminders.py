"""The reminder engine wired in by `taskbot run` (post_init), and officials answering its reminders."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from taskbot.config import load_settings
from taskbot.localapi import FakeBotApi
from taskbot.runtime import Runtime, build_bot, build_runtime
from tests.bot.conftest import BOT_USERNAME, GROUP, OFFICIAL, TOKEN, BotHarness, buttons_of, text_of
from tests.support.clock import ManualClock


@pytest.fixture
async def running(tmp_path: Path, clock: ManualClock) -> AsyncIterator[BotHarness]:
    """Like ``bot``, but built as `taskbot run` builds it: command menu and reminders in post_init."""
    clock.set(dt.datetime(2026, 10, 12, 1, 0, 30, tzinfo=dt.UTC))  # Monday 09:00:30 in Shanghai, a workday
    settings = load_settings(
        admins=[], database={"url": f"sqlite:///{tmp_path / 'r.db'}"}, workflow={"receipt": False}
    )
    runtime: Runtime = build_runtime(settings, clock=clock)
    api = await FakeBotApi(token=TOKEN, bot_username=BOT_USERNAME).start()
    harness = BotHarness(api, build_bot(runtime, TOKEN, base_url=api.base_url), runtime, clock)
    harness.add_group(GROUP, "镇街工作群")
    harness.add_official()
    harness.bind(GROUP, "各镇街")
    harness.add_task("抓目标节点", parties=["各镇街"])
    app = harness.app
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0)
    try:
        yield harness
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)
        await api.stop()
        runtime.close()
        gc.unfreeze()  # post_init froze the heap; give the rest of the test session its collector back


async def test_weekly_reminder_arrives_and_a_reply_to_it_is_recorded(running: BotHarness) -> None:
    # Start-up catches up the weekly dispatch of 09:00, half a minute ago.
    reminder = await running.api.wait_for_message(GROUP, timeout=10)
    assert "抓目标节点" in text_of(reminder)
    assert "done:1" in buttons_of(reminder)
    assert running.app.bot_data.reminders is not None
    answer = await running.send(GROUP, OFFICIAL, "40% 已完成摸底", reply_to=reminder["message_id"])
    assert "已完成摸底" in text_of(answer)
    assert running.task(1) == ("in_progress", 40)
    assert [c["command"] for c in running.api.commands(language_code="en")][:2] == ["start", "help"]
    assert gc.get_freeze_count() > 0  # start-up objects are out of the collector's way
