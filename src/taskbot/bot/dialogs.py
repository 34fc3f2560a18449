"""Which guided dialogue (the step-by-step /add, or /import waiting for a file) a user is in.

Each dialogue is a ConversationHandler of its own, and both take plain text. Without a referee, a
user who starts /add while /import still waits would have their answers read as a bulletin. So the
dialogue started last is the active one, per user and chat, and every step handler carries the
``InDialog`` filter: a dialogue that is not active lets the message pass to the one that is.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Message, Update
from telegram.ext import ConversationHandler, filters

from taskbot.bot.context import BotContext, BotData

Key = tuple[int, int]


class Dialogs:
    """The active dialogue's name for each (chat id, user id)."""

    def __init__(self) -> None:
        self._active: dict[Key, str] = {}

    def start(self, key: Key, name: str) -> None:
        self._active[key] = name

    def end(self, key: Key, name: str) -> None:
        """End NAME for KEY, unless another dialogue has taken over since."""
        if self._active.get(key) == name:
            del self._active[key]

    def is_in(self, key: Key, name: str) -> bool:
        return self._active.get(key) == name


def dialogs_of(bot_data: BotData) -> Dialogs:
    """The Application's one Dialogs registry."""
    return bot_data.dialogs


def key_of(update: Update) -> Key | None:
    if update.effective_chat is None or update.effective_user is None:
        return None
    return update.effective_chat.id, update.effective_user.id


class InDialog(filters.MessageFilter):
    """Passes messages from a user whose active dialogue in that chat is NAME."""

    def __init__(self, dialogs: Dialogs, name: str) -> None:
        super().__init__(name=f"InDialog({name})")
        self.dialogs = dialogs
        self.dialogue = name

    def filter(self, message: Message) -> bool:
        user = message.from_user
        return user is not None and self.dialogs.is_in((message.chat.id, user.id), self.dialogue)


Step = Callable[[Update, BotContext], Coroutine[Any, Any, Any]]


def tracked(name: str) -> Callable[[Step], Step]:
    """Record the dialogue NAME as started or ended by what the wrapped step returns.

    A state means the dialogue goes on (and is now the active one); END ends it; None (a refusal, a
    question asked again) changes nothing.
    """

    def decorate(step: Step) -> Step:
        @functools.wraps(step)
        async def wrapper(update: Update, context: BotContext) -> Any:
            result = await step(update, context)
            key = key_of(update)
            if key is not None and result is not None:
                dialogs = dialogs_of(context.bot_data)
                if result == ConversationHandler.END:
                    dialogs.end(key, name)
                else:
                    dialogs.start(key, name)
            return result

        return wrapper

    return decorate
