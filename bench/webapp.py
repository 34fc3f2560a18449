"""Benchmark of the 看板 Mini App on a large store.

A temporary SQLite store with TASKS open tasks in GROUPS unit groups (the broadcast benchmark's seed,
a share per task), the operations server with the 看板 mounted (as `taskbot run` does) in its own
thread, and a leader's signed initData. Prints, over REQUESTS sequential requests each on one
keep-alive connection:

- the baseline: GET /healthz (the same server, nothing read) — p50, p99;
- GET /app/api/overview (every unit's standings and the totals) right after a new history entry
  (computed afresh each time) and with the store unchanged (reused), /app/api/tasks (a filtered
  page) and /app/api/redblack (the period's lists; changed and unchanged too) — p50, p99, and p99
  against the baseline;
- with Debian's Chromium (/usr/bin/chromium): the time from navigation to the overview drawn
  (units on screen), fresh page each time — median and worst of PAGE_RUNS.

Run: ``python -m bench.webapp`` (``--help`` for the sizes).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import httpx
from sqlalchemy import insert
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.clock import ManualClock

from bench.broadcast import machine, seed
from taskbot.config import load_settings
from taskbot.ops.health import Probe
from taskbot.ops.web import OpsServer
from taskbot.runtime import Runtime, build_runtime
from taskbot.store.models import Report
from taskbot.webapp.initdata import sign_init_data
from taskbot.webapp.server import mount

TOKEN = "123456:bench-token"
LEADER = 777


@contextmanager
def board_server(runtime: Runtime, token: str = TOKEN) -> Iterator[int]:
    """The operations server with the 看板 mounted, on a free port, in a thread; yields the port."""
    loop = asyncio.new_event_loop()
    server = OpsServer("127.0.0.1", 0)
    server.add_operations(Probe(runtime, leader=lambda: True), runtime.metrics)
    mount(server, runtime, token)
    started = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(10)
    try:
        yield server.port
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def leader_init_data(runtime: Runtime, user_id: int = LEADER, token: str = TOKEN, lang: str = "zh") -> str:
    user = json.dumps({"id": user_id, "first_name": "领导", "language_code": lang}, ensure_ascii=False)
    return sign_init_data({"user": user, "auth_date": str(int(runtime.clock().timestamp()))}, token)


def app_url(port: int, init_data: str, start: str = "") -> str:
    url = f"http://127.0.0.1:{port}/app/#tgWebAppData={quote(init_data, safe='')}"
    return url + (f"&tgWebAppStartParam={start}" if start else "")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99


def touch(runtime: Runtime) -> None:
    """A new history entry, as any report writes (so the 看板 counts everything again)."""
    with runtime.engine.begin() as conn:
        conn.execute(
            insert(Report),
            [
                {
                    "task_id": 1,
                    "actor": "bench",
                    "at": runtime.clock(),
                    "kind": "status",
                    "status": "open",
                    "text": "",
                }
            ],
        )


def timed(
    client: httpx.Client,
    path: str,
    requests: int,
    headers: dict[str, str],
    before: Callable[[], None] | None = None,
) -> list[float]:
    client.get(path, headers=headers).raise_for_status()  # warm: imports, caches
    samples = []
    for _ in range(requests):
        if before is not None:
            before()
        start = time.perf_counter()
        client.get(path, headers=headers).raise_for_status()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


async def page_usable(port: int, init_data: str, runs: int) -> list[float]:
    """Milliseconds from navigation to the overview's units on screen, a fresh page each run."""
    from playwright.async_api import async_playwright

    results = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs + 1):
                context = await browser.new_context(viewport={"width": 390, "height": 844})
                page = await context.new_page()
                start = time.perf_counter()
                await page.goto(app_url(port, init_data))
                await page.wait_for_selector("#units .unit")
                results.append((time.perf_counter() - start) * 1000)
                await context.close()
        finally:
            await browser.close()
    return results[1:]  # the first one starts the browser's own caches


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--page-runs", type=int, default=5)
    args = parser.parse_args(argv)
    clock = ManualClock(dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC))
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            database={"url": f"sqlite:///{Path(tmp) / 'bench.db'}"},
            leaders=[LEADER],
            web={"enabled": True, "max_age": 86400},
        )
        runtime = build_runtime(settings, clock=clock)
        seed(runtime, args.groups, max(1, args.tasks // args.groups))
        data = leader_init_data(runtime)
        headers = {"X-Telegram-Init-Data": data}
        print(f"machine: {machine()}")
        print(f"store: SQLite, {args.tasks} open tasks in {args.groups} unit groups")
        print(f"{args.requests} sequential requests each (the red/black list after a change: a tenth),")
        print("one keep-alive connection")
        with board_server(runtime) as port, httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            base50, base99 = percentiles(timed(client, "/healthz", args.requests, {}))
            print(f"  {'GET /healthz (baseline)':41} p50 {base50:7.1f} ms  p99 {base99:7.1f} ms")
            # "store changed": each request after a new history entry, so nothing is reused and every
            # share is counted again; "unchanged": the page computed once is reused.
            tenth = max(5, args.requests // 10)
            for label, path, n, before in (
                ("GET /app/api/overview (store changed)", "/app/api/overview", args.requests, touch),
                ("GET /app/api/overview (unchanged)", "/app/api/overview", args.requests, None),
                (
                    "GET /app/api/tasks?status=open_all&q=任务",
                    "/app/api/tasks?status=open_all&q=任务",
                    args.requests,
                    None,
                ),
                ("GET /app/api/redblack (store changed)", "/app/api/redblack", tenth, touch),
                ("GET /app/api/redblack (unchanged)", "/app/api/redblack", args.requests, None),
            ):
                hook = (lambda: touch(runtime)) if before is not None else None
                p50, p99 = percentiles(timed(client, path, n, headers, before=hook))
                print(
                    f"  {label:41} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  ({p99 / base99:5.1f}× baseline p99)"
                )
            if Path(CHROMIUM).exists():
                usable = asyncio.run(page_usable(port, data, args.page_runs))
                print(
                    f"  {'page usable (Chromium, 390×844)':41} median {statistics.median(usable):6.0f} ms"
                    f"  worst {max(usable):6.0f} ms"
                )
            else:
                print(f"  page usable: skipped, {CHROMIUM} is not installed (apt-get install chromium)")
        runtime.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
