"""Builds the Application: handler modules, typed context, resources opened and closed with it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import BadRequest
from telegram.ext import Application, ApplicationBuilder
from telegram.request import BaseRequest

from taskbot.bot import admin, board, common, importing, reporting, reports, workflow
from taskbot.bot.context import CONTEXT_TYPES, BotContext, BotData
from taskbot.bot.errors import on_error
from taskbot.bot.lanes import MAX_RUNNING, ChatLanes
from taskbot.i18n import LANGUAGES, t
from taskbot.runtime import Runtime

log = logging.getLogger(__name__)

# Order matters where handlers overlap: conversations and replies before the generic ones.
HANDLER_MODULES = (importing, admin, workflow, reporting, reports, board, common)

TaskbotApplication = Application  # Application[ExtBot[None], BotContext, dict, dict, BotData, JobQueue]
Hook = Callable[[Application], Coroutine[Any, Any, None]]


def build_application(
    runtime: Runtime,
    token: str,
    *,
    base_url: str | None = None,
    base_file_url: str | None = None,
    post_init: Hook | None = None,
    post_shutdown: Hook | None = None,
    request: BaseRequest | None = None,
    max_running: int = MAX_RUNNING,
) -> Application:
    """Build the bot Application on RUNTIME; BASE_URL points it at another Bot API server.

    REQUEST replaces the HTTP client of the bot's calls (not getUpdates'): the metered one of ops.
    Updates are handled concurrently across chats and in order within a chat (``bot/lanes.py``),
    at most MAX_RUNNING at once.
    """
    builder: ApplicationBuilder = (
        Application.builder()
        .token(token)
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(ChatLanes(max_running))
    )
    if base_url:
        builder = builder.base_url(base_url)
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    if post_init:
        builder = builder.post_init(post_init)
    if post_shutdown:
        builder = builder.post_shutdown(post_shutdown)
    if request is not None:
        builder = builder.request(request)
    app = builder.build()
    bot_data: BotData = app.bot_data
    bot_data.runtime = runtime
    for module in HANDLER_MODULES:
        module.register(app)
    app.add_error_handler(on_error)
    return app


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


__all__ = ["BotContext", "build_application", "command_list", "publish_commands"]
