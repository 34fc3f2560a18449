"""The rate limiter, driven by a hand-moved clock: no real sleeping."""

from __future__ import annotations

import asyncio
import random

import pytest

from taskbot.localapi import FloodLimits
from taskbot.schedule.limiter import RateLimiter


class VirtualTime:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def max_in_window(stamps: list[float], width: float) -> int:
    best, start = 0, 0
    for end, stamp in enumerate(stamps):
        while stamps[start] <= stamp - width:
            start += 1
        best = max(best, end - start + 1)
    return best


async def test_bot_wide_rate_is_kept_and_used() -> None:
    vt = VirtualTime()
    limiter = RateLimiter(30, 20, clock=vt, sleep=vt.sleep, margin=0)
    stamps = []
    for i in range(300):
        async with limiter.slot(i + 1, group=False):
            stamps.append(vt.now)
    assert max_in_window(stamps, 1.0) == 30
    assert vt.now == pytest.approx(9.0)  # 300 messages: 30 at 0 s, 30 at 1 s, … 30 at 9 s


async def test_per_group_rate() -> None:
    vt = VirtualTime()
    limiter = RateLimiter(30, 20, clock=vt, sleep=vt.sleep, margin=0)
    stamps = []
    for _ in range(45):
        async with limiter.slot(-100, group=True):
            stamps.append(vt.now)
    assert max_in_window(stamps, 60.0) == 20
    assert stamps[20] == pytest.approx(60.0)
    assert stamps[40] == pytest.approx(120.0)


async def test_private_chats_are_not_held_to_the_group_limit() -> None:
    vt = VirtualTime()
    limiter = RateLimiter(30, 20, clock=vt, sleep=vt.sleep, margin=0)
    for _ in range(25):
        (await limiter.acquire(42, group=False)).release()
    assert vt.now == 0.0


async def test_pause_after_retry_after_holds_every_chat() -> None:
    vt = VirtualTime()
    limiter = RateLimiter(30, 20, clock=vt, sleep=vt.sleep)
    (await limiter.acquire(-1)).release()
    limiter.pause(3)
    (await limiter.acquire(-2)).release()
    assert vt.now == pytest.approx(3.0)


async def test_fractional_rates() -> None:
    vt = VirtualTime()
    limiter = RateLimiter(0.5, 20, clock=vt, sleep=vt.sleep, margin=0)
    for i in range(3):
        (await limiter.acquire(i, group=False)).release()
    assert vt.now == pytest.approx(4.0)


async def test_what_it_lets_through_the_server_accepts() -> None:
    """The fake Bot API's flood limits, on the same clock, never refuse what the limiter admits."""
    vt = VirtualTime()
    limiter = RateLimiter(30, 20, clock=vt, sleep=vt.sleep)
    server = FloodLimits(30, 20, clock=vt)
    rng = random.Random(7)
    chats = [-(1000 + i) for i in range(40)] + [i + 1 for i in range(10)]
    refused = 0
    for _ in range(1500):
        chat = rng.choice(chats)
        async with limiter.slot(chat, group=chat < 0):
            vt.now += rng.choice((0.0, 0.01, 0.2))  # the request travels …
            refused += server.admit(chat, is_group=chat < 0) is not None
            vt.now += rng.choice((0.0, 0.01))  # … and its answer comes back
    assert refused == 0


async def test_a_send_counts_from_its_answer_and_in_flight_sends_hold_their_place() -> None:
    vt = VirtualTime()
    limiter = RateLimiter(30, 20, clock=vt, sleep=vt.sleep, margin=0)
    permits = [await limiter.acquire(i + 1, group=False) for i in range(30)]  # 30 requests on their way
    waiter = asyncio.create_task(limiter.acquire(99, group=False))
    await asyncio.sleep(0)  # let the 31st try: every place is held by a send in flight
    assert not waiter.done()
    vt.now = 0.5
    permits[0].release()  # answered at 0.5: its place frees at 1.5
    late = await waiter
    assert vt.now == pytest.approx(1.5)
    for permit in [*permits[1:], late]:
        permit.release()
