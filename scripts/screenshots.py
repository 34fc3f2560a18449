"""Screenshots of the 看板 at phone size (390×844), for a person to look at; the PNGs are not committed.

Seeds a temporary store with eight towns' groups and some forty tasks in every standing, serves the
看板 as `taskbot run` does, and has Debian's Chromium (/usr/bin/chromium, through Playwright; never
`playwright install`) draw each page as a leader — overview, 红黑榜, task list, a task page — and the
overview in English, into OUT (default ./screenshots/).

Run: ``.venv/bin/python scripts/screenshots.py [--out DIR]``
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.webapp import app_url, board_server, leader_init_data  # noqa: E402
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.support.clock import ManualClock  # noqa: E402

from taskbot.config import load_settings  # noqa: E402
from taskbot.runtime import Runtime, build_runtime  # noqa: E402
from taskbot.services import tasks as svc  # noqa: E402
from taskbot.services import trends  # noqa: E402
from taskbot.services.people import Actor, upsert_chat  # noqa: E402
from taskbot.store.db import transaction  # noqa: E402

TOWNS = ["城关镇", "东城街道", "西湖街道", "南山镇", "北港镇", "桂城街道", "大沥镇", "里水镇"]
WORK = ["燃气管道隐患排查", "河道清淤整治", "老旧小区改造", "垃圾分类示范", "安全生产大检查", "农村公路养护"]
SYSTEM = Actor.system("screenshots")


def seed(runtime: Runtime, clock: ManualClock) -> int:
    """The demo scene; returns the id of a task with several units and some history."""
    now = clock()
    today = now.date()
    start = now - dt.timedelta(days=30)
    clock.now = start
    with transaction(runtime.sessions) as s:
        for i, town in enumerate(TOWNS):
            chat = upsert_chat(s, -(100_900 + i), title=f"{town}工作群", type="supergroup")
            svc.bind_party(s, SYSTEM, town, chat=chat)
        ids = []
        for k in range(40):
            towns = [TOWNS[k % 8]] + ([TOWNS[(k + 3) % 8]] if k % 5 == 0 else [])
            deadline = today + dt.timedelta(days=(k % 9) * 4 - 8) if k % 3 else None
            task = svc.add_task(
                s, SYSTEM, start, f"{WORK[k % len(WORK)]}（第{k + 1}项）", parties=towns, deadline=deadline
            )
            ids.append((task.id, towns))
    with transaction(runtime.sessions) as s:  # the 通报 a fortnight ago, before anyone reported
        bulletin = now - dt.timedelta(days=16)
        trends.take_snapshot(s, runtime.settings, bulletin, bulletin.date())
    clock.now = now - dt.timedelta(days=2)
    with transaction(runtime.sessions) as s:
        for n, (tid, towns) in enumerate(ids):
            unit = f"{towns[0]}工作群"
            if n % 4 == 0:
                svc.mark_done(s, tid, SYSTEM, clock(), "已按要求完成", unit=unit, today=today)
            elif n % 4 == 1:
                svc.report_status(s, tid, SYSTEM, clock(), "已完成摸底，正在整改", 40 + n, unit=unit)
            elif n % 7 == 2:
                svc.mark_blocked(s, tid, SYSTEM, clock(), "资金尚未到位", unit=unit)
    with transaction(runtime.sessions) as s:  # the last 通报, two days ago
        trends.take_snapshot(s, runtime.settings, now - dt.timedelta(days=2), today)
        svc.mark_done(
            s, ids[5][0], SYSTEM, now - dt.timedelta(days=1), unit=f"{ids[5][1][0]}工作群", today=today
        )
    clock.now = now
    return ids[0][0]


async def shoot(port: int, data: str, data_en: str, task_id: int, out: Path) -> list[Path]:
    from playwright.async_api import async_playwright

    shots = [
        ("overview", data, "", "#units .unit"),
        ("redblack", data, "", ".black-list"),
        ("tasks", data, "", "#tasks .task"),
        ("task", data, f"task_{task_id}", "#history li"),
        ("overview-en", data_en, "", "#units .unit"),
    ]
    written = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, init, start, ready in shots:
                context = await browser.new_context(
                    viewport={"width": 390, "height": 844}, device_scale_factor=2
                )
                page = await context.new_page()
                await page.goto(app_url(port, init, start))
                if name in ("redblack", "tasks"):
                    await page.wait_for_selector("#units .unit")
                    await page.click(f"nav a[data-tab={name}]")
                await page.wait_for_selector(ready)
                path = out / f"{name}.png"
                await page.screenshot(path=str(path))
                written.append(path)
                await context.close()
        finally:
            await browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install -y chromium", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    clock = ManualClock(dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC))
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            database={"url": f"sqlite:///{Path(tmp) / 'demo.db'}"}, leaders=[777], web={"enabled": True}
        )
        runtime = build_runtime(settings, clock=clock)
        task_id = seed(runtime, clock)
        with board_server(runtime) as port:
            data, data_en = leader_init_data(runtime), leader_init_data(runtime, lang="en")
            for path in asyncio.run(shoot(port, data, data_en, task_id, args.out)):
                print(path)
        runtime.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
