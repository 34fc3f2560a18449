"""A clock the tests move by hand."""

from __future__ import annotations

import datetime as dt


class ManualClock:
    """Callable like ``taskbot.clock.system_clock``; returns a time the test sets."""

    def __init__(self, now: dt.datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now

    def set(self, now: dt.datetime) -> None:
        self.now = now
