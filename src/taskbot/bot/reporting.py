"""How officials report: /done, /status, /blocked, the buttons under reminders, and replies.

A button 完成 marks the task done at once; 汇报进展 / 受阻 send a ForceReply prompt and the reply to
it is recorded. A reply to a one-task reminder, or to a task's detail, is a status report on it.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy.orm import Session
from telegram import ForceReply, ReplyParameters, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from taskbot.bot.args import (
    BLOCKED,
    BUTTON_PATTERN,
    DONE,
    PROGRESS,
    TaskReport,
    command_args,
    parse_blocked,
    parse_button,
    parse_done,
    parse_status,
    split_progress,
)
from taskbot.bot.common import NEW_MESSAGES, remember_message
from taskbot.bot.context import BotContext
from taskbot.bot.errors import polite
from taskbot.bot.identity import identify, lang_of, roles_of
from taskbot.bot.render import PARSE_MODE, confirmation, mention, task_ref
from taskbot.bot.replies import message_of, reply
from taskbot.i18n import t
from taskbot.runtime import Runtime
from taskbot.services import messages
from taskbot.services.people import Actor
from taskbot.services.tasks import mark_blocked, mark_done, report_status, task_for_report
from taskbot.store.db import transaction
from taskbot.store.models import Report


def register(app: Application) -> None:
    """Add this module's handlers to APP."""
    app.add_handler(CommandHandler("done", done_command, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("status", status_command, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("blocked", blocked_command, filters=NEW_MESSAGES))
    app.add_handler(CallbackQueryHandler(on_button, pattern=BUTTON_PATTERN))
    app.add_handler(MessageHandler(NEW_MESSAGES & filters.REPLY & filters.TEXT & ~filters.COMMAND, on_reply))


@polite
async def done_command(update: Update, context: BotContext) -> None:
    """Mark a task done: /done N [note]."""
    await _record(update, context, DONE, parse_done(command_args(message_of(update).text or "")))


@polite
async def status_command(update: Update, context: BotContext) -> None:
    """Report progress: /status N [NN%] text."""
    await _record(update, context, PROGRESS, parse_status(command_args(message_of(update).text or "")))


@polite
async def blocked_command(update: Update, context: BotContext) -> None:
    """Report a task blocked: /blocked N reason."""
    await _record(update, context, BLOCKED, parse_blocked(command_args(message_of(update).text or "")))


@polite
async def on_button(update: Update, context: BotContext) -> None:
    """Handle 完成 / 汇报进展 / 受阻 pressed under a message about a task."""
    query = update.callback_query
    assert query is not None
    rt = context.runtime
    parsed = parse_button(query.data or "")
    if parsed is None or update.effective_chat is None:
        await query.answer(t("bot.callback.unknown", lang_of(update, context)))
        return
    action, task_id = parsed
    roles = await roles_of(update, context)
    chat_id = update.effective_chat.id
    under = (
        ReplyParameters(message_id=query.message.message_id, allow_sending_without_reply=True)
        if query.message
        else None
    )
    if action == DONE:

        def mark() -> tuple[str, str]:
            with transaction(rt.sessions) as session:
                caller = identify(session, update, rt.settings, roles=roles)
                report = apply_report(session, caller.actor, rt.clock(), DONE, TaskReport(task_id))
                return confirmation(report, caller.actor.name, caller.lang), caller.lang

        text, lang = await asyncio.to_thread(mark)
        # Said in the chat first: a send that fails then ends in the error handler's alert instead.
        await context.bot.send_message(chat_id, text, parse_mode=PARSE_MODE, reply_parameters=under)
        await query.answer(t("bot.callback.done", lang))
        return

    def ask() -> tuple[str, str, str]:
        with transaction(rt.sessions) as session:
            caller = identify(session, update, rt.settings, roles=roles)
            task = task_for_report(session, task_id, caller.actor)
            who = mention(caller.person, query.from_user.id)
            prompt = t(f"bot.prompt.{action}", caller.lang, user=who, task=task_ref(task))
            return prompt, t(f"bot.prompt.placeholder.{action}", caller.lang), caller.lang

    prompt, placeholder, lang = await asyncio.to_thread(ask)
    # selective: in a group only the mentioned user gets the reply box.
    sent = await context.bot.send_message(
        chat_id,
        prompt,
        parse_mode=PARSE_MODE,
        reply_markup=ForceReply(selective=True, input_field_placeholder=placeholder),
        reply_parameters=under,
    )
    purpose = messages.BLOCKED if action == BLOCKED else messages.PROGRESS
    await asyncio.to_thread(remember_message, rt, chat_id, sent.message_id, task_id, purpose)
    await query.answer(t("bot.callback.prompted", lang))


@polite
async def on_reply(update: Update, context: BotContext) -> None:
    """Record a reply to a prompt, a one-task reminder or a task's detail as a report on that task."""
    message = message_of(update)
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
        return
    rt = context.runtime
    about = await asyncio.to_thread(recall, rt, message.chat_id, replied.message_id)
    if about is None:
        return  # a reply to some other message of ours: conversation, not a report
    task_id = about.single_task
    if task_id is None:
        lang = lang_of(update, context)
        example = about.task_ids[0] if about.task_ids else 1
        await reply(message, t("bot.reply.which_task", lang, example=example))
        return
    text = message.text or ""
    if about.purpose == messages.BLOCKED:
        await _record(update, context, BLOCKED, TaskReport(task_id, text))
    else:
        progress, words = split_progress(text)
        await _record(update, context, PROGRESS, TaskReport(task_id, words, progress))


def apply_report(session: Session, actor: Actor, now: dt.datetime, action: str, report: TaskReport) -> Report:
    """Record REPORT as ACTION (done, progress, blocked) by ACTOR; refusals raise TaskError."""
    if action == DONE:
        return mark_done(session, report.task_id, actor, now, report.text)
    if action == BLOCKED:
        return mark_blocked(session, report.task_id, actor, now, report.text)
    return report_status(session, report.task_id, actor, now, report.text, report.progress)


async def _record(update: Update, context: BotContext, action: str, report: TaskReport) -> None:
    """Apply the report as the sender and confirm it in the chat; refusals propagate to ``polite``."""
    roles = await roles_of(update, context)
    rt = context.runtime

    def record() -> str:
        with transaction(rt.sessions) as session:
            caller = identify(session, update, rt.settings, roles=roles)
            row = apply_report(session, caller.actor, rt.clock(), action, report)
            return confirmation(row, caller.actor.name, caller.lang)

    # Store work in a worker thread: a write waiting for SQLite's lock must not hold the event loop.
    await reply(message_of(update), await asyncio.to_thread(record))


def recall(runtime: Runtime, chat_id: int, message_id: int) -> messages.MessageAbout | None:
    """What message MESSAGE_ID in CHAT_ID is about, if we remember (blocking: run in a thread)."""
    with runtime.sessions() as session:
        return messages.recall(session, chat_id, message_id)
