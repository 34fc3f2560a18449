"""Benchmark: `/done` round trips through the fake Bot API — taskbot against a bare PTB echo bot.

A round trip is: a user's message queued at the local Bot API → the bot long-polls it → handles it →
sends its answer → the answer is observed (``wait_for_message``). Both bots run in this process,
each against its own FakeBotApi on 127.0.0.1, with ``poll_interval=0``, measured in alternating
blocks so both see the same machine load: first one message in flight (sequential), then 10 users in
10 chats sending at once (10-concurrent). The echo bot uses PTB's default sequential update
processing; taskbot its own, one ordered lane per chat (``taskbot.bot.lanes``).
taskbot does the real work: identifies the user and chat, checks the permission rules, marks a
task done with a history row in SQLite (WAL), and answers in HTML.

    python bench/updates.py [--rounds 500] [--concurrency 10] [--blocks 5] [--json]

Aim (issue 4): taskbot ≥ 0.5 × the echo bot's throughput, p99 ≤ 20 ms. Both bots and both fakes
share one event loop, so the 10-concurrent figures are bound by CPU: concurrency overlaps only the
waits on the (local) network.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import telegram
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from taskbot.config import load_settings
from taskbot.localapi import FakeBotApi
from taskbot.runtime import Runtime, build_bot, build_runtime
from taskbot.services import tasks as task_service
from taskbot.services.people import Actor, upsert_chat
from taskbot.store.db import transaction

TOKEN = "424242:BENCH-token"
FIRST_CHAT = -1009000000000
FIRST_USER = 700000
WARMUP = 20


@dataclass
class Result:
    bot: str
    mode: str
    round_trips: int
    seconds: float
    throughput: float  # round trips per second
    p50_ms: float
    p99_ms: float
    max_ms: float


Bot = tuple[FakeBotApi, Application, Callable[[int], str], Callable[[], Awaitable[None]]]


async def echo_bot(chats: int) -> Bot:
    """A bare PTB Application that answers every text with the same text."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "")

    api = await FakeBotApi(token=TOKEN, bot_username="echo_bench_bot").start()
    _people(api, chats)
    app = Application.builder().token(TOKEN).base_url(api.base_url).base_file_url(api.base_file_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))

    async def close() -> None:
        pass

    return api, app, lambda n: f"/done {n} 已完成", close


async def taskbot_bot(chats: int, tasks_per_chat: int, workdir: Path) -> Bot:
    """The taskbot Application on a fresh SQLite store with TASKS_PER_CHAT open tasks in each chat."""
    settings = load_settings(
        database={"url": f"sqlite:///{workdir / 'bench.db'}"}, schedule={"enabled": False}
    )
    runtime = build_runtime(settings)
    ids = _seed(runtime, chats, tasks_per_chat)
    api = await FakeBotApi(token=TOKEN, bot_username="taskbot_bench_bot").start()
    _people(api, chats)
    # Built as `taskbot run` builds it (its post_init publishes the menu and settles the heap).
    app = build_bot(runtime, TOKEN, base_url=api.base_url)
    next_task = {chat: iter(chat_ids) for chat, chat_ids in ids.items()}

    def command(chat_id: int) -> str:
        return f"/done {next(next_task[chat_id])} 已完成"

    async def close() -> None:
        runtime.close()

    return api, app, command, close


def _people(api: FakeBotApi, chats: int) -> None:
    for i in range(chats):
        api.add_chat(FIRST_CHAT - i, type="supergroup", title=f"镇街{i}群")
        api.add_user(FIRST_USER + i, first_name=f"官员{i}", username=f"official{i}", language_code="zh-hans")


def _seed(runtime: Runtime, chats: int, per_chat: int) -> dict[int, list[int]]:
    now = runtime.clock()
    ids: dict[int, list[int]] = {}
    with transaction(runtime.sessions) as s:
        actor = Actor.system("bench")
        for i in range(chats):
            chat_id = FIRST_CHAT - i
            chat = upsert_chat(s, chat_id, title=f"镇街{i}群", type="supergroup")
            party = f"第{i}镇街"
            task_service.bind_party(s, actor, party, chat=chat)
            ids[chat_id] = [
                task_service.add_task(s, actor, now, f"任务{i}-{k}", parties=[party]).id
                for k in range(per_chat)
            ]
    return ids


class Runner:
    """One bot started against its fake, measured in blocks (so both bots see the same machine load)."""

    def __init__(self, name: str, bot: Bot) -> None:
        self.name = name
        self.api, self.app, self.command, self.close = bot
        self.latencies: dict[str, list[float]] = {}
        self.seconds: dict[str, float] = {}

    async def start(self) -> None:
        await self.app.initialize()
        if self.app.post_init is not None:  # as run_polling would
            await self.app.post_init(self.app)
        await self.app.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(poll_interval=0, timeout=dt.timedelta(seconds=10))
        await self.api.wait_until_polling()

    async def stop(self) -> None:
        assert self.app.updater is not None
        await self.app.updater.stop()
        await self.app.stop()
        await self.app.shutdown()
        await self.api.stop()
        await self.close()

    async def round_trip(self, chat_id: int, user_id: int) -> float:
        started = time.perf_counter()
        await self.api.user_sends(chat_id, user_id, self.command(chat_id))
        await self.api.wait_for_message(chat_id, timeout=30)
        return time.perf_counter() - started

    async def block(self, mode: str, trips: int, concurrency: int) -> None:
        """TRIPS round trips by CONCURRENCY users at once (each in their own chat), timed as MODE."""

        async def user(i: int) -> list[float]:
            return [
                await self.round_trip(FIRST_CHAT - i, FIRST_USER + i) for _ in range(trips // concurrency)
            ]

        started = time.perf_counter()
        per_user = await asyncio.gather(*(user(i) for i in range(concurrency)))
        self.seconds[mode] = self.seconds.get(mode, 0.0) + time.perf_counter() - started
        self.latencies.setdefault(mode, []).extend(x for u in per_user for x in u)

    def results(self) -> list[Result]:
        return [_result(self.name, mode, self.latencies[mode], self.seconds[mode]) for mode in self.latencies]


async def measure(runners: list[Runner], rounds: int, concurrency: int, blocks: int) -> list[Result]:
    """Alternate the bots block by block, first one user at a time, then CONCURRENCY users at once."""
    for runner in runners:
        await runner.start()
    try:
        for runner in runners:
            await runner.block("warm-up", WARMUP, 1)
        for mode, users in (("sequential", 1), (f"{concurrency}-concurrent", concurrency)):
            for _ in range(blocks):
                for runner in runners:
                    await runner.block(mode, rounds // blocks, users)
        return [r for runner in runners for r in runner.results() if r.mode != "warm-up"]
    finally:
        for runner in runners:
            await runner.stop()


def _result(bot: str, mode: str, latencies: list[float], seconds: float) -> Result:
    ordered = sorted(latencies)
    return Result(
        bot=bot,
        mode=mode,
        round_trips=len(ordered),
        seconds=round(seconds, 3),
        throughput=round(len(ordered) / seconds, 1),
        p50_ms=round(statistics.median(ordered) * 1000, 2),
        p99_ms=round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2),
        max_ms=round(ordered[-1] * 1000, 2),
    )


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "python-telegram-bot": telegram.__version__,
        "sqlite": sqlite3.sqlite_version,
    }


async def main(rounds: int, concurrency: int, blocks: int) -> dict[str, Any]:
    logging.basicConfig(level=logging.WARNING)
    for name in ("httpx", "httpcore", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="taskbot-bench-") as tmp:
        # Every /done marks a different task done: enough open tasks for warm-up and both modes.
        per_chat = WARMUP + rounds + rounds // concurrency + 1
        runners = [
            Runner("echo", await echo_bot(concurrency)),
            Runner("taskbot", await taskbot_bot(concurrency, per_chat, Path(tmp))),
        ]
        results = await measure(runners, rounds, concurrency, blocks)
    ratios = {}
    for mode in ("sequential", f"{concurrency}-concurrent"):
        echo = next(r for r in results if r.bot == "echo" and r.mode == mode)
        ours = next(r for r in results if r.bot == "taskbot" and r.mode == mode)
        ratios[mode] = round(ours.throughput / echo.throughput, 2)
    return {"machine": machine(), "results": [asdict(r) for r in results], "throughput_ratio": ratios}


def report(data: dict[str, Any]) -> str:
    m = data["machine"]
    lines = [
        f"machine: {m['cpu']}, {m['cores']} cores, {m['os']}",
        f"         Python {m['python']}, python-telegram-bot {m['python-telegram-bot']}, "
        f"SQLite {m['sqlite']}",
        "",
        f"{'bot':8} {'mode':14} {'trips':>6} {'seconds':>8} {'trips/s':>8} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}",
    ]
    for r in data["results"]:
        lines.append(
            f"{r['bot']:8} {r['mode']:14} {r['round_trips']:>6} {r['seconds']:>8.2f} {r['throughput']:>8.1f} "
            f"{r['p50_ms']:>7.2f} {r['p99_ms']:>7.2f} {r['max_ms']:>7.2f}"
        )
    lines.append("")
    for mode, ratio in data["throughput_ratio"].items():
        lines.append(f"taskbot / echo throughput, {mode}: {ratio:.2f}  (aim ≥ 0.5)")
    worst = max(r["p99_ms"] for r in data["results"] if r["bot"] == "taskbot")
    lines.append(f"taskbot p99 (worst mode): {worst:.2f} ms  (aim ≤ 20 ms)")
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=500, help="round trips per mode (default 500)")
    parser.add_argument("--concurrency", type=int, default=10, help="users sending at once (default 10)")
    parser.add_argument("--blocks", type=int, default=5, help="alternations between the bots (default 5)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    figures = asyncio.run(main(options.rounds, options.concurrency, options.blocks))
    print(json.dumps(figures, ensure_ascii=False, indent=2) if options.json else report(figures))
    sys.exit(0)
