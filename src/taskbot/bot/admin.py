"""The admins' task commands: /add (one line or step by step), /assign, /bind, /unbind, /cadence,
/deadline, /close, /reopen.

Every handler checks the caller is an admin before it reads its arguments, so a non-admin gets the
same polite refusal whatever they typed; the task service then records each change in the history.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session
from telegram import (
    BotCommand,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from taskbot.bot.admin_args import (
    NewTask,
    cadence_list,
    parse_add,
    parse_cadence,
    parse_deadline_or_none,
    parse_parties,
    parse_party_name,
    parse_title,
)
from taskbot.bot.args import BadArguments, command_args, split_task_id
from taskbot.bot.common import NEW_MESSAGES, local_today
from taskbot.bot.context import BotContext
from taskbot.bot.dialogs import Dialogs, InDialog, dialogs_of, key_of, tracked
from taskbot.bot.errors import polite
from taskbot.bot.identity import Caller, identify, is_admin, is_office_admin, lang_of
from taskbot.bot.render import PARSE_MODE, cadence_label, esc, mention, task_ref
from taskbot.bot.replies import message_of, reply
from taskbot.domain.values import Cadence, Role
from taskbot.i18n import t
from taskbot.services.people import person_by_username, upsert_person
from taskbot.services.tasks import (
    NotAllowed,
    add_task,
    assign_task,
    bind_party,
    close_task,
    reopen_task,
    set_cadence,
    set_deadline,
    set_role,
    unbind_party,
)
from taskbot.store import queries
from taskbot.store.db import transaction
from taskbot.store.models import Person, Task

# Steps of the guided /add.
ADD_TITLE, ADD_PARTIES, ADD_CADENCE, ADD_DEADLINE, ADD_CONFIRM = range(5)
# An unfinished /add is dropped after this long without an answer.
ADD_TIMEOUT = dt.timedelta(minutes=10)
# Words that skip an optional step of the guided /add.
SKIP_WORDS = frozenset({"-", "—", "跳过", "无", "skip", "none"})
CONFIRM_WORDS = frozenset({"确认", "是", "好", "ok", "yes", "y"})
# Buttons offered at the cadence step: the bulletin's three rhythms first, then the rest.
CADENCE_BUTTONS = (
    (Cadence.WEEKLY, Cadence.FORTNIGHTLY, Cadence.MONTHLY),
    (Cadence.DAILY, Cadence.QUARTERLY, Cadence.YEARLY),
)
_DRAFT = "add_draft:{chat_id}"
DIALOG = "add"
_TEXT = filters.TEXT & ~filters.COMMAND & NEW_MESSAGES


# The admins' commands for Telegram's menu (shown to admins only: BotCommandScopeChat per admin).
ADMIN_COMMANDS = (
    "add",
    "assign",
    "bind",
    "unbind",
    "cadence",
    "deadline",
    "close",
    "reopen",
    "import",
    "report",
    "export",
    "cancel",
)


def admin_command_list(lang: str) -> list[BotCommand]:
    """The admins' commands described in LANG, for ``setMyCommands`` in an admin's private chat."""
    return [BotCommand(name, t(f"admin.cmd.{name}", lang)) for name in ADMIN_COMMANDS]


def register(app: Application) -> None:
    """Add this module's handlers to APP."""
    app.add_handler(add_conversation(dialogs_of(app.bot_data)))
    for name, callback in (
        ("assign", assign_command),
        ("bind", bind_command),
        ("unbind", unbind_command),
        ("cadence", cadence_command),
        ("deadline", deadline_command),
        ("close", close_command),
        ("reopen", reopen_command),
    ):
        app.add_handler(CommandHandler(name, callback, filters=NEW_MESSAGES))
    # Reached only when no conversation (here or in /import) is waiting for this user.
    app.add_handler(CommandHandler("cancel", nothing_to_cancel, filters=NEW_MESSAGES))


# --- shared steps -------------------------------------------------------------------------------


async def require_admin(update: Update, context: BotContext) -> None:
    """Refuse (NotAllowed) unless the sender is an admin here."""
    if not await is_admin(update, context):
        raise NotAllowed("admin_only")


async def require_office_admin(update: Update, context: BotContext) -> None:
    """Refuse (NotAllowed) unless the sender is one of the configured ``admins``.

    Binding a party or importing a bulletin reaches beyond the current group: a group's own
    Telegram administrators (``chat_admins_are_admins``) must not route other parties' tasks.
    """
    if not is_office_admin(update, context):
        # A group's own administrator hears why; anyone else gets the plain refusal.
        raise NotAllowed("office_admin_only" if await is_admin(update, context) else "admin_only")


def admin_caller(session: Session, update: Update, context: BotContext) -> Caller:
    """The admin (already checked) behind UPDATE, with their Person and Chat in SESSION."""
    return identify(session, update, context.runtime.settings, admin=True)


def receivers_line(session: Session, task: Task, lang: str) -> str:
    """Which chats will get TASK's reminders, or a hint how to bind one."""
    chats = queries.chats_by_task(session, [task]).get(task.id, [])
    if chats:
        names = "、".join(esc(c.title or c.telegram_chat_id) for c in chats)
        return t("admin.receivers", lang, chats=names)
    if task.parties:
        return t("admin.no_receivers_bind", lang, party=esc(task.parties[0].name))
    return t("admin.no_receivers", lang)


def join_parties(names: Iterable[str], lang: str) -> str:
    """Party names in a sentence, escaped; not joined with 、, which names like 市、区领导 contain."""
    return ("，" if lang == "zh" else "; ").join(esc(name) for name in names)


def field_lines(draft: NewTask, lang: str) -> list[str]:
    """The responsible parties, cadence and deadline of a task about to be created, one per line."""
    none = t("bot.task.none", lang)
    parties = join_parties(draft.parties, lang) or none
    cadence = cadence_label(cadence_list(draft.cadence), lang) or none
    deadline = draft.deadline.isoformat() if draft.deadline else none
    return [
        f"{t('bot.task.parties', lang)}: {parties}",
        f"{t('bot.task.cadence', lang)}: {cadence}",
        f"{t('bot.task.deadline', lang)}: {deadline}",
    ]


def create_task(session: Session, caller: Caller, draft: NewTask, now: dt.datetime) -> str:
    """Create DRAFT's task and say what was created and who will be reminded.

    A task added in a group without a responsible party goes to that group; otherwise the chats
    bound to its parties receive it.
    """
    in_group = not caller.actor.in_private
    chat = caller.chat if in_group and not draft.parties else None
    task = add_task(
        session,
        caller.actor,
        now,
        draft.title,
        parties=draft.parties,
        cadence=cadence_list(draft.cadence),
        deadline=draft.deadline,
        chat=chat,
    )
    lang = caller.lang
    lines = [t("admin.added", lang, task=task_ref(task)), *field_lines(draft, lang)]
    return "\n".join([*lines, receivers_line(session, task, lang)])


# --- /add ---------------------------------------------------------------------------------------


def add_conversation(dialogs: Dialogs) -> ConversationHandler[BotContext]:
    """/add: one line creates the task at once; no arguments start the guided steps."""
    text = _TEXT & InDialog(dialogs, DIALOG)
    with warnings.catch_warnings():
        # Buttons belong to the conversation of the (chat, user) that pressed them, which is what
        # we want; PTB warns because it cannot also tell the messages apart (per_message=False).
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[CommandHandler("add", add_command, filters=NEW_MESSAGES)],
            states={
                ADD_TITLE: [MessageHandler(text, add_title)],
                ADD_PARTIES: [MessageHandler(text, add_parties)],
                ADD_CADENCE: [
                    CallbackQueryHandler(add_cadence_button, pattern=r"^addc:"),
                    MessageHandler(text, add_cadence),
                ],
                ADD_DEADLINE: [MessageHandler(text, add_deadline)],
                ADD_CONFIRM: [
                    CallbackQueryHandler(add_confirm_button, pattern=r"^add:(yes|no)$"),
                    MessageHandler(text, add_confirm_text),
                ],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, add_timed_out)],
            },
            fallbacks=[
                CommandHandler("cancel", add_cancel, filters=NEW_MESSAGES & InDialog(dialogs, DIALOG))
            ],
            conversation_timeout=ADD_TIMEOUT.total_seconds(),
            allow_reentry=True,
            name="add",
        )


def _draft(context: BotContext, update: Update, **answers: Any) -> NewTask:
    """The task the guided /add has gathered so far in this chat, with ANSWERS added to it."""
    key = _DRAFT.format(chat_id=update.effective_chat.id if update.effective_chat else 0)
    user_data: dict[Any, Any] = context.user_data if context.user_data is not None else {}
    draft = user_data.get(key)
    draft = user_data[key] = replace(draft if isinstance(draft, NewTask) else NewTask(""), **answers)
    return draft


def _drop_draft(context: BotContext, update: Update) -> None:
    if context.user_data is not None and update.effective_chat is not None:
        context.user_data.pop(_DRAFT.format(chat_id=update.effective_chat.id), None)


async def _prompt(message: Message, text: str, placeholder: str) -> None:
    # ForceReply makes the answer a reply to the bot, which a group bot in privacy mode still sees.
    await message.reply_text(
        text,
        parse_mode=PARSE_MODE,
        reply_markup=ForceReply(selective=True, input_field_placeholder=placeholder[:64]),
    )


@tracked(DIALOG)
@polite
async def add_command(update: Update, context: BotContext) -> int | None:
    """Create a task from one line, or start asking for its fields one by one."""
    message = message_of(update)
    await require_admin(update, context)
    args = command_args(message.text or "")
    lang = lang_of(update, context)
    rt = context.runtime
    if args:
        draft = parse_add(args, local_today(rt))
        with transaction(rt.sessions) as session:
            caller = admin_caller(session, update, context)
            text = create_task(session, caller, draft, rt.clock())
        await reply(message, text)
        return ConversationHandler.END
    _drop_draft(context, update)
    await _prompt(message, t("admin.add.ask_title", lang), t("admin.add.ph_title", lang))
    return ADD_TITLE


@tracked(DIALOG)
@polite
async def add_title(update: Update, context: BotContext) -> int:
    """Take the title and ask for the responsible parties."""
    message = message_of(update)
    _draft(context, update, title=parse_title(message.text or ""))
    lang = lang_of(update, context)
    await _prompt(message, t("admin.add.ask_parties", lang), t("admin.add.ph_parties", lang))
    return ADD_PARTIES


@tracked(DIALOG)
@polite
async def add_parties(update: Update, context: BotContext) -> int:
    """Take the parties (or a skip) and offer the cadences."""
    message = message_of(update)
    text = (message.text or "").strip()
    _draft(context, update, parties=[] if text.lower() in SKIP_WORDS else parse_parties(text))
    lang = lang_of(update, context)
    await message.reply_text(t("admin.add.ask_cadence", lang), reply_markup=_cadence_keyboard(lang))
    return ADD_CADENCE


def _cadence_keyboard(lang: str) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(t(f"bot.cadence.{c.value}", lang), callback_data=f"addc:{c.value}")
            for c in row
        ]
        for row in CADENCE_BUTTONS
    ]
    rows.append([InlineKeyboardButton(t("admin.add.no_cadence", lang), callback_data="addc:none")])
    return InlineKeyboardMarkup(rows)


@tracked(DIALOG)
@polite
async def add_cadence(update: Update, context: BotContext) -> int:
    """Take a typed cadence word and ask for the deadline."""
    message = message_of(update)
    text = (message.text or "").strip()
    _draft(context, update, cadence=None if text.lower() in SKIP_WORDS else parse_cadence(text))
    return await _ask_deadline(message, lang_of(update, context))


@tracked(DIALOG)
@polite
async def add_cadence_button(update: Update, context: BotContext) -> int:
    """Take the pressed cadence and ask for the deadline."""
    query = update.callback_query
    assert query is not None and query.data is not None
    value = query.data.removeprefix("addc:")
    _draft(context, update, cadence=None if value == "none" else parse_cadence(value))
    lang = lang_of(update, context)
    await query.answer()
    chosen = t(f"bot.cadence.{value}", lang) if value != "none" else t("admin.add.no_cadence", lang)
    await query.edit_message_text(t("admin.add.cadence_chosen", lang, cadence=chosen))
    message = query.message
    assert isinstance(message, Message)
    return await _ask_deadline(message, lang)


async def _ask_deadline(message: Message, lang: str) -> int:
    await _prompt(message, t("admin.add.ask_deadline", lang), t("admin.add.ph_deadline", lang))
    return ADD_DEADLINE


@tracked(DIALOG)
@polite
async def add_deadline(update: Update, context: BotContext) -> int:
    """Take the deadline (or a skip) and show the task for confirmation."""
    message = message_of(update)
    text = (message.text or "").strip()
    today = local_today(context.runtime)
    deadline = None if text.lower() in SKIP_WORDS else parse_deadline_or_none(text, today)
    draft = _draft(context, update, deadline=deadline)
    lang = lang_of(update, context)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t("admin.add.button_create", lang), callback_data="add:yes"),
                InlineKeyboardButton(t("admin.button_cancel", lang), callback_data="add:no"),
            ]
        ]
    )
    summary = "\n".join(
        [t("admin.add.confirm", lang), f"<b>{esc(draft.title)}</b>", *field_lines(draft, lang)]
    )
    await message.reply_text(summary, parse_mode=PARSE_MODE, reply_markup=keyboard)
    return ADD_CONFIRM


@tracked(DIALOG)
@polite
async def add_confirm_button(update: Update, context: BotContext) -> int:
    """Create the task (or drop it) as the pressed button says."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    if query.data == "add:no":
        _drop_draft(context, update)
        await query.edit_message_text(t("admin.add.cancelled", lang_of(update, context)))
        return ConversationHandler.END
    text = await _create_from_draft(update, context)
    await query.edit_message_text(text, parse_mode=PARSE_MODE)
    return ConversationHandler.END


@tracked(DIALOG)
@polite
async def add_confirm_text(update: Update, context: BotContext) -> int | None:
    """Create the task when the admin types 确认 instead of pressing the button."""
    message = message_of(update)
    if (message.text or "").strip().lower() not in CONFIRM_WORDS:
        await reply(message, t("admin.add.confirm_hint", lang_of(update, context)))
        return None
    await reply(message, await _create_from_draft(update, context))
    return ConversationHandler.END


async def _create_from_draft(update: Update, context: BotContext) -> str:
    draft = _draft(context, update)
    rt = context.runtime
    with transaction(rt.sessions) as session:
        # Still an admin? Rights may have changed while the questions were answered.
        caller = identify(session, update, rt.settings, admin=await is_admin(update, context))
        text = create_task(session, caller, draft, rt.clock())
    _drop_draft(context, update)
    return text


@tracked(DIALOG)
async def add_cancel(update: Update, context: BotContext) -> int:
    """Drop the task being added."""
    _drop_draft(context, update)
    await reply(message_of(update), t("admin.add.cancelled", lang_of(update, context)))
    return ConversationHandler.END


async def add_timed_out(update: Update, context: BotContext) -> None:
    """Say that the unfinished /add was dropped (unless the user has moved on to /import)."""
    _drop_draft(context, update)
    key = key_of(update)
    dialogs = dialogs_of(context.bot_data)
    if key is not None and dialogs.is_in(key, DIALOG):
        dialogs.end(key, DIALOG)
        await context.bot.send_message(key[0], t("admin.add.timed_out", lang_of(update, context)))


async def nothing_to_cancel(update: Update, context: BotContext) -> None:
    """Answer /cancel when nothing is waiting for an answer."""
    await reply(message_of(update), t("admin.nothing_to_cancel", lang_of(update, context)))


# --- /assign ------------------------------------------------------------------------------------


def _named_person(session: Session, message: Message, rest: str) -> Person:
    """The person /assign names: a text mention, an @username the bot knows, or the replied-to sender."""
    for entity in message.entities:
        if entity.type == MessageEntity.TEXT_MENTION and entity.user is not None and not entity.user.is_bot:
            user = entity.user
            return upsert_person(session, user.id, username=user.username, display_name=user.full_name)
    username = next((w for w in rest.split() if w.startswith("@")), None)
    if username is not None:
        person = person_by_username(session, username)
        if person is None:
            raise BadArguments("admin.assign_unknown_user", user=username)
        return person
    replied = message.reply_to_message
    if not rest and replied is not None and replied.from_user is not None and not replied.from_user.is_bot:
        user = replied.from_user
        return upsert_person(session, user.id, username=user.username, display_name=user.full_name)
    raise BadArguments("admin.usage.assign")


_ROLE_WORDS = {"牵头": Role.LEAD, "lead": Role.LEAD, "配合": Role.PARTNER, "partner": Role.PARTNER}


@polite
async def assign_command(update: Update, context: BotContext) -> None:
    """Make a user answer for a task (/assign N @user) or set a unit's role (/assign N 单位 牵头|配合)."""
    message = message_of(update)
    await require_admin(update, context)
    parsed = split_task_id(command_args(message.text or ""), "admin.usage.assign")
    rt = context.runtime
    words = parsed.rest.split()
    if len(words) >= 2 and words[-1].lower() in _ROLE_WORDS:
        role = _ROLE_WORDS[words[-1].lower()]
        with transaction(rt.sessions) as session:
            caller = admin_caller(session, update, context)
            report = set_role(session, parsed.task_id, caller.actor, rt.clock(), " ".join(words[:-1]), role)
            unit = report.text.rsplit(":", 1)[0]
            text = t(
                "admin.role_set",
                caller.lang,
                task=task_ref(report.task),
                unit=esc(unit),
                role=t(f"bot.role.{role.value}", caller.lang),
            )
        await reply(message, text)
        return
    with transaction(rt.sessions) as session:
        caller = admin_caller(session, update, context)
        person = _named_person(session, message, parsed.rest)
        report = assign_task(session, parsed.task_id, caller.actor, rt.clock(), person)
        who = mention(person, person.telegram_user_id)
        text = t("admin.assigned", caller.lang, task=task_ref(report.task), who=who)
    await reply(message, text)


# --- /bind and /unbind ----------------------------------------------------------------------------


@polite
async def bind_command(update: Update, context: BotContext) -> None:
    """Make this chat receive a party's tasks: /bind 责任单位 (the party is created if new)."""
    message = message_of(update)
    await require_office_admin(update, context)
    name = parse_party_name(command_args(message.text or ""))
    rt = context.runtime
    with transaction(rt.sessions) as session:
        caller = admin_caller(session, update, context)
        result = bind_party(session, caller.actor, name, chat=caller.chat)
        if not result.created:
            key = "admin.bind.already"
        elif result.new_party:
            key = "admin.bind.new_party"
        else:
            key = "admin.bind.ok"
        text = t(key, caller.lang, party=esc(result.party.name), count=result.open_tasks)
    await reply(message, text)


@polite
async def unbind_command(update: Update, context: BotContext) -> None:
    """Stop this chat receiving a party's tasks: /unbind 责任单位, or every party with /unbind alone."""
    message = message_of(update)
    await require_admin(update, context)
    args = command_args(message.text or "")
    name = parse_party_name(args) if args else None
    rt = context.runtime
    with transaction(rt.sessions) as session:
        caller = admin_caller(session, update, context)
        parties = unbind_party(session, caller.actor, caller.chat, name)
        text = t("admin.unbind.ok", caller.lang, parties=join_parties((p.name for p in parties), caller.lang))
    await reply(message, text)


# --- /cadence, /deadline, /close, /reopen ----------------------------------------------------------


@polite
async def cadence_command(update: Update, context: BotContext) -> None:
    """Set on which beats a task is reminded: /cadence N weekly|fortnightly|monthly|none."""
    message = message_of(update)
    await require_admin(update, context)
    parsed = split_task_id(command_args(message.text or ""), "admin.usage.cadence")
    if not parsed.rest:
        raise BadArguments("admin.usage.cadence")
    cadence = parse_cadence(parsed.rest)
    rt = context.runtime
    with transaction(rt.sessions) as session:
        caller = admin_caller(session, update, context)
        report = set_cadence(session, parsed.task_id, caller.actor, rt.clock(), cadence_list(cadence))
        lang = caller.lang
        if cadence is None:
            text = t("admin.cadence.cleared", lang, task=task_ref(report.task))
        else:
            text = t(
                "admin.cadence.ok", lang, task=task_ref(report.task), cadence=cadence_label([cadence], lang)
            )
    await reply(message, text)


@polite
async def deadline_command(update: Update, context: BotContext) -> None:
    """Set or clear a task's deadline: /deadline N 2026-12-31 (or 12月31日, or none)."""
    message = message_of(update)
    await require_admin(update, context)
    parsed = split_task_id(command_args(message.text or ""), "admin.usage.deadline")
    if not parsed.rest:
        raise BadArguments("admin.usage.deadline")
    rt = context.runtime
    deadline = parse_deadline_or_none(parsed.rest, local_today(rt))
    with transaction(rt.sessions) as session:
        caller = admin_caller(session, update, context)
        report = set_deadline(session, parsed.task_id, caller.actor, rt.clock(), deadline)
        if deadline is None:
            text = t("admin.deadline.cleared", caller.lang, task=task_ref(report.task))
        else:
            text = t("admin.deadline.ok", caller.lang, task=task_ref(report.task), date=deadline.isoformat())
    await reply(message, text)


@polite
async def close_command(update: Update, context: BotContext) -> None:
    """Close a task without it being done: /close N [note]."""
    await _change_state(update, context, close_task, "admin.usage.close", "admin.closed")


@polite
async def reopen_command(update: Update, context: BotContext) -> None:
    """Open a done or closed task again: /reopen N [note]."""
    await _change_state(update, context, reopen_task, "admin.usage.reopen", "admin.reopened")


async def _change_state(
    update: Update, context: BotContext, change: Callable[..., Any], usage_key: str, answer_key: str
) -> None:
    """Apply CHANGE (close_task or reopen_task) to the task named in the command, with its note."""
    message = message_of(update)
    await require_admin(update, context)
    parsed = split_task_id(command_args(message.text or ""), usage_key)
    rt = context.runtime
    with transaction(rt.sessions) as session:
        caller = admin_caller(session, update, context)
        report = change(session, parsed.task_id, caller.actor, rt.clock(), parsed.rest)
        text = t(answer_key, caller.lang, task=task_ref(report.task))
    await reply(message, text)
