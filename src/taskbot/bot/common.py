"""What everyone may ask: /start, /help, /tasks, /my, /task N; and the answer to unknown commands."""

from __future__ import annotations

import datetime as dt

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from taskbot.bot.args import command_args, parse_task_number
from taskbot.bot.context import BotContext
from taskbot.bot.errors import polite
from taskbot.bot.identity import identify, is_admin, is_office_admin, lang_of
from taskbot.bot.render import esc, report_buttons, task_detail, task_list
from taskbot.bot.replies import message_of, reply
from taskbot.domain.values import OPEN_STATUSES
from taskbot.i18n import t
from taskbot.runtime import Runtime
from taskbot.services import messages
from taskbot.services.tasks import chat_shares, chat_tasks, get_task, my_tasks
from taskbot.store import queries
from taskbot.store.db import transaction

# New messages only: an edited "/done 3" must not report twice.
NEW_MESSAGES = filters.UpdateType.MESSAGE

OFFICIAL_COMMANDS = ("start", "help", "tasks", "my", "task", "done", "status", "blocked")
ADMIN_HELP = ("add", "assign", "bind", "cadence", "deadline", "close", "import", "report", "export")
# Commands whose effect reaches beyond the current group: only the configured admins may use them.
OFFICE_ONLY_COMMANDS = frozenset({"bind", "import"})


def register(app: Application) -> None:
    """Add this module's handlers to APP (the unknown-command answer last, so it only gets leftovers)."""
    app.add_handler(CommandHandler("start", start_command, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("help", help_command, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("tasks", tasks_command, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("my", my_command, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("task", task_command, filters=NEW_MESSAGES))
    app.add_handler(CallbackQueryHandler(stale_button))
    app.add_handler(MessageHandler(filters.COMMAND & NEW_MESSAGES, unknown_command))


def local_today(runtime: Runtime) -> dt.date:
    """Today in the configured timezone (deadlines are dates there)."""
    return runtime.clock().astimezone(runtime.settings.tz).date()


def help_text(lang: str, *, admin: bool, office_admin: bool = False) -> str:
    """The commands this user may use; admins also see theirs, the office's admins all of them."""
    lines = [t("bot.help.header", lang), *(t(f"bot.help.{name}", lang) for name in OFFICIAL_COMMANDS)]
    if admin or office_admin:
        names = [n for n in ADMIN_HELP if office_admin or n not in OFFICE_ONLY_COMMANDS]
        lines += ["", t("bot.help.admin_header", lang), *(t(f"bot.help.admin.{n}", lang) for n in names)]
    lines += ["", t("bot.help.footer", lang)]
    return "\n".join(lines)


@polite
async def start_command(update: Update, context: BotContext) -> None:
    """Greet the user and show what they may do."""
    admin = await is_admin(update, context)
    rt = context.runtime
    with transaction(rt.sessions) as session:
        caller = identify(session, update, rt.settings, admin=admin)
        name = caller.actor.name
    office = is_office_admin(update, context)
    text = t("bot.start", caller.lang, name=esc(name)) + help_text(
        caller.lang, admin=admin, office_admin=office
    )
    await reply(message_of(update), text)
    from taskbot.bot.board import offer_board  # board imports this module's filters

    await offer_board(update, context, caller.lang)


@polite
async def help_command(update: Update, context: BotContext) -> None:
    """List the commands this user may use."""
    admin = await is_admin(update, context)
    rt = context.runtime
    with transaction(rt.sessions) as session:
        caller = identify(session, update, rt.settings, admin=admin)
    office = is_office_admin(update, context)
    await reply(message_of(update), help_text(caller.lang, admin=admin, office_admin=office))


@polite
async def tasks_command(update: Update, context: BotContext) -> None:
    """List this chat's open tasks (an admin's private chat: every open task)."""
    admin = await is_admin(update, context)
    rt = context.runtime
    with transaction(rt.sessions) as session:
        caller = identify(session, update, rt.settings, admin=admin)
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
            parts = task_list(header, tasks, local_today(rt), lang, shares)
        else:
            parts = [t("bot.tasks.empty_private" if caller.actor.in_private else "bot.tasks.empty", lang)]
    await reply(message_of(update), parts)


@polite
async def my_command(update: Update, context: BotContext) -> None:
    """List the open tasks the user answers for (in a group: those of this group)."""
    admin = await is_admin(update, context)
    rt = context.runtime
    with transaction(rt.sessions) as session:
        caller = identify(session, update, rt.settings, admin=admin)
        lang = caller.lang
        tasks = my_tasks(session, caller.actor)
        if tasks:
            parts = task_list(t("bot.my.header", lang, count=len(tasks)), tasks, local_today(rt), lang)
        else:
            parts = [t("bot.my.empty", lang)]
        if not caller.actor.in_private:
            parts[-1] += "\n\n" + t("bot.my.group_hint", lang)
    await reply(message_of(update), parts)


@polite
async def task_command(update: Update, context: BotContext) -> None:
    """Show a task's detail and history, with the report buttons while it is open."""
    message = message_of(update)
    task_id = parse_task_number(command_args(message.text or ""), "bot.usage.task")
    admin = await is_admin(update, context)
    rt = context.runtime
    with transaction(rt.sessions) as session:
        caller = identify(session, update, rt.settings, admin=admin)
        task = get_task(session, task_id, caller.actor, history=True)
        parts = task_detail(task, local_today(rt), rt.settings.tz, caller.lang)
        is_open = task.status in OPEN_STATUSES
    sent = await reply(message, parts, markup=report_buttons(task_id, caller.lang) if is_open else None)
    if is_open:
        with transaction(rt.sessions) as session:
            messages.remember(session, sent.chat_id, sent.message_id, task_id, messages.DETAIL, rt.clock())


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
