"""/board (看板): the Mini App's button, for admins, leaders and officials in a private chat.

With ``web.enabled`` and ``web.public_url`` the bot offers the 看板 as a ``web_app`` button — under
/start and /board in a private chat — and sets it as that chat's menu button (setChatMenuButton).
Who may open it is decided again by the 看板 itself on every request (``webapp.board``).
"""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonWebApp,
    Message,
    Update,
    WebAppInfo,
)
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler

from taskbot.bot.common import NEW_MESSAGES
from taskbot.bot.context import BotContext
from taskbot.bot.errors import polite
from taskbot.bot.identity import identify, roles_of
from taskbot.bot.replies import message_of, reply
from taskbot.config import Settings
from taskbot.i18n import t
from taskbot.store.db import transaction
from taskbot.webapp.board import viewer_for
from taskbot.webapp.initdata import WebAppUser

log = logging.getLogger(__name__)


def register(app: Application) -> None:
    """Add this module's handlers to APP."""
    app.add_handler(CommandHandler("board", board_command, filters=NEW_MESSAGES))


def board_url(settings: Settings) -> str | None:
    """The 看板's public address, when it is served and has one."""
    return settings.web.public_url if settings.web.enabled and settings.web.public_url else None


def board_markup(settings: Settings, lang: str) -> InlineKeyboardMarkup | None:
    """One ``web_app`` button opening the 看板 (Telegram allows them in private chats only)."""
    url = board_url(settings)
    if url is None:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t("web.open_button", lang), web_app=WebAppInfo(url=url))]]
    )


async def set_board_menu(bot: Bot, settings: Settings, chat_id: int, lang: str) -> bool:
    """Make the 看板 the menu button of the private chat CHAT_ID; False (logged) when Telegram refuses."""
    url = board_url(settings)
    if url is None:
        return False
    try:
        await bot.set_chat_menu_button(
            chat_id=chat_id, menu_button=MenuButtonWebApp(t("web.title", lang), WebAppInfo(url=url))
        )
    except TelegramError as exc:  # a user who never opened the bot has no chat yet
        log.warning("no 看板 menu button for chat %s yet: %s", chat_id, exc.__class__.__name__)
        return False
    return True


async def offer_board(update: Update, context: BotContext, lang: str) -> bool:
    """In a private chat of someone the 看板 has something for: the button, and the menu button."""
    settings = context.runtime.settings
    chat, user = update.effective_chat, update.effective_user
    markup = board_markup(settings, lang)
    if markup is None or chat is None or user is None or chat.type != ChatType.PRIVATE:
        return False
    with context.runtime.sessions() as session:
        viewer = viewer_for(session, settings, WebAppUser(user.id, language_code=user.language_code))
    if viewer is None:
        return False
    await set_board_menu(context.bot, settings, chat.id, lang)
    await message_of(update).reply_text(t("web.title", lang), reply_markup=markup)
    return True


def board_link(settings: Settings, bot_username: str | None) -> str | None:
    """A link that opens the bot's private chat on /start board (which offers the 看板's button):
    it works in any chat, where a ``web_app`` button works only in a private one."""
    if board_url(settings) is None or not bot_username:
        return None
    return f"https://t.me/{bot_username}?start=board"


async def append_board_link(
    message: Message, settings: Settings, bot_username: str | None, lang: str
) -> None:
    """After a report: the 看板's link, and in a private chat its button too."""
    link = board_link(settings, bot_username)
    if link is None:
        return
    private = message.chat.type == ChatType.PRIVATE
    markup = board_markup(settings, lang) if private else None
    await reply(message, t("web.report_link", lang, url=link), markup=markup)


@polite
async def board_command(update: Update, context: BotContext) -> None:
    """Open the 看板: a button in a private chat of an admin, leader or official."""
    roles = await roles_of(update, context)
    rt = context.runtime
    with transaction(rt.sessions) as session:
        caller = identify(session, update, rt.settings, roles=roles)
    if not await offer_board(update, context, caller.lang):
        key = "web.board_unavailable" if board_url(rt.settings) is None else "web.board_private_only"
        if update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE:
            key = "web.board_unavailable" if board_url(rt.settings) is None else "web.forbidden"
        await reply(message_of(update), t(key, caller.lang))
