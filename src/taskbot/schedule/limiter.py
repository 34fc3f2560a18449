"""Client-side flood control: at most N messages per second per bot and M per minute per chat.

Sliding windows, as Telegram counts them; a pause after a ``RetryAfter`` stops every send until
it ends. The clock and the sleep are injected, so tests move time by hand instead of sleeping.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable

Seconds = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class Window:
    """At most LIMIT events in any WIDTH seconds: COUNT per PERIOD seconds, in whole events."""

    def __init__(self, count: float, period: float) -> None:
        # A fractional count (0.5 per second) becomes one event per 2 s; 30/s stays 30 in any second.
        self.limit = max(1, math.floor(count))
        self.width = period * self.limit / count
        self.stamps: deque[float] = deque()

    def ready_at(self, now: float) -> float:
        """The earliest time one more event fits."""
        while self.stamps and self.stamps[0] <= now - self.width:
            self.stamps.popleft()
        if len(self.stamps) < self.limit:
            return now
        return self.stamps[-self.limit] + self.width

    def record(self, now: float) -> None:
        self.stamps.append(now)


class RateLimiter:
    """Waits until a message to a chat may go out under both limits, then counts it.

    MARGIN (seconds) widens every window a little: the server counts arrival times, and requests
    sent back to back can arrive closer together than they left.
    """

    def __init__(
        self,
        per_second: float = 30,
        per_chat_per_minute: float = 20,
        *,
        clock: Seconds = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        margin: float = 0.02,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.margin = margin
        self._per_second = per_second
        self._per_chat = per_chat_per_minute
        self._bot = self._window(per_second, 1.0)
        self._chats: dict[int, Window] = {}
        self._paused_until = 0.0
        self.waited = 0.0

    def _window(self, count: float, period: float) -> Window:
        window = Window(count, period)
        window.width += self.margin
        return window

    def pause(self, seconds: float) -> None:
        """Send nothing for SECONDS (Telegram said RetryAfter)."""
        self._paused_until = max(self._paused_until, self.clock() + seconds)

    def _chat(self, chat_id: int) -> Window:
        window = self._chats.get(chat_id)
        if window is None:
            window = self._chats[chat_id] = self._window(self._per_chat, 60.0)
        return window

    async def acquire(self, chat_id: int, *, group: bool = True) -> None:
        """Return when one message to CHAT_ID may be sent, and count it.

        GROUP: whether the per-chat limit applies (Telegram's 20/min is for groups; a private chat
        is limited by the bot-wide rate only).
        """
        chat = self._chat(chat_id) if group else None
        while True:
            now = self.clock()
            ready = max(self._bot.ready_at(now), self._paused_until)
            if chat is not None:
                ready = max(ready, chat.ready_at(now))
            if ready <= now:
                self._bot.record(now)
                if chat is not None:
                    chat.record(now)
                return
            self.waited += ready - now
            await self.sleep(ready - now)
