"""The bot as `taskbot run` builds it (metered requests, instrumented updates, the operations HTTP
server on a free port) polling the fake Bot API."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from taskbot.config import load_settings
from taskbot.localapi import FakeBotApi
from taskbot.runtime import Lifecycle, build_bot, build_runtime
from tests.bot.conftest import ADMIN, BOT_USERNAME, TOKEN, BotHarness
from tests.support.clock import ManualClock


class OpsHarness(BotHarness):
    lifecycle: Lifecycle
    http: httpx.AsyncClient

    async def get(self, path: str) -> httpx.Response:
        return await self.http.get(path)


@pytest.fixture
def ops_settings(tmp_path: Path) -> dict[str, Any]:
    return {
        "admins": [ADMIN],
        "database": {"url": f"sqlite:///{tmp_path / 'ops.db'}"},
        "http": {"enabled": True, "listen": "127.0.0.1", "port": 0},
        # No reminders interleave with the answers a test waits for (test_ready turns them on).
        "schedule": {"enabled": False},
        # An official's /done closes their share at once (no 办结审核 step), as the metrics tests expect.
        # No 签收 announcements among the deliveries the tests count.
        "workflow": {"review": False, "receipt": False},
    }


@pytest.fixture
async def ops_bot(ops_settings: dict[str, Any], clock: ManualClock) -> AsyncIterator[OpsHarness]:
    runtime = build_runtime(load_settings(**ops_settings), clock=clock)
    api = FakeBotApi(token=TOKEN, bot_username=BOT_USERNAME)
    await api.start()
    app = build_bot(runtime, TOKEN, base_url=api.base_url)
    assert app.post_init is not None and app.post_shutdown is not None
    await app.initialize()
    await app.post_init(app)
    lifecycle: Lifecycle = app.post_init.__self__  # type: ignore[attr-defined]
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=dt.timedelta(seconds=2))
    await api.wait_until_polling()
    harness = OpsHarness(api, app, runtime, clock)
    harness.lifecycle = lifecycle
    port = lifecycle.ops.port if lifecycle.ops else 0
    harness.http = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10)
    try:
        yield harness
    finally:
        await harness.http.aclose()
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)
        await api.stop()
        runtime.close()
        gc.unfreeze()  # post_init froze the heap; the test session keeps its collector
