"""How officials report: /done, /status, /blocked, the buttons under reminders, and replies.

A button 完成 marks the task done at once; 汇报进展 / 受阻 send a ForceReply prompt and the reply to
it is recorded. A reply to a one-task reminder, or to a task's detail, is a status report on it. A
reply to a reminder of several tasks is read for the task it names (``#3 60% …``, ``3号 …``, a
title's words); one that names none is kept and answered with a button per task (pressing one
records it, within 30 minutes). Photos and documents sent as replies are kept by file id.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session
from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from taskbot.bot.args import (
    BLOCKED,
    BUTTON_PATTERN,
    DONE,
    NOTE_BUTTON_PATTERN,
    PROGRESS,
    UNIT_BUTTON_PATTERN,
    TaskReport,
    command_args,
    parse_blocked,
    parse_button,
    parse_done,
    parse_status,
    split_progress,
)
from taskbot.bot.common import NEW_MESSAGES, local_today
from taskbot.bot.context import BotContext
from taskbot.bot.errors import polite
from taskbot.bot.identity import identify, lang_of, roles_of
from taskbot.bot.render import PARSE_MODE, clip, confirmation, mention, task_ref
from taskbot.bot.replies import message_of, reply
from taskbot.bot.workflow import announce_claim, is_return_purpose, on_return_reason, review_applies
from taskbot.domain.replies import read_reply
from taskbot.domain.values import ReportKind, TaskStatus
from taskbot.i18n import t
from taskbot.services import messages, notes
from taskbot.services.assignments import unit_label
from taskbot.services.people import Actor
from taskbot.services.tasks import (
    Unit,
    WhichUnit,
    mark_blocked,
    mark_done,
    report_status,
    split_unit,
    task_for_report,
    task_shares,
)
from taskbot.services.workflow import claim_done
from taskbot.store.db import transaction
from taskbot.store.models import Report

MAX_PICK_BUTTONS = 20


def register(app: Application) -> None:
    """Add this module's handlers to APP."""
    app.add_handler(CommandHandler("done", done_command, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("status", status_command, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("blocked", blocked_command, filters=NEW_MESSAGES))
    app.add_handler(CallbackQueryHandler(on_button, pattern=BUTTON_PATTERN))
    app.add_handler(CallbackQueryHandler(on_unit_button, pattern=UNIT_BUTTON_PATTERN))
    app.add_handler(MessageHandler(NEW_MESSAGES & filters.REPLY & filters.TEXT & ~filters.COMMAND, on_reply))
    app.add_handler(CallbackQueryHandler(on_note_button, pattern=NOTE_BUTTON_PATTERN))
    files = filters.PHOTO | filters.Document.ALL
    app.add_handler(MessageHandler(NEW_MESSAGES & filters.REPLY & files, on_file_reply))


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
        review = review_applies(update, context)
        with transaction(rt.sessions) as session:
            caller = identify(session, update, rt.settings, roles=roles)
            report = apply_report(
                session,
                caller.actor,
                rt.clock(),
                DONE,
                TaskReport(task_id),
                today=local_today(rt),
                tz=rt.settings.tz,
                review=review,
            )
            text = confirmation(report, caller.actor.name, caller.lang)
            claimed = (report.task_id, report.unit_chat_id) if report.kind == ReportKind.CLAIMED else None
        # Said in the chat first: a send that fails then ends in the error handler's alert instead.
        await context.bot.send_message(chat_id, text, parse_mode=PARSE_MODE, reply_parameters=under)
        await query.answer(t("bot.callback.done", caller.lang))
        if claimed is not None:
            await announce_claim(context, *claimed)
        return
    with transaction(rt.sessions) as session:
        caller = identify(session, update, rt.settings, roles=roles)
        task = task_for_report(session, task_id, caller.actor)
        who = mention(caller.person, query.from_user.id)
        prompt = t(f"bot.prompt.{action}", caller.lang, user=who, task=task_ref(task))
        placeholder = t(f"bot.prompt.placeholder.{action}", caller.lang)
    # selective: in a group only the mentioned user gets the reply box.
    sent = await context.bot.send_message(
        chat_id,
        prompt,
        parse_mode=PARSE_MODE,
        reply_markup=ForceReply(selective=True, input_field_placeholder=placeholder),
        reply_parameters=under,
    )
    purpose = messages.BLOCKED if action == BLOCKED else messages.PROGRESS
    with transaction(rt.sessions) as session:
        messages.remember(session, chat_id, sent.message_id, task_id, purpose, rt.clock())
    await query.answer(t("bot.callback.prompted", caller.lang))


@polite
async def on_reply(update: Update, context: BotContext) -> None:
    """Record a reply to a prompt, a one-task reminder or a task's detail as a report on that task."""
    message = message_of(update)
    about = _replied_about(update, context)
    if about is None:
        return  # not a reply to a message of ours about tasks: conversation, not a report
    if is_return_purpose(about.purpose):
        await on_return_reason(update, context, about.purpose)
        return
    rt = context.runtime
    task_id = about.single_task
    text = message.text or ""
    if task_id is None:
        with rt.sessions() as session:
            listed = notes.listed_tasks(session, about.task_ids)
        task_id, text = read_reply(text, listed)
        if task_id is None:
            await _keep_and_ask(update, context, listed, text=text)
            return
    if about.purpose == messages.BLOCKED:
        await _record(update, context, BLOCKED, TaskReport(task_id, text))
    else:
        progress, words = split_progress(text)
        await _record(update, context, PROGRESS, TaskReport(task_id, words, progress))


def _replied_about(update: Update, context: BotContext) -> messages.MessageAbout | None:
    """What the bot's message this one replies to was about; None when it is not a reply to ours."""
    message = message_of(update)
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
        return None
    with context.runtime.sessions() as session:
        return messages.recall(session, message.chat_id, replied.message_id)


async def _keep_and_ask(
    update: Update,
    context: BotContext,
    listed: list[tuple[int, str]],
    *,
    text: str = "",
    file_id: str | None = None,
    file_kind: str | None = None,
) -> None:
    """Keep a reply that named none of the reminder's tasks and ask, with a button each, which it was."""
    message = message_of(update)
    roles = await roles_of(update, context)
    rt = context.runtime
    progress, words = split_progress(text)
    with transaction(rt.sessions) as session:
        caller = identify(session, update, rt.settings, roles=roles)
        note = notes.keep(
            session,
            caller.actor,
            rt.clock(),
            chat_id=message.chat_id,
            message_id=message.message_id,
            task_ids=[tid for tid, _ in listed],
            text=words,
            progress=progress,
            file_id=file_id,
            file_kind=file_kind,
        )
        lang = caller.lang
    if not listed:
        await reply(message, t("bot.reply.kept", lang))
        return
    buttons = [
        [InlineKeyboardButton(f"#{tid} {clip(title, 24)}", callback_data=f"note:{note.id}:{tid}")]
        for tid, title in listed[:MAX_PICK_BUTTONS]
    ]
    key = "bot.reply.file_pick_task" if file_id else "bot.reply.pick_task"
    await reply(message, t(key, lang), markup=InlineKeyboardMarkup(buttons))


@polite
async def on_note_button(update: Update, context: BotContext) -> None:
    """Record a kept reply on the task picked under it."""
    query = update.callback_query
    assert query is not None
    _, note_id, task_id = (query.data or "").split(":")
    await _record_pressed(
        update,
        context,
        lambda session, actor: notes.record_on(
            session, int(note_id), int(task_id), actor, context.runtime.clock()
        ),
    )


async def _record_pressed(
    update: Update, context: BotContext, record: Callable[[Session, Actor], Report]
) -> tuple[int, int | None] | None:
    """Record what a pressed button means, as the presser; confirm it in the chat and stop the spinner.
    Return (task id, unit chat) when it was a completion claim the office must be told of."""
    query = update.callback_query
    assert query is not None
    roles = await roles_of(update, context)
    rt = context.runtime
    with transaction(rt.sessions) as session:
        caller = identify(session, update, rt.settings, roles=roles)
        row = record(session, caller.actor)
        text = confirmation(row, caller.actor.name, caller.lang)
        claimed = (row.task_id, row.unit_chat_id) if row.kind == ReportKind.CLAIMED else None
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, text, parse_mode=PARSE_MODE)
    await query.answer(t("bot.callback.done", caller.lang))
    return claimed


@polite
async def on_file_reply(update: Update, context: BotContext) -> None:
    """Keep a photo or document sent as a reply to a message of ours about tasks (by its file id)."""
    message = message_of(update)
    about = _replied_about(update, context)
    if about is None:
        return
    with context.runtime.sessions() as session:
        listed = notes.listed_tasks(session, about.task_ids)
    if message.photo:
        file_id, kind = message.photo[-1].file_id, "photo"
    elif message.document is not None:
        file_id, kind = message.document.file_id, "document"
    else:
        return
    await _keep_and_ask(update, context, listed, text=message.caption or "", file_id=file_id, file_kind=kind)


def apply_report(
    session: Session,
    actor: Actor,
    now: dt.datetime,
    action: str,
    report: TaskReport,
    *,
    unit: Unit = None,
    today: dt.date | None = None,
    tz: dt.tzinfo | None = None,
    review: bool = False,
) -> Report:
    """Record REPORT as ACTION (done, progress, blocked) by ACTOR on their share of the task (or
    UNIT's); refusals raise TaskError. With REVIEW a done is a claim the office reviews (办结审核)."""
    if action == DONE and review:
        return claim_done(session, report.task_id, actor, now, report.text, unit=unit, tz=tz)[0]
    if action == DONE:
        return mark_done(session, report.task_id, actor, now, report.text, unit=unit, today=today, tz=tz)
    if action == BLOCKED:
        return mark_blocked(session, report.task_id, actor, now, report.text, unit=unit, tz=tz)
    return report_status(session, report.task_id, actor, now, report.text, report.progress, unit=unit, tz=tz)


def with_unit(session: Session, report: TaskReport) -> tuple[str | None, TaskReport]:
    """The unit REPORT's words start with (``/done 3 甲镇``, ``/status 3 甲镇 50% …``), and the rest."""
    unit, words = split_unit(session, report.task_id, report.text)
    if unit is None:
        return None, report
    progress = report.progress
    if progress is None:
        progress, words = split_progress(words)
    return unit, TaskReport(report.task_id, words, progress)


async def _record(update: Update, context: BotContext, action: str, report: TaskReport) -> None:
    """Apply the report as the sender and confirm it in the chat; refusals propagate to ``polite``.

    A /done on a task of several units that does not say whose share is answered with one button
    per unit."""
    roles = await roles_of(update, context)
    rt = context.runtime
    review = action == DONE and review_applies(update, context)

    def record() -> tuple[str, InlineKeyboardMarkup | None, tuple[int, int | None] | None]:
        with transaction(rt.sessions) as session:
            caller = identify(session, update, rt.settings, roles=roles)
            unit, said = with_unit(session, report)
            try:
                row = apply_report(
                    session,
                    caller.actor,
                    rt.clock(),
                    action,
                    said,
                    unit=unit,
                    today=local_today(rt),
                    tz=rt.settings.tz,
                    review=review,
                )
            except WhichUnit:
                if action != DONE:
                    raise
                shares = task_shares(session, said.task_id)
                buttons = [
                    [InlineKeyboardButton(unit_label(s), callback_data=f"unit:done:{said.task_id}:{s.id}")]
                    for s in shares
                    if s.status != TaskStatus.DONE
                ]
                text = t("bot.pick_unit", caller.lang, task_id=said.task_id)
                return text, InlineKeyboardMarkup(buttons), None
            claimed = (row.task_id, row.unit_chat_id) if row.kind == ReportKind.CLAIMED else None
            return confirmation(row, caller.actor.name, caller.lang), None, claimed

    # Store work in a worker thread: a write waiting for SQLite's lock must not hold the event loop.
    text, markup, claimed = await asyncio.to_thread(record)
    await reply(message_of(update), text, markup=markup)
    if claimed is not None:
        await announce_claim(context, *claimed)


@polite
async def on_unit_button(update: Update, context: BotContext) -> None:
    """Mark the unit picked under a /done that did not say whose share was meant done."""
    query = update.callback_query
    assert query is not None
    _, action, task_id, share_id = (query.data or "").split(":")
    rt = context.runtime
    review = action == DONE and review_applies(update, context)
    claimed = await _record_pressed(
        update,
        context,
        lambda session, actor: apply_report(
            session,
            actor,
            rt.clock(),
            action,
            TaskReport(int(task_id)),
            unit=int(share_id),
            today=local_today(rt),
            tz=rt.settings.tz,
            review=review,
        ),
    )
    if claimed is not None:
        await announce_claim(context, *claimed)
