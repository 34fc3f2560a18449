"""Benchmark of the reminder engine.

1. Broadcast: GROUPS groups with TASKS tasks each, one weekly beat, planned into the ledger and sent
   through the real sender and rate limiter to the local fake Bot API, which enforces Telegram's
   limits (30 messages/s per bot, 20/min per group) and answers 429 beyond them.
   Prints messages, seconds, achieved rate ÷ 30/s, 429s received, lost and duplicated messages.
2. Planning: the time and peak memory (tracemalloc) to plan one weekly beat over PLAN_TASKS tasks
   (load from the store + plan), and to fire it (plan + render + write the ledger rows).

Run: ``python -m bench.broadcast`` (``--help`` for the sizes). Uses a temporary SQLite store.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

from sqlalchemy import insert
from tests.support.clock import ManualClock

from taskbot.config import load_settings
from taskbot.domain.values import Beat
from taskbot.runtime import Runtime, build_runtime
from taskbot.store.models import Assignment, Binding, Chat, Party, Task, TaskParty

WEEKLY_AT = dt.datetime(2026, 10, 12, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Shanghai
CREATED = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
LIMIT_PER_SECOND = 30
LIMIT_PER_GROUP_MINUTE = 20


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs{memory}, "
        f"Python {platform.python_version()}"
    )


def seed(runtime: Runtime, groups: int, tasks_per_group: int) -> list[int]:
    """GROUPS chats, each bound to its own party with TASKS_PER_GROUP open tasks; return the chat ids."""
    chat_ids = [-(1_000_000_000_000 + i) for i in range(groups)]
    with runtime.engine.begin() as conn:
        conn.execute(
            insert(Chat),
            [
                {
                    "id": i + 1,
                    "telegram_chat_id": cid,
                    "title": f"第{i + 1}组",
                    "type": "supergroup",
                    "active": True,
                }
                for i, cid in enumerate(chat_ids)
            ],
        )
        conn.execute(insert(Party), [{"id": i + 1, "name": f"责任单位{i + 1}"} for i in range(groups)])
        conn.execute(insert(Binding), [{"party_id": i + 1, "chat_id": i + 1} for i in range(groups)])
        tasks, links, shares = [], [], []
        for g in range(groups):
            for k in range(tasks_per_group):
                tid = g * tasks_per_group + k + 1
                tasks.append(
                    {
                        "id": tid,
                        "title": f"第{g + 1}组的第{k + 1}项任务：按期完成目标节点并报告进展",
                        "text": "",
                        "cadence": [],
                        "keywords": [],
                        "status": "open",
                        "progress": (tid * 7) % 100,
                        "deadline": dt.date(2026, 12, 31),
                        "created_at": CREATED,
                        "updated_at": CREATED,
                    }
                )
                links.append({"task_id": tid, "party_id": g + 1})
                # the group's share of the task (what sync_assignments would write on /bind)
                shares.append(
                    {
                        "task_id": tid,
                        "chat_id": g + 1,
                        "party_id": g + 1,
                        "role": "lead",
                        "status": "open",
                        "progress": (tid * 7) % 100,
                        "last_report_text": "",
                    }
                )
        for start in range(0, len(tasks), 20_000):
            conn.execute(insert(Task), tasks[start : start + 20_000])
            conn.execute(insert(TaskParty), links[start : start + 20_000])
            conn.execute(insert(Assignment), shares[start : start + 20_000])
    return chat_ids


async def broadcast(groups: int, tasks_per_group: int, workdir: Path) -> None:
    from telegram import Bot

    from taskbot.localapi import FakeBotApi
    from taskbot.schedule.limiter import RateLimiter
    from taskbot.schedule.sender import Sender
    from taskbot.schedule.service import ReminderService

    settings = load_settings(database={"url": f"sqlite:///{workdir / 'broadcast.db'}"})
    runtime = build_runtime(settings, clock=ManualClock(WEEKLY_AT))
    chat_ids = seed(runtime, groups, tasks_per_group)
    api = FakeBotApi()
    await api.start()
    for i, cid in enumerate(chat_ids):
        api.add_chat(cid, type="supergroup", title=f"第{i + 1}组")
    api.enforce_limits(LIMIT_PER_SECOND, LIMIT_PER_GROUP_MINUTE)
    async with Bot(api.token, base_url=api.base_url) as bot:
        limiter = RateLimiter(LIMIT_PER_SECOND, LIMIT_PER_GROUP_MINUTE)
        sender = Sender(bot, runtime.sessions, limiter, clock=runtime.clock)
        service = ReminderService(runtime, sender)
        started = time.perf_counter()
        planned = service.fire(Beat.WEEKLY, WEEKLY_AT)
        planned_at = time.perf_counter()
        stats = await service.drain()
        finished = time.perf_counter()
    await api.stop()
    per_chat = Counter({cid: len(api.sent_messages(cid)) for cid in chat_ids})
    lost = sum(1 for cid in chat_ids if per_chat[cid] == 0)
    duplicated = sum(n - 1 for n in per_chat.values() if n > 1)
    messages = api.stats.messages_delivered
    seconds = finished - planned_at
    span = (api.stats.last_delivery or 0) - (api.stats.first_delivery or 0)
    print(f"broadcast: {groups} groups x {tasks_per_group} tasks, one weekly beat")
    print(f"  planned            {planned} messages in {planned_at - started:.2f} s")
    print(f"  messages           {messages}")
    print(f"  seconds            {seconds:.2f} (first to last delivery {span:.2f})")
    rate = messages / seconds
    print(f"  rate               {rate:.2f}/s = {rate / LIMIT_PER_SECOND:.3f} of 30/s")
    print(f"  429s received      {api.stats.too_many_requests} (sender saw {stats.retry_after})")
    print(f"  lost               {lost}")
    print(f"  duplicated         {duplicated}")
    runtime.close()


def plan_bench(tasks: int, tasks_per_group: int, workdir: Path, repeat: int) -> None:
    from taskbot.domain.calendar import default_calendar
    from taskbot.schedule.planner import plan_beat
    from taskbot.schedule.service import ReminderService
    from taskbot.services.digest import load_view

    groups = tasks // tasks_per_group
    settings = load_settings(database={"url": f"sqlite:///{workdir / 'plan.db'}"})
    runtime = build_runtime(settings, clock=ManualClock(WEEKLY_AT))
    seed(runtime, groups, tasks_per_group)
    service = ReminderService(runtime)
    cal = default_calendar()

    def plan() -> tuple[float, float, int]:
        with runtime.sessions() as session:
            started = time.perf_counter()
            view = load_view(session)
            loaded = time.perf_counter()
            rules = service.rules(session)
            fires = plan_beat(Beat.WEEKLY, WEEKLY_AT, view, rules, cal)
            return loaded - started, time.perf_counter() - loaded, len(fires)

    plan()  # warm up imports and the calendar cache
    runs = [plan() for _ in range(repeat)]
    best = min(runs, key=lambda r: r[0] + r[1])
    median = sorted(r[0] + r[1] for r in runs)[len(runs) // 2]
    tracemalloc.start()
    plan()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    started = time.perf_counter()
    written = service.fire(Beat.WEEKLY, WEEKLY_AT)
    fire_seconds = time.perf_counter() - started
    size = f"{groups * tasks_per_group} tasks in {groups} groups"
    print(f"planning: one weekly beat over {size} (best of {repeat})")
    print(f"  load from the store    {best[0]:.2f} s")
    print(f"  plan the beat          {best[1]:.2f} s -> {best[2]} messages")
    print(f"  total                  {best[0] + best[1]:.2f} s (median {median:.2f} s)")
    print(f"  peak memory            {peak / 2**20:.1f} MiB (tracemalloc, load + plan)")
    print(f"  fire: + render + write {fire_seconds:.2f} s, {written} ledger rows")
    runtime.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.broadcast", description=__doc__.split("\n")[0])
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=5, help="tasks per group in the broadcast")
    parser.add_argument("--plan-tasks", type=int, default=100_000)
    parser.add_argument("--plan-tasks-per-group", type=int, default=10)
    parser.add_argument("--skip-broadcast", action="store_true")
    parser.add_argument("--skip-plan", action="store_true")
    parser.add_argument("--repeat", type=int, default=5, help="planning runs; the best is reported")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="taskbot-bench-") as tmp:
        if not args.skip_broadcast:
            asyncio.run(broadcast(args.groups, args.tasks, Path(tmp)))
        if not args.skip_plan:
            plan_bench(args.plan_tasks, args.plan_tasks_per_group, Path(tmp), args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
