"""A started FakeBotApi with a group and two users, and a python-telegram-bot Bot pointed at it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from taskbot.localapi import FakeBotApi

GROUP = -100123
ADMIN = 1001
MEMBER = 1002


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    fake = FakeBotApi(token="123456:TEST", bot_username="taskbot_test_bot")
    await fake.start()
    fake.add_chat(GROUP, type="supergroup", title="测试群")
    fake.add_user(ADMIN, first_name="张三", username="zhangsan", language_code="zh-hans")
    fake.add_user(MEMBER, first_name="李四", username="lisi")
    yield fake
    await fake.stop()


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client


def seconds(value: int | dt.timedelta) -> float:
    """RetryAfter.retry_after is an int or a timedelta depending on PTB settings."""
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
