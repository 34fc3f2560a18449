"""The bot's handlers (``register_handlers``) and command menu; ``taskbot.runtime`` composes the bot."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import BadRequest
from telegram.ext import Application

from taskbot.bot import admin, board, common, importing, reporting, reports, workflow
from taskbot.bot.context import BotContext, BotData
from taskbot.bot.errors import on_error
from taskbot.bot.lanes import MAX_RUNNING
from taskbot.i18n import LANGUAGES, t
from taskbot.runtime import Runtime

log = logging.getLogger(__name__)

# Order matters where handlers overlap: conversations and replies before the generic ones.
HANDLER_MODULES = (importing, admin, workflow, reporting, reports, board, common)

TaskbotApplication = Application  # Application[ExtBot[None], BotContext, dict, dict, BotData, JobQueue]


def register_handlers(app: Application, runtime: Runtime) -> None:
    """Put RUNTIME in APP's bot data and register every handler module, then the error handler."""
    bot_data: BotData = app.bot_data
    bot_data.runtime = runtime
    for module in HANDLER_MODULES:
        module.register(app)
    app.add_error_handler(on_error)


def build_application(
    runtime: Runtime,
    token: str,
    *,
    base_url: str | None = None,
    base_file_url: str | None = None,
    max_running: int = MAX_RUNNING,
) -> Application:
    """The handlers and the update processor only, as ``taskbot.runtime.build_bot(lifecycle=False)``.

    Kept for its callers; the bot is composed in ``taskbot.runtime`` (``build_bot``).
    """
    from taskbot.runtime import build_bot

    return build_bot(
        runtime,
        token,
        base_url=base_url,
        base_file_url=base_file_url,
        lifecycle=False,
        max_running=max_running,
    )


def command_list(lang: str) -> list[BotCommand]:
    """The commands every user sees in Telegram's menu, described in LANG."""
    return [BotCommand(name, t(f"bot.cmd.{name}", lang)) for name in common.OFFICIAL_COMMANDS]


async def publish_commands(bot: Bot, default_language: str, admins: Sequence[int] = ()) -> None:
    """Register the command menu: in DEFAULT_LANGUAGE for everyone, and per language code.

    Each configured admin's private chat also gets the admin commands. An admin who has never
    opened a chat with the bot cannot be given a menu yet; that is logged and skipped.
    """
    await bot.set_my_commands(command_list(default_language))
    for lang in LANGUAGES:
        await bot.set_my_commands(command_list(lang), language_code=lang)
    for admin_id in admins:
        scope = BotCommandScopeChat(admin_id)
        try:
            await bot.set_my_commands(
                command_list(default_language) + admin.admin_command_list(default_language), scope=scope
            )
            for lang in LANGUAGES:
                menu = command_list(lang) + admin.admin_command_list(lang)
                await bot.set_my_commands(menu, scope=scope, language_code=lang)
        except BadRequest as exc:
            log.warning("no admin command menu for user %s yet: %s", admin_id, exc.message)


__all__ = ["BotContext", "build_application", "command_list", "publish_commands", "register_handlers"]
