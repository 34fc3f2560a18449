"""Refusals and failures, answered politely: typed errors become catalog messages; anything else
is logged with the update id and answered with an apology. No traceback ever reaches a chat."""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import TelegramError

from taskbot.bot.args import BadArguments
from taskbot.bot.context import BotContext
from taskbot.bot.identity import lang_of
from taskbot.bot.render import PARSE_MODE
from taskbot.i18n import catalog, t
from taskbot.services.tasks import TaskError

log = logging.getLogger(__name__)

Handler = Callable[[Update, BotContext], Coroutine[Any, Any, Any]]
Refusal = TaskError | BadArguments


def describe(err: Refusal, lang: str) -> str:
    """The catalog message for a refusal, its parameters escaped for HTML."""
    params = {k: html.escape(v, quote=False) if isinstance(v, str) else v for k, v in err.params.items()}
    if isinstance(err, BadArguments):
        key = err.key
    else:
        key = f"error.{err.code}"
        if key not in catalog():
            key = f"error.{type(err).code}"
    if key not in catalog():
        log.warning("no catalog message %s for %s", key, type(err).__name__)
        key = "error.task_error"
    try:
        return t(key, lang, **params)
    except (KeyError, IndexError):  # a message expecting a parameter the error did not carry
        log.warning("catalog message %s needs parameters %s lacks", key, type(err).__name__)
        return t("error.task_error", lang)


async def answer_refusal(update: Update, context: BotContext, text: str) -> None:
    """Say TEXT where the update came from: an alert for a button, else a reply in the chat."""
    if update.callback_query is not None:
        await update.callback_query.answer(html.unescape(text), show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text, parse_mode=PARSE_MODE)


def polite(handler: Handler) -> Handler:
    """Wrap HANDLER so a refusal (TaskError, BadArguments) is answered in the caller's language."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: BotContext) -> Any:
        try:
            return await handler(update, context)
        except (TaskError, BadArguments) as err:
            lang = lang_of(update, context)
            await answer_refusal(update, context, describe(err, lang))
            return None

    return wrapper


async def on_error(update: object, context: BotContext) -> None:
    """Log an unexpected failure with the update id and apologise to the chat it came from."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("handling update %s failed", update_id, exc_info=context.error)
    if not isinstance(update, Update):
        return
    try:
        text = t("error.internal", lang_of(update, context))
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError as exc:
        log.warning("could not apologise for update %s: %s", update_id, exc.__class__.__name__)
    except Exception:  # the apology must never raise into PTB's error machinery
        log.exception("could not apologise for update %s", update_id)
