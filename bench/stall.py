"""Benchmark: does one huge /import stall the bot for everyone else?

An admin sends a PDF of many pages (generated here: a text layer on every page, a directive every
1 000 pages) with ``/import`` as its caption in one group, and confirms the preview; meanwhile an
official in another group sends ``/tasks`` again and again, one round trip at a time. The figure
is that official's latency (p50, p99, max) while the file is read and parsed (until the preview
arrives) and while the confirmed import is written, against the same round trip with the bot idle,
measured in the same run. The bot is the real Application (as ``taskbot run`` builds it) on SQLite
against the project's fake Bot API on 127.0.0.1.

    python -m bench.stall [--pages 60000] [--max-running 16] [--json]

``--max-running 1`` lets only one handler run at a time, which is how the bot behaved before it
had one lane per chat: the other chat then waits for the whole import. Aim (issue 7): p99 < 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.ingest.documents import make_pdf

from bench.updates import machine
from taskbot.config import load_settings
from taskbot.localapi import FakeBotApi, polling
from taskbot.runtime import build_bot, build_runtime
from taskbot.services import tasks as task_service
from taskbot.services.people import Actor, upsert_chat
from taskbot.store.db import transaction

TOKEN = "434343:BENCH-stall-token"
ADMIN = 800001
OFFICIAL = 800002
IMPORT_CHAT = -1008000000001
OTHER_CHAT = -1008000000002
IDLE_PROBES = 100
DIRECTIVE_EVERY = 1000


def bulletin_pdf(pages: int) -> bytes:
    """A PDF of PAGES pages, each with a line of text; every DIRECTIVE_EVERY-th page a directive."""
    content: list[list[str]] = []
    for n in range(1, pages + 1):
        if n % DIRECTIVE_EVERY == 0:
            content.append([f"{n // DIRECTIVE_EVERY}、各镇街要在年底前完成第{n}页所列的整改任务。"])
        else:
            content.append([f"第{n}页"])
    return make_pdf(content)


class Probe:
    """/tasks round trips in OTHER_CHAT, one at a time, until stopped; latencies in seconds."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api
        self.latencies: list[float] = []
        self.stopped = asyncio.Event()

    async def round_trip(self) -> float:
        started = time.perf_counter()
        await self.api.user_sends(OTHER_CHAT, OFFICIAL, "/tasks")
        await self.api.wait_for_message(OTHER_CHAT, timeout=600)
        return time.perf_counter() - started

    async def run(self) -> None:
        while not self.stopped.is_set():
            self.latencies.append(await self.round_trip())


def figures(latencies: list[float], seconds: float | None = None) -> dict[str, Any]:
    ordered = sorted(latencies)
    result: dict[str, Any] = {
        "probes": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }
    if seconds is not None:
        result["seconds"] = round(seconds, 1)
    return result


async def during(api: FakeBotApi, action: Any) -> tuple[dict[str, Any], Any]:
    """Probe the other chat while ACTION (an awaitable) runs; its figures and ACTION's result."""
    probe = Probe(api)
    started = time.perf_counter()
    probing = asyncio.create_task(probe.run())
    try:
        result = await action
    finally:
        probe.stopped.set()
        await probing
    elapsed = time.perf_counter() - started
    return figures(probe.latencies, elapsed), result


async def main(pages: int, max_running: int) -> dict[str, Any]:
    logging.basicConfig(level=logging.WARNING)
    for name in ("httpx", "httpcore", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
    made = time.perf_counter()
    pdf = bulletin_pdf(pages)
    made = time.perf_counter() - made
    with tempfile.TemporaryDirectory(prefix="taskbot-stall-") as tmp:
        settings = load_settings(
            admins=[ADMIN],
            database={"url": f"sqlite:///{Path(tmp) / 'stall.db'}"},
            schedule={"enabled": False},
            telegram={"max_file_bytes": max(len(pdf) + 1, 10 * 1024 * 1024)},
            # The file limits would refuse this PDF at once; raised to fit it, to measure the stall.
            ingest={
                "max_pdf_pages": max(pages, 2000),
                "max_chars": max(pages * 40, 1_000_000),
                "worker_timeout_seconds": 3600,
                "worker_memory_mb": 4096,
            },
        )
        runtime = build_runtime(settings)
        with transaction(runtime.sessions) as s:
            chat = upsert_chat(s, OTHER_CHAT, title="部门工作群", type="supergroup")
            for k in range(20):
                task_service.add_task(s, Actor.system("bench"), runtime.clock(), f"部门任务{k}", chat=chat)
        api = await FakeBotApi(token=TOKEN, bot_username="taskbot_stall_bot").start()
        api.add_chat(IMPORT_CHAT, type="supergroup", title="督查室工作群")
        api.add_chat(OTHER_CHAT, type="supergroup", title="部门工作群")
        api.add_user(ADMIN, first_name="督查室", username="ducha", language_code="zh-hans")
        api.add_user(OFFICIAL, first_name="张三", username="zhangsan", language_code="zh-hans")
        app = build_bot(
            runtime,
            TOKEN,
            base_url=api.base_url,
            base_file_url=api.base_file_url,
            lifecycle=False,
            max_running=max_running,
        )
        try:
            async with polling(app, api):
                idle = Probe(api)
                for _ in range(IDLE_PROBES):
                    idle.latencies.append(await idle.round_trip())
                await api.user_sends_document(IMPORT_CHAT, ADMIN, "bulletin.pdf", pdf, caption="/import")
                preview_phase, preview = await during(api, api.wait_for_message(IMPORT_CHAT, timeout=3600))
                if "reply_markup" not in preview:
                    raise SystemExit(f"no preview: {preview.get('text')}")
                buttons = preview["reply_markup"]["inline_keyboard"]
                query = await api.user_presses(
                    IMPORT_CHAT, ADMIN, preview["message_id"], buttons[0][0]["callback_data"]
                )
                answered = api.wait_for_call(
                    "answerCallbackQuery", lambda p: p.get("callback_query_id") == query, timeout=3600
                )
                confirm_phase, answer = await during(api, answered)
        finally:
            await api.stop()
            runtime.close()
    idle_figures = figures(idle.latencies)
    return {
        "machine": machine(),
        "pdf": {"pages": pages, "bytes": len(pdf), "generated_s": round(made, 1)},
        "max_running": max_running,
        "idle": idle_figures,
        "reading_and_parsing": preview_phase,
        "importing": confirm_phase,
        "import_answer": answer.get("text", ""),
        "p99_ratio_vs_idle": round(preview_phase["p99_ms"] / idle_figures["p99_ms"], 1),
    }


def report(data: dict[str, Any]) -> str:
    m, pdf = data["machine"], data["pdf"]
    lines = [
        f"machine: {m['cpu']}, {m['cores']} cores, {m['os']}",
        f"         Python {m['python']}, python-telegram-bot {m['python-telegram-bot']}, "
        f"SQLite {m['sqlite']}",
        f"PDF: {pdf['pages']} pages, {pdf['bytes'] / 2**20:.1f} MiB (generated in {pdf['generated_s']} s); "
        f"handlers running at once: {data['max_running']}",
        "",
        f"{'/tasks in another chat':32} {'probes':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
        f"{'phase s':>8}",
    ]
    for label, key in (
        ("bot idle", "idle"),
        ("while reading + parsing the PDF", "reading_and_parsing"),
        ("while importing (after 确认导入)", "importing"),
    ):
        f = data[key]
        lines.append(
            f"{label:32} {f['probes']:>6} {f['p50_ms']:>8.1f} {f['p99_ms']:>8.1f} {f['max_ms']:>8.1f} "
            f"{f.get('seconds', ''):>8}"
        )
    lines += [
        "",
        f"p99 while parsing / p99 idle: {data['p99_ratio_vs_idle']} x  (aim: p99 < 1000 ms)",
        f"import answer: {data['import_answer']}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=60_000, help="pages of the PDF (default 60000)")
    parser.add_argument("--max-running", type=int, default=16, help="handlers at once (default 16)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    result = asyncio.run(main(options.pages, options.max_running))
    print(json.dumps(result, ensure_ascii=False, indent=2) if options.json else report(result))
    sys.exit(0)
