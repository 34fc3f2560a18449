"""A typed callback context: handlers reach the runtime as ``context.runtime``, not via string keys."""

from __future__ import annotations

import datetime as dt
from typing import Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from taskbot.runtime import Runtime


class BotData:
    """What the Application carries for every handler; filled in by ``build_application``."""

    runtime: Runtime
    # Extra objects the composition root attaches (the reminder service, the scheduler, …).
    extras: dict[str, Any]
    # (chat id, user id) -> (valid until, is a Telegram administrator of that chat); see bot/identity.py.
    chat_admins: dict[tuple[int, int], tuple[dt.datetime, bool]]

    def __init__(self) -> None:
        self.extras = {}
        self.chat_admins = {}


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    @property
    def runtime(self) -> Runtime:
        return self.bot_data.runtime


CONTEXT_TYPES = ContextTypes(context=BotContext, bot_data=BotData)
