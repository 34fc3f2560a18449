"""SIGTERM mid-broadcast, for real: `taskbot run` as a subprocess sending a weekly beat to 40 groups
through a slow fake Bot API stops between two sends, leaves the rest pending and unclaimed, and the
next start sends exactly the rest — every group gets its reminder once."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from taskbot.config import load_settings
from taskbot.localapi import FakeBotApi
from taskbot.runtime import build_runtime
from taskbot.store.models import Delivery
from tests.schedule.store_builder import StoreBuilder

TOKEN = "123456:TEST-shutdown"
GROUPS = list(range(-1040, -1000))
STARTUP = 60.0  # seconds a fresh interpreter may take to import everything and start


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    fake = FakeBotApi(token=TOKEN, bot_username="taskbot_test_bot")
    await fake.start()
    for gid in GROUPS:
        fake.add_chat(gid, type="supergroup", title=f"群{-gid}")
    yield fake
    await fake.stop()


def seed(url: str) -> None:
    runtime = build_runtime(load_settings(database={"url": url}))
    store = StoreBuilder(runtime)
    for gid in GROUPS:
        store.chat(gid, f"群{-gid}")
        store.party(f"单位{-gid}", chats=[gid])
        store.task(f"群{-gid}的任务", parties=[f"单位{-gid}"])
    runtime.close()


async def start(tmp_path: Path, api: FakeBotApi, url: str) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKBOT_")}
    env.update(
        {
            "TASKBOT_TELEGRAM__TOKEN": TOKEN,
            "TASKBOT_TELEGRAM__BASE_URL": api.base_url,
            "TASKBOT_DATABASE__URL": url,
            # the last weekly dispatch, whenever the test runs, is "missed" and caught up at once
            "TASKBOT_SCHEDULE__GRACE_HOURS": str(24 * 10),
            "TASKBOT_LOG_LEVEL": "INFO",
            # only the beats' deliveries are counted: no 签收 announcements among them
            "TASKBOT_WORKFLOW__RECEIPT": "false",
        }
    )
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "taskbot",
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


def delivered(api: FakeBotApi) -> dict[int, int]:
    return {gid: len(api.sent_messages(gid)) for gid in GROUPS}


async def restart_until_everything_arrived(tmp_path: Path, api: FakeBotApi, url: str) -> None:
    """Start the bot again, wait until every group got its reminder, and stop it."""
    again = await start(tmp_path, api, url)
    try:
        await api.wait_until(
            lambda: all(n >= 1 for n in delivered(api).values()), timeout=STARTUP, what="every reminder"
        )
    finally:
        again.send_signal(signal.SIGTERM)
        await asyncio.wait_for(again.communicate(), 30)


async def test_sigterm_stops_sending_at_once_and_the_next_start_sends_exactly_the_rest(
    tmp_path: Path, api: FakeBotApi
) -> None:
    url = f"sqlite:///{tmp_path / 'run.db'}"
    seed(url)
    api.slow_down(1.5)  # each send takes 1.5 s: the broadcast would take ~8 s
    process = await start(tmp_path, api, url)
    try:
        await api.wait_until(
            lambda: sum(delivered(api).values()) >= 1, timeout=STARTUP, what="a first reminder"
        )
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), 30)
    stderr = err.decode("utf-8", "replace")
    assert process.returncode == 0, stderr  # stopped by itself, not by the watchdog
    assert "stopping (unsent reminders stay pending" in stderr
    first = delivered(api)
    sent_first = sum(first.values())
    assert max(first.values()) == 1
    assert sent_first < len(GROUPS)  # it did not send everything before exiting
    runtime = build_runtime(load_settings(database={"url": url}), migrate=False)
    try:
        with runtime.sessions() as s:
            rows = list(s.scalars(select(Delivery)))
        assert len(rows) == len(GROUPS)
        pending = [r for r in rows if r.status == "pending"]
        assert len(pending) == len(GROUPS) - sent_first
        assert all(r.claimed_by is None for r in pending)  # released on the way out
    finally:
        runtime.close()

    api.slow_down(0)
    await restart_until_everything_arrived(tmp_path, api, url)
    assert delivered(api) == dict.fromkeys(GROUPS, 1)  # the rest, and nothing twice


async def test_sigterm_during_a_telegram_outage_exits_and_loses_nothing(
    tmp_path: Path, api: FakeBotApi
) -> None:
    url = f"sqlite:///{tmp_path / 'run.db'}"
    seed(url)
    api.slow_down(1.0)
    process = await start(tmp_path, api, url)
    try:
        await api.wait_until(
            lambda: sum(delivered(api).values()) >= 1, timeout=STARTUP, what="a first reminder"
        )
        api.go_down()  # every call now drops its connection: sends and long polls alike
        await api.wait_until(lambda: api.stats.outage_failures >= 2, timeout=STARTUP, what="failed sends")
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), 30)
    stderr = err.decode("utf-8", "replace")
    # it exits by itself, or at the latest by its watchdog after shutdown_timeout (5 s)
    assert process.returncode in (0, 1), stderr
    assert "stopping (unsent reminders stay pending" in stderr
    runtime = build_runtime(load_settings(database={"url": url}), migrate=False)
    try:
        with runtime.sessions() as s:
            rows = list(s.scalars(select(Delivery)))
        pending = [r for r in rows if r.status == "pending"]
        assert pending and all(r.claimed_by is None for r in pending)
        assert {r.status for r in rows} <= {"pending", "sent"}  # an outage fails nothing
    finally:
        runtime.close()

    api.go_up()
    api.slow_down(0)
    await restart_until_everything_arrived(tmp_path, api, url)
    assert delivered(api) == dict.fromkeys(GROUPS, 1)


async def test_after_kill_9_mid_broadcast_nothing_is_lost_and_at_most_the_sends_in_flight_repeat(
    tmp_path: Path, api: FakeBotApi
) -> None:
    url = f"sqlite:///{tmp_path / 'run.db'}"
    seed(url)
    api.slow_down(0.5)  # eight sends in flight at a time, each half a second
    process = await start(tmp_path, api, url)
    try:
        await api.wait_until(
            lambda: sum(delivered(api).values()) >= 10, timeout=STARTUP, what="ten reminders"
        )
    finally:
        process.kill()
        await asyncio.wait_for(process.communicate(), 30)
    await restart_until_everything_arrived(tmp_path, api, url)
    counts = delivered(api)
    assert min(counts.values()) == 1  # nothing lost
    duplicated = sum(n - 1 for n in counts.values())
    assert max(counts.values()) <= 2 and duplicated <= 8  # delivery.concurrency: the README's bound
