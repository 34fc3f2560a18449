"""What everyone may ask: /start, /help, /tasks, /my, /task N, /file N K; and the answer to unknown
commands."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from taskbot.bot.args import BadArguments, command_args, parse_task_id, parse_task_number
from taskbot.bot.context import BotContext
from taskbot.bot.errors import polite
from taskbot.bot.identity import Caller, identify, lang_of, roles_of
from taskbot.bot.render import PARSE_MODE, clip, esc, report_buttons, task_detail, task_list, workflow_lines
from taskbot.bot.replies import message_of, reply
from taskbot.domain.permissions import Roles
from taskbot.domain.values import OPEN_STATUSES
from taskbot.i18n import t
from taskbot.runtime import Runtime
from taskbot.services import messages
from taskbot.services.assignments import unit_label
from taskbot.services.tasks import chat_shares, chat_tasks, get_task, my_tasks, task_shares
from taskbot.services.workflow import attachments_of, task_requests
from taskbot.store import queries
from taskbot.store.db import transaction

# New messages only: an edited "/done 3" must not report twice.
NEW_MESSAGES = filters.UpdateType.MESSAGE

OFFICIAL_COMMANDS = ("start", "help", "tasks", "my", "task", "file", "done", "status", "blocked", "extend")
ADMIN_HELP = (
    "add",
    "assign",
    "bind",
    "cadence",
    "deadline",
    "close",
    "import",
    "report",
    "export",
    "pending",
    "due",
    "urge",
)
# Commands whose effect always reaches beyond the current group (an import's tasks go wherever its
# parties are bound): by the permission rule, only the configured admins may use them.
OFFICE_ONLY_COMMANDS = frozenset({"import"})


def register(app: Application) -> None:
    """Add this module's handlers to APP (the unknown-command answer last, so it only gets leftovers)."""
    # Before every other handler: PTB lets a button without data through every pattern.
    app.add_handler(TypeHandler(Update, empty_button), group=-1)
    app.add_handler(CommandHandler("start", start_command, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("help", help_command, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("tasks", tasks_command, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("my", my_command, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("task", task_command, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("file", file_command, filters=NEW_MESSAGES))
    app.add_handler(CallbackQueryHandler(stale_button))
    app.add_handler(MessageHandler(filters.COMMAND & NEW_MESSAGES, unknown_command))


def local_today(runtime: Runtime) -> dt.date:
    """Today in the configured timezone (deadlines are dates there)."""
    return runtime.clock().astimezone(runtime.settings.tz).date()


def help_text(lang: str, roles: Roles) -> str:
    """The commands this user may use; admins also see theirs, the office's admins all of them."""
    lines = [t("bot.help.header", lang), *(t(f"bot.help.{name}", lang) for name in OFFICIAL_COMMANDS)]
    if roles.any:
        names = [n for n in ADMIN_HELP if roles.office or n not in OFFICE_ONLY_COMMANDS]
        lines += ["", t("bot.help.admin_header", lang), *(t(f"bot.help.admin.{n}", lang) for n in names)]
    lines += ["", t("bot.help.footer", lang)]
    return "\n".join(lines)


# Handlers do their store work (and the rendering that reads the store) in a worker thread: a write
# waiting for SQLite's lock, or a list of thousands of tasks, must not hold the event loop.


@polite
async def start_command(update: Update, context: BotContext) -> None:
    """Greet the user and show what they may do."""
    roles = await roles_of(update, context)
    caller = await asyncio.to_thread(identified, update, context.runtime, roles)
    text = t("bot.start", caller.lang, name=esc(caller.actor.name)) + help_text(caller.lang, roles)
    await reply(message_of(update), text)
    from taskbot.bot.board import offer_board  # board imports this module's filters

    await offer_board(update, context, caller.lang)


@polite
async def help_command(update: Update, context: BotContext) -> None:
    """List the commands this user may use."""
    roles = await roles_of(update, context)
    caller = await asyncio.to_thread(identified, update, context.runtime, roles)
    await reply(message_of(update), help_text(caller.lang, roles))


def identified(update: Update, runtime: Runtime, roles: Roles) -> Caller:
    """The caller of UPDATE, their Person and Chat stored (blocking: run in a thread)."""
    with transaction(runtime.sessions) as session:
        return identify(session, update, runtime.settings, roles=roles)


@polite
async def tasks_command(update: Update, context: BotContext) -> None:
    """List this chat's open tasks (an admin's private chat: every open task)."""
    roles = await roles_of(update, context)
    rt = context.runtime

    def listing() -> list[str]:
        with transaction(rt.sessions) as session:
            caller = identify(session, update, rt.settings, roles=roles)
            lang = caller.lang
            if caller.actor.sees_everything:
                tasks = queries.open_tasks(session)
                header = t("bot.tasks.all_header", lang, count=len(tasks))
            elif caller.actor.in_private:
                tasks = my_tasks(session, caller.actor)
                header = t("bot.tasks.header", lang, count=len(tasks))
            else:
                tasks = chat_tasks(session, caller.chat)
                header = t("bot.tasks.header", lang, count=len(tasks))
            # In a unit's group each line shows the unit's own share, not the whole task's standing.
            shares = chat_shares(session, caller.chat) if not caller.actor.sees_everything else {}
            if tasks:
                return task_list(header, tasks, local_today(rt), lang, shares)
            return [t("bot.tasks.empty_private" if caller.actor.in_private else "bot.tasks.empty", lang)]

    await reply(message_of(update), await asyncio.to_thread(listing))


@polite
async def my_command(update: Update, context: BotContext) -> None:
    """List the open tasks the user answers for (in a group: those of this group)."""
    roles = await roles_of(update, context)
    rt = context.runtime

    def listing() -> list[str]:
        with transaction(rt.sessions) as session:
            caller = identify(session, update, rt.settings, roles=roles)
            lang = caller.lang
            tasks = my_tasks(session, caller.actor)
            if tasks:
                parts = task_list(t("bot.my.header", lang, count=len(tasks)), tasks, local_today(rt), lang)
            else:
                parts = [t("bot.my.empty", lang)]
            if not caller.actor.in_private:
                parts[-1] += "\n\n" + t("bot.my.group_hint", lang)
            return parts

    await reply(message_of(update), await asyncio.to_thread(listing))


@polite
async def task_command(update: Update, context: BotContext) -> None:
    """Show a task's detail and history, with the report buttons while it is open."""
    message = message_of(update)
    task_id = parse_task_number(command_args(message.text or ""), "bot.usage.task")
    roles = await roles_of(update, context)
    rt = context.runtime

    def detail() -> tuple[list[str], bool, str]:
        with transaction(rt.sessions) as session:
            caller = identify(session, update, rt.settings, roles=roles)
            task = get_task(session, task_id, caller.actor, history=True)
            parts = task_detail(task, local_today(rt), rt.settings.tz, caller.lang)
            flow = workflow_lines(
                task_requests(session, task_id),
                task_shares(session, task_id),
                rt.settings.tz,
                caller.lang,
                attachments_of(session, task_id),
            )
            if flow:
                parts[-1] += "\n\n" + "\n".join(flow)
            return parts, task.status in OPEN_STATUSES, caller.lang
        with transaction(rt.sessions) as session:
            caller = identify(session, update, rt.settings, roles=roles)
            task = get_task(session, task_id, caller.actor, history=True)
            parts = task_detail(task, local_today(rt), rt.settings.tz, caller.lang)
            return parts, task.status in OPEN_STATUSES, caller.lang

    parts, is_open, lang = await asyncio.to_thread(detail)
    sent = await reply(message, parts, markup=report_buttons(task_id, lang) if is_open else None)
    if is_open:
        await asyncio.to_thread(remember_message, rt, sent.chat_id, sent.message_id, task_id, messages.DETAIL)


# A caption is at most 1024 characters: the task's title is cut to leave room for the rest.
CAPTION_TITLE_CHARS = 200


@dataclass(frozen=True, slots=True)
class FileBack:
    """An evidence file to send back: its Telegram file id and kind, and the caption naming it."""

    file_id: str
    kind: str
    caption: str


def parse_file_args(args: str) -> tuple[int, int]:
    """``/file N K``: the task number and the evidence file's number (from 1); else the usage."""
    words = args.split()
    if len(words) != 2:
        raise BadArguments("bot.usage.file")
    task_id = parse_task_id(words[0], "bot.usage.file")
    number = parse_task_id(words[1], "bot.usage.file")
    if number < 1:
        raise BadArguments("bot.usage.file")
    return task_id, number


@polite
async def file_command(update: Update, context: BotContext) -> None:
    """Send back the K-th evidence file (佐证) of task N, as /task N numbers them, by its file id.

    Whoever may see task N in this chat may have its files: ``get_task`` refuses any other task
    ("not one of this chat's tasks") before the file's number is even looked at."""
    message = message_of(update)
    task_id, number = parse_file_args(command_args(message.text or ""))
    roles = await roles_of(update, context)
    rt = context.runtime

    def find() -> tuple[FileBack, str]:
        with transaction(rt.sessions) as session:
            caller = identify(session, update, rt.settings, roles=roles)
            task = get_task(session, task_id, caller.actor)
            files = attachments_of(session, task_id)
            if number > len(files):
                raise BadArguments("workflow.file.no_such", task_id=task_id, k=number, count=len(files))
            file = files[number - 1]
            units = {share.chat_id: unit_label(share) for share in task_shares(session, task_id)}
            caption = t(
                "workflow.file.caption",
                caller.lang,
                task_id=task_id,
                title=esc(clip(task.title, CAPTION_TITLE_CHARS)),
                unit=esc(units.get(file.unit_chat_id or 0, "")),
                who=esc(file.actor),
                when=file.at.astimezone(rt.settings.tz).strftime("%Y-%m-%d %H:%M"),
                name=esc(clip(file.name or file.kind, CAPTION_TITLE_CHARS)),
            )
            return FileBack(file.file_id, file.kind, caption), caller.lang

    back, lang = await asyncio.to_thread(find)
    try:
        if back.kind == "photo":
            await message.reply_photo(back.file_id, caption=back.caption, parse_mode=PARSE_MODE)
        elif back.kind == "video":
            await message.reply_video(back.file_id, caption=back.caption, parse_mode=PARSE_MODE)
        else:
            await message.reply_document(back.file_id, caption=back.caption, parse_mode=PARSE_MODE)
    except BadRequest:  # Telegram no longer knows the file id (or will not send it as that type)
        await reply(message, t("workflow.file.gone", lang, task_id=task_id, k=number))


def remember_message(runtime: Runtime, chat_id: int, message_id: int, task_id: int, purpose: str) -> None:
    """Remember that message MESSAGE_ID in CHAT_ID is about TASK_ID (blocking: run in a thread)."""
    with transaction(runtime.sessions) as session:
        messages.remember(session, chat_id, message_id, task_id, purpose, runtime.clock())


async def empty_button(update: Update, context: BotContext) -> None:
    """Answer a button press that carries no data as unknown, and let no other handler see it."""
    query = update.callback_query
    if query is not None and not query.data:
        await query.answer(t("bot.callback.unknown", lang_of(update, context)))
        raise ApplicationHandlerStop


async def stale_button(update: Update, context: BotContext) -> None:
    """Answer a button no handler knows (an old message's), so the user's spinner stops."""
    if update.callback_query is not None:
        await update.callback_query.answer(t("bot.callback.unknown", lang_of(update, context)))


async def unknown_command(update: Update, context: BotContext) -> None:
    """Say politely that a command is unknown (in a group only when it was addressed to this bot)."""
    message = update.effective_message
    if message is None or update.effective_chat is None:
        return
    if update.effective_chat.type != ChatType.PRIVATE and not _addressed_to_me(message.text or "", context):
        return  # a bare /command in a group may be meant for another bot
    lang = lang_of(update, context)
    await reply(message, t("bot.unknown_command", lang))


def _addressed_to_me(text: str, context: BotContext) -> bool:
    word = text.split(maxsplit=1)[0] if text.strip() else ""
    _, at, target = word.partition("@")
    return bool(at) and target.lower() == (context.bot.username or "").lower()
