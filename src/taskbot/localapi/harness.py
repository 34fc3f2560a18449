"""Run a python-telegram-bot Application against a FakeBotApi for the length of a ``with`` block."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from taskbot.localapi.api import FakeBotApi

if TYPE_CHECKING:
    from telegram.ext import Application


@asynccontextmanager
async def polling(
    application: Application[Any, Any, Any, Any, Any, Any], api: FakeBotApi, *, timeout: int = 10
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """Initialize, start and long-poll APPLICATION on API; yield once its first poll is parked."""
    async with application:
        await application.start()
        updater = application.updater
        if updater is None:
            raise RuntimeError("the Application was built without an Updater; it cannot poll")
        await updater.start_polling(poll_interval=0, timeout=timeout)
        try:
            await api.wait_until_polling()
            yield application
        finally:
            await updater.stop()
            await application.stop()
