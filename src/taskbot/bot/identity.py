"""Who is speaking: the Person and Chat behind an update, whether they are an admin, their language."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session
from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from taskbot.bot.context import BotContext
from taskbot.config import Settings
from taskbot.domain.permissions import Roles
from taskbot.i18n import pick_language
from taskbot.services.people import Actor, is_configured_admin, upsert_chat, upsert_person
from taskbot.services.tasks import NotAllowed
from taskbot.store.models import Chat, Person

log = logging.getLogger(__name__)

# A group's Telegram administrators are asked for at most this often per user (getChatMember).
CHAT_ADMIN_TTL = dt.timedelta(minutes=5)
# Past this many cached answers, expired ones are dropped, so the cache stays bounded by recent activity.
CHAT_ADMIN_CACHE_PRUNE_AT = 1024
_ADMIN_STATUSES = frozenset({ChatMember.OWNER, ChatMember.ADMINISTRATOR})


@dataclass(frozen=True, slots=True)
class Caller:
    """The sender of an update as the store knows them, in the session of the current handler."""

    actor: Actor
    person: Person
    chat: Chat
    lang: str


def language_of(update: Update, settings: Settings) -> str:
    """The language to answer in: the user's Telegram language in a private chat, else the setting.

    Groups follow the configured language so everyone in them reads the same words (and many
    Chinese users run Telegram in English, for want of an official Chinese interface).
    """
    chat = update.effective_chat
    user = update.effective_user
    if chat is not None and chat.type == ChatType.PRIVATE and user is not None:
        return pick_language(user.language_code, settings.language)
    return pick_language(settings.language)


def lang_of(update: Update, context: BotContext) -> str:
    """``language_of`` with the settings of CONTEXT's runtime: the language to answer UPDATE in."""
    return language_of(update, context.runtime.settings)


def is_group(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


async def is_admin(update: Update, context: BotContext) -> bool:
    """Whether the sender is an admin here: configured, or (by config) a Telegram admin of this group."""
    return (await roles_of(update, context)).any


async def roles_of(update: Update, context: BotContext) -> Roles:
    """The sender's admin rights as the permission rule sees them (``taskbot.domain.permissions``).

    Configured ``admins`` are admins everywhere; with ``chat_admins_are_admins`` a group's Telegram
    administrators are admins of that group only (and never in a private chat).
    """
    user = update.effective_user
    chat = update.effective_chat
    settings = context.runtime.settings
    if user is None:
        return Roles()
    if is_configured_admin(settings.admins, user.id):
        return Roles(office=True)
    if not settings.chat_admins_are_admins or chat is None or not is_group(update):
        return Roles()
    if await _is_chat_administrator(context, chat.id, user.id):
        return Roles(chat_admin_of=frozenset({chat.id}))
    return Roles()


async def _is_chat_administrator(context: BotContext, chat_id: int, user_id: int) -> bool:
    """Whether USER_ID is a Telegram administrator of CHAT_ID (getChatMember, cached)."""
    now = context.runtime.clock()
    cache = context.bot_data.chat_admins
    cached = cache.get((chat_id, user_id))
    if cached is not None and cached[0] > now:
        return cached[1]
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except TelegramError as exc:
        # Not knowing is not being an admin; say why in the log, not in the chat.
        log.warning("getChatMember for chat %s failed: %s", chat_id, exc.__class__.__name__)
        return False
    answer = member.status in _ADMIN_STATUSES
    if len(cache) >= CHAT_ADMIN_CACHE_PRUNE_AT:
        for key in [k for k, (until, _) in cache.items() if until <= now]:
            del cache[key]
    cache[(chat_id, user_id)] = (now + CHAT_ADMIN_TTL, answer)
    return answer


def identify(session: Session, update: Update, settings: Settings, *, roles: Roles) -> Caller:
    """The Caller of UPDATE with ROLES, their Person and Chat created or refreshed in SESSION."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        raise ValueError("an update without a user or a chat has no caller")
    if user.is_bot:
        # An anonymous group admin (or a channel) speaks as a bot account: nobody to record.
        raise NotAllowed("anonymous")
    person = upsert_person(
        session,
        user.id,
        username=user.username,
        display_name=user.full_name,
        language=user.language_code,
    )
    title = chat.title or (user.full_name if chat.type == ChatType.PRIVATE else "")
    chat_row = upsert_chat(session, chat.id, title=title or "", type=chat.type)
    actor = Actor(
        name=user.full_name or f"@{user.username or user.id}",
        person=person,
        chat=chat_row,
        is_admin=roles.office,
        chat_admin=chat.id in roles.chat_admin_of,
    )
    return Caller(actor, person, chat_row, language_of(update, settings))
