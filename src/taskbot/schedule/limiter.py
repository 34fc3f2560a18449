"""Client-side flood control: at most N messages per second per bot and M per minute per chat.

Sliding windows, as Telegram counts them. A send holds its place in the window from the moment
it is allowed until its answer arrives, and is then counted at its ANSWER time: the server counted
it somewhere in between, so counting it late is never too permissive, however the requests queue
on the way (counting at the start lets a burst that queued up arrive closer together than the
server allows). A pause after a ``RetryAfter`` stops every send until it ends.

The clock and the sleep are injected, so tests move time by hand instead of sleeping.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

Seconds = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class Window:
    """At most LIMIT sends in any WIDTH seconds: COUNT per PERIOD seconds, in whole sends."""

    def __init__(self, count: float, period: float, margin: float = 0.0) -> None:
        # A fractional count (0.5 per second) becomes one send per 2 s; 30/s stays 30 in any second.
        self.limit = max(1, math.floor(count))
        self.width = period * self.limit / count + margin
        self.done: deque[float] = deque()  # answer times of finished sends, oldest first
        self.in_flight = 0

    def ready_at(self, now: float) -> float | None:
        """The earliest time one more send fits; None when only a send in flight can free a place."""
        while self.done and self.done[0] <= now - self.width:
            self.done.popleft()
        used = len(self.done) + self.in_flight
        if used < self.limit:
            return now
        if self.in_flight >= self.limit:
            return None
        return self.done[used - self.limit] + self.width

    def take(self) -> None:
        self.in_flight += 1

    def finish(self, now: float) -> None:
        self.in_flight -= 1
        self.done.append(now)


class Permit:
    """The right to send one message; ``release`` it when the answer (or an error) came back."""

    def __init__(self, limiter: RateLimiter, windows: tuple[Window, ...]) -> None:
        self._limiter = limiter
        self._windows = windows
        self._released = False

    def release(self) -> None:
        if self._released:
            return
        self._released = True
        now = self._limiter.clock()
        for window in self._windows:
            window.finish(now)
        self._limiter._wake()


class RateLimiter:
    """Waits until a message may go out under both limits.

    MARGIN (seconds) widens every window a little, for clocks that do not quite agree.
    """

    def __init__(
        self,
        per_second: float = 30,
        per_chat_per_minute: float = 20,
        *,
        clock: Seconds = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        margin: float = 0.01,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.margin = margin
        self._per_chat = per_chat_per_minute
        self._bot = Window(per_second, 1.0, margin)
        self._chats: dict[int, Window] = {}
        self._paused_until = 0.0
        self._released: asyncio.Event | None = None

    def pause(self, seconds: float) -> None:
        """Send nothing for SECONDS (Telegram said RetryAfter)."""
        self._paused_until = max(self._paused_until, self.clock() + seconds)

    def _chat(self, chat_id: int) -> Window:
        window = self._chats.get(chat_id)
        if window is None:
            window = self._chats[chat_id] = Window(self._per_chat, 60.0, self.margin)
        return window

    def remember(self, chat_id: int, seconds_ago: float, count: int = 1) -> None:
        """Count COUNT messages CHAT_ID got SECONDS_AGO (before a restart: the ledger knows them)."""
        window = self._chat(chat_id)
        window.done.extend([self.clock() - seconds_ago] * count)
        window.done = deque(sorted(window.done))

    def _wake(self) -> None:
        if self._released is not None:
            self._released.set()

    async def acquire(self, chat_id: int, *, group: bool = True) -> Permit:
        """Wait until one message to CHAT_ID may be sent; the caller releases the permit.

        GROUP: whether the per-chat limit applies (Telegram's 20/min is for groups; a private chat
        is limited by the bot-wide rate only).
        """
        windows = (self._bot, self._chat(chat_id)) if group else (self._bot,)
        while True:
            now = self.clock()
            ready: float | None = self._paused_until
            for window in windows:
                at = window.ready_at(now)
                ready = None if at is None or ready is None else max(ready, at)
            if ready is None:
                # Every place is held by a send in flight: wait for one to come back.
                if self._released is None:
                    self._released = asyncio.Event()
                self._released.clear()
                await self._released.wait()
                continue
            if ready <= now:
                for window in windows:
                    window.take()
                return Permit(self, windows)
            await self.sleep(ready - now)

    @asynccontextmanager
    async def slot(self, chat_id: int, *, group: bool = True) -> AsyncIterator[None]:
        """Hold a permit for one send to CHAT_ID while the block runs."""
        permit = await self.acquire(chat_id, group=group)
        try:
            yield
        finally:
            permit.release()
