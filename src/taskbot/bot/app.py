"""Builds the Application: handler modules, typed context, resources opened and closed with it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram.ext import Application, ApplicationBuilder

from taskbot.bot import admin, common, importing, reporting, reports
from taskbot.bot.context import CONTEXT_TYPES, BotContext, BotData
from taskbot.runtime import Runtime

# Order matters where handlers overlap: conversations and replies before the generic ones.
HANDLER_MODULES = (importing, admin, reporting, reports, common)

TaskbotApplication = Application  # Application[ExtBot[None], BotContext, dict, dict, BotData, JobQueue]
Hook = Callable[[Application], Awaitable[None]]


def build_application(
    runtime: Runtime,
    token: str,
    *,
    base_url: str | None = None,
    base_file_url: str | None = None,
    post_init: Hook | None = None,
    post_shutdown: Hook | None = None,
) -> Application:
    """Build the bot Application on RUNTIME; BASE_URL points it at another Bot API server."""
    builder: ApplicationBuilder = Application.builder().token(token).context_types(CONTEXT_TYPES)
    if base_url:
        builder = builder.base_url(base_url)
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    if post_init:
        builder = builder.post_init(post_init)
    if post_shutdown:
        builder = builder.post_shutdown(post_shutdown)
    app = builder.build()
    bot_data: BotData = app.bot_data
    bot_data.runtime = runtime
    for module in HANDLER_MODULES:
        module.register(app)
    return app


__all__ = ["BotContext", "build_application"]
