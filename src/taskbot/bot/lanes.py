"""Updates handled concurrently across chats and in order within a chat: one lane per chat.

python-telegram-bot hands every update to the Application's update processor. ``ChatLanes`` keeps
one ordered lane per chat (keyed by the update's effective chat; updates without a chat share one
lane), so a slow handler — a huge /import, a report on thousands of tasks — holds up only its own
chat, while at most ``max_running`` handlers run at once across all lanes. Within a lane updates
run one at a time in the order Telegram sent them, which keeps conversations (/add, /import) and
"reply to the message above" consistent.

PTB bounds the updates *in flight* (queued in a lane or running) with ``max_concurrent_updates``;
that bound is kept large so that many updates queued behind one slow chat never take the running
slots other chats need.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Handlers running at once, across every chat.
MAX_RUNNING = 16
# Updates accepted at once (queued in their lane or running); beyond it PTB waits for a free slot.
MAX_IN_FLIGHT = 4096

LaneKey = int | None


def lane_of(update: object) -> LaneKey:
    """The lane of UPDATE: its effective chat's id; None (the shared lane) when it has no chat."""
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class _Lane:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()  # FIFO: waiters are woken in the order they came
        self.users = 0


class ChatLanes(BaseUpdateProcessor):
    """An update processor with one ordered lane per chat and a bound on handlers running at once."""

    __slots__ = ("_lanes", "_running", "max_running")

    def __init__(self, max_running: int = MAX_RUNNING, max_in_flight: int = MAX_IN_FLIGHT) -> None:
        if max_running < 1:
            raise ValueError("max_running must be at least 1")
        super().__init__(max(max_in_flight, max_running, 2))
        self.max_running = max_running
        self._running = asyncio.Semaphore(max_running)
        self._lanes: dict[LaneKey, _Lane] = {}

    @property
    def lanes(self) -> int:
        """How many lanes have an update queued or running now."""
        return len(self._lanes)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run COROUTINE after the updates queued before it in its chat, within the running bound."""
        key = lane_of(update)
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = _Lane()
        lane.users += 1
        try:
            async with lane.lock, self._running:
                await coroutine
        finally:
            lane.users -= 1
            if lane.users == 0:
                del self._lanes[key]

    async def initialize(self) -> None:
        """Nothing to set up: lanes appear with their first update."""

    async def shutdown(self) -> None:
        """Nothing to free: the Application awaits the updates in flight before it stops."""
