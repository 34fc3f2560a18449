"""A typed callback context: handlers reach the runtime as ``context.runtime``, not via string keys."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from taskbot.runtime import Runtime

if TYPE_CHECKING:
    from taskbot.bot.dialogs import Dialogs
    from taskbot.bot.importing import PendingImports
    from taskbot.schedule.service import ReminderService


class BotData:
    """What the Application carries for every handler; filled in by ``bot.app.register_handlers``."""

    runtime: Runtime
    # The multi-step dialogs in progress (bot/dialogs.py) and the /import previews awaiting a yes.
    dialogs: Dialogs
    pending_imports: PendingImports
    # The reminder engine, once ``schedule.wiring.install`` put it on the JobQueue.
    reminders: ReminderService | None
    # (chat id, user id) -> (valid until, is a Telegram administrator of that chat); see bot/identity.py.
    chat_admins: dict[tuple[int, int], tuple[dt.datetime, bool]]

    def __init__(self) -> None:
        # Here, not at the top: both modules import this one for BotContext.
        from taskbot.bot.dialogs import Dialogs
        from taskbot.bot.importing import PendingImports

        self.dialogs = Dialogs()
        self.pending_imports = PendingImports()
        self.reminders = None
        self.chat_admins = {}


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    @property
    def runtime(self) -> Runtime:
        return self.bot_data.runtime


CONTEXT_TYPES = ContextTypes(context=BotContext, bot_data=BotData)
