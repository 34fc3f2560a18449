"""Sending answers: HTML, split under Telegram's limit, as a reply in groups, buttons on the last part."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import ForceReply, InlineKeyboardMarkup, Message, Update

from taskbot.bot.render import PARSE_MODE


async def reply(
    message: Message, parts: str | Sequence[str], *, markup: InlineKeyboardMarkup | ForceReply | None = None
) -> Message:
    """Answer MESSAGE with PARTS (one message each); return the last message sent."""
    texts = [parts] if isinstance(parts, str) else list(parts)
    sent: Message | None = None
    for index, text in enumerate(texts):
        last = index == len(texts) - 1
        sent = await message.reply_text(text, parse_mode=PARSE_MODE, reply_markup=markup if last else None)
    assert sent is not None, "reply() needs at least one part"
    return sent


def message_of(update: Update) -> Message:
    """The message of an update a message handler was given (never None there)."""
    message = update.effective_message
    if message is None:
        raise ValueError(f"update {update.update_id} carries no message")
    return message
