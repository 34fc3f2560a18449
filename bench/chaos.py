"""Chaos benchmark of the delivery ledger: is anything lost or sent twice when the world misbehaves?

The real ``taskbot run`` runs as a subprocess (one, or three replicas on PostgreSQL) against the
project's fake Bot API, which runs here, out of the bot's process, and counts what each group
receives. GROUPS groups each have one open task; the database's weekly beat is made "missed"
(``schedule.grace_hours`` of ten days), so every start catches it up at once: a broadcast of
GROUPS messages at Telegram's 30/s. The fake answers each send after SEND_DELAY seconds.

Scenarios (each a fresh store):
- ``baseline``: nothing goes wrong;
- ``kill9``: SIGKILL at a random moment of the broadcast, restarted at once (several trials);
- ``sigterm``: SIGTERM mid-broadcast, restarted at once;
- ``telegram-down-60``: every Bot API call drops its connection for 60 s (``--long``: also 300 s);
- ``db-locked-30``: another process holds SQLite's write lock for 30 s;
- ``leader-killed``: three replicas on one PostgreSQL database started together on an empty schema;
  the one holding the scheduler is SIGKILLed mid-broadcast;
- ``pg-restart-10`` / ``pg-restart-30``: one replica on a PRIVATE PostgreSQL cluster this benchmark
  makes (``taskbot.localpg``: initdb in a temp folder, a free port), stopped (``pg_ctl stop -m
  fast``) mid-broadcast and started again after 10 / 30 s; ``pg-crash-10``: the same aborted
  (``-m immediate``, a crash) for 10 s. The machine's shared server is never stopped; the private
  cluster is always torn down.

Per scenario it prints: expected messages, received, lost (expected but never received),
duplicated (received more than once), the seconds the run took to resume after the fault (to the
next message received), and for stops how long the process took to exit.

Run: ``python -m bench.chaos`` (``--help``); PostgreSQL at TASKBOT_TEST_POSTGRES or 127.0.0.1:5432.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import sqlite3
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, select, text

from bench.broadcast import machine, seed
from taskbot.config import load_settings
from taskbot.localapi import FakeBotApi
from taskbot.localpg import PrivateCluster
from taskbot.runtime import build_runtime
from taskbot.store.models import Delivery

TOKEN = "700001:CHAOS-taskbot-bench"
PG_ADMIN_URL = os.environ.get(
    "TASKBOT_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SEND_DELAY = 0.05
STARTUP = 60.0
FINISH = 600.0  # seconds a trial may take to deliver everything after its fault


@dataclass
class Result:
    scenario: str
    expected: int = 0
    received: int = 0
    lost: int = 0
    duplicated: int = 0
    worst: int = 0  # the most duplicates in one trial
    resume: list[float] = field(default_factory=list)
    exit_seconds: list[float] = field(default_factory=list)
    note: str = ""

    def add(self, other: Result) -> None:
        self.expected += other.expected
        self.received += other.received
        self.lost += other.lost
        self.duplicated += other.duplicated
        self.worst = max(self.worst, other.worst, other.duplicated)
        self.resume += other.resume
        self.exit_seconds += other.exit_seconds


class Bot:
    """One `taskbot run` subprocess, its stderr kept in a file."""

    def __init__(self, workdir: Path, url: str, api: FakeBotApi, name: str, *, webhook: bool = False) -> None:
        self.workdir = workdir
        self.url = url
        self.api = api
        self.log = workdir / f"{name}.log"
        self.process: asyncio.subprocess.Process | None = None
        self.webhook = webhook

    async def start(self) -> Bot:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TASKBOT_")}
        env.update(
            {
                "TASKBOT_TELEGRAM__TOKEN": TOKEN,
                "TASKBOT_TELEGRAM__BASE_URL": self.api.base_url,
                "TASKBOT_DATABASE__URL": self.url,
                "TASKBOT_SCHEDULE__GRACE_HOURS": str(24 * 10),
                "TASKBOT_LOG_LEVEL": "INFO",
            }
        )
        if self.webhook:  # replicas behind a webhook: long polling by several is a Conflict
            port = free_port()
            env.update(
                {
                    "TASKBOT_TELEGRAM__MODE": "webhook",
                    "TASKBOT_TELEGRAM__WEBHOOK__LISTEN": "127.0.0.1",
                    "TASKBOT_TELEGRAM__WEBHOOK__PORT": str(port),
                    "TASKBOT_TELEGRAM__WEBHOOK__URL": f"http://127.0.0.1:{port}/hook",
                    "TASKBOT_TELEGRAM__WEBHOOK__URL_PATH": "hook",
                }
            )
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "taskbot", "run", cwd=self.workdir, env=env, stdout=log, stderr=log
            )
        return self

    def leads(self) -> bool:
        return "this replica now runs the scheduler" in self.log.read_text("utf-8", "replace")

    async def kill(self, sig: signal.Signals) -> float:
        """Send SIG; return the seconds until the process was gone."""
        assert self.process is not None
        began = time.monotonic()
        if self.process.returncode is None:
            self.process.send_signal(sig)
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        return time.monotonic() - began


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def received(api: FakeBotApi, chats: list[int]) -> Counter[tuple[int, str]]:
    return Counter((chat, m["text"]) for chat in chats for m in api.sent_messages(chat))


def expected(url: str) -> Counter[tuple[int, str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(Delivery.chat_id, Delivery.parts)).all()
    finally:
        engine.dispose()
    return Counter((chat, part["text"]) for chat, parts in rows for part in parts)


def pending(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(text("SELECT count(*) FROM delivery WHERE status = 'pending'")) or 0)
    except Exception:  # the table is not there yet, or the store is locked: not done
        return -1
    finally:
        engine.dispose()


async def first_message_after(api: FakeBotApi, since: float, timeout: float = FINISH) -> float:
    """Seconds from SINCE (time.monotonic) to the first message the fake delivered after it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        last = api.stats.last_delivery
        if last is not None and last > since:
            return last - since
        await asyncio.sleep(0.05)
    return float("nan")


async def until_done(api: FakeBotApi, url: str, chats: list[int], timeout: float = FINISH) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pending(url) == 0 and len(received(api, chats)) >= len(chats):
            return
        await asyncio.sleep(0.5)


async def started_sending(api: FakeBotApi, count: int = 1) -> None:
    await api.wait_until(lambda: sum(api.stats.delivered.values()) >= count, timeout=STARTUP, what="sending")


def tally(name: str, api: FakeBotApi, url: str, chats: list[int]) -> Result:
    want, got = expected(url), received(api, chats)
    return Result(
        name,
        expected=sum(want.values()),
        received=sum(got.values()),
        lost=sum(1 for key in want if got[key] == 0),
        duplicated=sum(n - 1 for n in got.values() if n > 1),
    )


def sqlite_store(workdir: Path, groups: int) -> tuple[str, list[int]]:
    url = f"sqlite:///{workdir / 'taskbot.db'}"
    runtime = build_runtime(load_settings(database={"url": url}))
    try:
        chats = seed(runtime, groups, 1)
    finally:
        runtime.close()
    return url, chats


async def fresh_api(chats: list[int]) -> FakeBotApi:
    api = FakeBotApi(token=TOKEN, bot_username="taskbot_chaos_bot")
    await api.start()
    for chat in chats:
        api.add_chat(chat, type="supergroup", title=str(chat))
    api.slow_down(SEND_DELAY)
    return api


async def trial(name: str, groups: int, fault: str, rng: random.Random, workroot: Path) -> Result:
    workdir = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=workroot))
    url, chats = sqlite_store(workdir, groups)
    api = await fresh_api(chats)
    result = Result(name)
    try:
        bot = await Bot(workdir, url, api, "run1").start()
        await started_sending(api)
        if fault == "kill9":
            await asyncio.sleep(rng.uniform(0.0, groups / 30 * 0.8))
            await bot.kill(signal.SIGKILL)
            # sends in flight at the kill still land (they are the duplicate window); let them
            await asyncio.sleep(SEND_DELAY * 4)
            restart = time.monotonic()
            bot = await Bot(workdir, url, api, "run2").start()
            result.resume.append(await first_message_after(api, restart))
        elif fault == "sigterm":
            await asyncio.sleep(groups / 30 * 0.3)
            result.exit_seconds.append(await bot.kill(signal.SIGTERM))
            restart = time.monotonic()
            bot = await Bot(workdir, url, api, "run2").start()
            result.resume.append(await first_message_after(api, restart))
        elif fault.startswith("telegram-down-"):
            seconds = float(fault.rsplit("-", 1)[1])
            api.go_down(seconds=seconds)
            await asyncio.sleep(seconds)
            result.resume.append(await first_message_after(api, time.monotonic()))
        elif fault.startswith("db-locked-"):
            seconds = float(fault.rsplit("-", 1)[1])
            locker = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
            locker.execute("BEGIN EXCLUSIVE")
            await asyncio.sleep(seconds)
            locker.execute("ROLLBACK")
            locker.close()
            result.resume.append(await first_message_after(api, time.monotonic()))
        await until_done(api, url, chats)
        result.exit_seconds.append(await bot.kill(signal.SIGTERM))
        assert bot.process is not None
        result.note = f"last exit code {bot.process.returncode}"
        result.add(tally(name, api, url, chats))
    finally:
        await api.stop()
    return result


async def leader_killed(groups: int, workroot: Path) -> Result:
    """Three replicas on an empty PostgreSQL database; the scheduler's holder is killed mid-broadcast."""
    name = f"taskbot_chaos_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    workdir = Path(tempfile.mkdtemp(prefix="leader-", dir=workroot))
    chats = [-(1_000_000_000_000 + i) for i in range(groups)]
    api = await fresh_api(chats)
    result = Result("leader-killed")
    replicas: list[Bot] = []
    try:
        # the three start together on the empty database: the migrations must serialise
        replicas = [await Bot(workdir, url, api, f"replica{i}", webhook=True).start() for i in range(3)]
        await asyncio.sleep(0)
        runtime = build_runtime(load_settings(database={"url": url}), migrate=False)
        while True:  # seed once the schema is there (the replicas migrate it)
            try:
                with runtime.engine.connect() as conn:
                    conn.execute(text("SELECT 1 FROM task LIMIT 1"))
                break
            except Exception:
                await asyncio.sleep(0.2)
        seed(runtime, groups, 1)
        runtime.close()
        # the leader already caught up an empty week: make the beat fire again now that tasks exist
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM scheduler_state"))
        engine.dispose()
        await api.wait_until(lambda: any(r.leads() for r in replicas), timeout=STARTUP, what="a leader")
        await started_sending(api, 5)
        await asyncio.sleep(groups / 30 * 0.3)
        leader = next(r for r in replicas if r.leads())
        await leader.kill(signal.SIGKILL)
        await asyncio.sleep(SEND_DELAY * 4)  # the leader's sends in flight land
        result.resume.append(await first_message_after(api, time.monotonic()) + SEND_DELAY * 4)
        survivors = [r for r in replicas if r is not leader]
        await until_done(api, url, chats)
        for replica in survivors:
            result.exit_seconds.append(await replica.kill(signal.SIGTERM))
        codes = [r.process.returncode for r in replicas if r.process is not None]
        result.note = f"exit codes {codes} (the leader: -9)"
        result.add(tally("leader-killed", api, url, chats))
    finally:
        for replica in replicas:
            if replica.process is not None and replica.process.returncode is None:
                replica.process.kill()
                await replica.process.wait()
        await api.stop()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return result


async def pg_restarted(groups: int, down: float, workroot: Path, mode: str = "fast") -> Result:
    """One replica on a private cluster; the server is stopped mid-broadcast, started DOWN s later.

    MODE ``fast`` is a clean shutdown cutting every session; ``immediate`` aborts like a crash
    (recovery from the WAL at the next start).
    """
    name = f"pg-{'restart' if mode == 'fast' else 'crash'}-{down:g}"
    workdir = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=workroot))
    result = Result(name)
    cluster = PrivateCluster()
    api: FakeBotApi | None = None
    bot: Bot | None = None
    try:
        await asyncio.to_thread(cluster.start)
        url = cluster.url
        runtime = build_runtime(load_settings(database={"url": url}))
        try:
            chats = seed(runtime, groups, 1)
        finally:
            runtime.close()
        api = await fresh_api(chats)
        bot = await Bot(workdir, url, api, "run1").start()
        await started_sending(api)
        await asyncio.sleep(groups / 30 * 0.3)
        # blocking pg_ctl calls run in a thread: the fake Bot API lives on this loop
        await asyncio.to_thread(cluster.stop, mode)
        at_stop = sum(api.stats.delivered.values())
        await asyncio.sleep(down)
        during = sum(api.stats.delivered.values()) - at_stop
        await asyncio.to_thread(cluster.start)
        back = time.monotonic()
        result.resume.append(await first_message_after(api, back))
        await until_done(api, url, chats)
        settled = time.monotonic() - back
        result.exit_seconds.append(await bot.kill(signal.SIGTERM))
        assert bot.process is not None
        result.note = (
            f"{at_stop} sent before the stop, {during} while down (in flight), "
            f"every row recorded {settled:.1f} s after the restart; exit code {bot.process.returncode}"
        )
        result.add(tally(name, api, url, chats))
    finally:
        if bot is not None and bot.process is not None and bot.process.returncode is None:
            bot.process.kill()
            await bot.process.wait()
        if api is not None:
            await api.stop()
        await asyncio.to_thread(cluster.destroy)
    return result


def _seconds(values: list[float]) -> str:
    values = [v for v in values if v == v]
    if not values:
        return "—"
    if len(values) == 1:
        return f"{values[0]:.1f}"
    return f"{min(values):.1f}–{max(values):.1f}"


def report(results: list[Result], groups: int) -> str:
    lines = [
        f"chaos: {groups} groups, one weekly reminder each, "
        f"the fake Bot API answering each send after {SEND_DELAY * 1000:.0f} ms",
        f"machine: {machine()}",
        "",
        "| scenario | trials | expected | received | lost | duplicated (most in a trial) "
        "| resume s | exit s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        trials = max(1, r.expected // max(1, groups))
        lines.append(
            f"| {r.scenario} | {trials} | {r.expected} | {r.received} | {r.lost} "
            f"| {r.duplicated} ({r.worst}) | {_seconds(r.resume)} | {_seconds(r.exit_seconds)} |"
        )
    lines.append("")
    lines.append(
        "resume: seconds from the restart / the end of the fault / the kill to the next message received"
    )
    lines += [f"{r.scenario}: {r.note}" for r in results if r.note]
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="taskbot-chaos-") as tmp:
        root = Path(args.keep or tmp)
        root.mkdir(parents=True, exist_ok=True)
        plan: list[tuple[str, str, int]] = [("baseline", "none", 1), ("kill9", "kill9", args.kills)]
        plan += [("sigterm", "sigterm", 1), ("telegram-down-60", "telegram-down-60", 1)]
        if args.long:
            plan.append(("telegram-down-300", "telegram-down-300", 1))
        plan.append(("db-locked-30", "db-locked-30", 1))
        only = set(args.only or [])
        for name, fault, trials in plan:
            if only and name not in only:
                continue
            total = Result(name)
            codes = []
            for _ in range(trials):
                one = await trial(name, args.groups, fault, rng, root)
                codes.append(one.note.rsplit(" ", 1)[-1])
                total.note = f"exit codes of the final SIGTERM: {', '.join(codes)}"
                print(
                    f"  {name}: expected {one.expected} received {one.received} lost {one.lost} "
                    f"duplicated {one.duplicated} resume {_seconds(one.resume)}",
                    flush=True,
                )
                total.add(one)
            results.append(total)
        if not args.no_postgres and (not only or "leader-killed" in only):
            one = await leader_killed(args.groups, root)
            print(f"  leader-killed: lost {one.lost} duplicated {one.duplicated}", flush=True)
            results.append(one)
        outages = [(10.0, "fast"), (30.0, "fast"), (10.0, "immediate")]
        for down, mode in outages if not args.no_postgres else []:
            kind = "restart" if mode == "fast" else "crash"
            if only and f"pg-{kind}-{down:g}" not in only:
                continue
            one = await pg_restarted(args.groups, down, root, mode)
            print(f"  {one.scenario}: lost {one.lost} duplicated {one.duplicated} {one.note}", flush=True)
            results.append(one)
    print(report(results, args.groups))
    return 0


def cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--groups", type=int, default=240)
    parser.add_argument("--kills", type=int, default=8, help="kill -9 trials")
    parser.add_argument("--long", action="store_true", help="also a 5-minute Telegram outage")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL scenarios")
    parser.add_argument("--only", nargs="*", help="run only these scenarios")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--keep", help="keep the stores and logs in this folder")
    return asyncio.run(main(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(cli())
