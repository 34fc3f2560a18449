"""Telegram's flood limits as sliding windows: per bot per second, per group per minute."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

Seconds = Callable[[], float]


@dataclass
class SlidingWindow:
    """At most LIMIT events in any WIDTH seconds."""

    limit: int
    width: float
    stamps: deque[float] = field(default_factory=deque)

    def wait_needed(self, now: float) -> float:
        """Seconds until one more event fits (0 when it fits now)."""
        while self.stamps and self.stamps[0] <= now - self.width:
            self.stamps.popleft()
        if len(self.stamps) < self.limit:
            return 0.0
        return self.stamps[len(self.stamps) - self.limit] + self.width - now

    def record(self, now: float) -> None:
        self.stamps.append(now)


class FloodLimits:
    """Decides whether a message may go out now, and if not, how long the bot must wait.

    ``retry_after`` is truthful: it is rounded up, so a bot that waits that long and
    sends nothing else in between is accepted.
    """

    def __init__(
        self, per_second: int = 30, per_chat_per_minute: int = 20, clock: Seconds | None = None
    ) -> None:
        self.per_second = per_second
        self.per_chat_per_minute = per_chat_per_minute
        self.clock: Seconds = clock or time.monotonic
        self._bot = SlidingWindow(per_second, 1.0)
        self._chats: dict[int, SlidingWindow] = {}

    def admit(self, chat_id: int, *, is_group: bool) -> int | None:
        """Count one message to CHAT_ID and return None, or return the retry_after in whole seconds."""
        now = self.clock()
        chat_window = None
        if is_group:
            chat_window = self._chats.setdefault(chat_id, SlidingWindow(self.per_chat_per_minute, 60.0))
        wait = self._bot.wait_needed(now)
        if chat_window is not None:
            wait = max(wait, chat_window.wait_needed(now))
        if wait > 0:
            return max(1, math.ceil(wait))
        self._bot.record(now)
        if chat_window is not None:
            chat_window.record(now)
        return None
