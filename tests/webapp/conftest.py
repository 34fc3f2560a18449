"""The 看板 end to end: the bot as `taskbot run` builds it (web.enabled, on the operations server),
polling the fake Bot API, and headless Chromium (Debian's /usr/bin/chromium, driven by Playwright's
async API, no browser download) opening the Mini App with initData signed for the bot's token.

The scene (``board_scene``): two unit groups 甲镇群 (party 甲镇) and 乙镇群 (party 乙镇), a leader
(LEADER, in ``leaders``), the official 张三 bound personally to 甲镇, and three tasks.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from taskbot.services import tasks as task_service
from taskbot.services.people import Actor, upsert_chat, upsert_person
from taskbot.store.db import transaction
from taskbot.webapp.initdata import sign_init_data
from tests.bot.conftest import ADMIN, OFFICIAL, STRANGER, TOKEN
from tests.ops.conftest import OpsHarness, ops_bot  # noqa: F401  (the fixture, reused)
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS

PHONE = {"width": 390, "height": 844}
LEADER = 5001
TOWN_A, TOWN_B = -100701, -100702
PUBLIC_URL = "https://board.example.org/app/"


@pytest.fixture
def ops_settings(tmp_path: Path) -> dict[str, Any]:
    return {
        "admins": [ADMIN],
        "leaders": [LEADER],
        "database": {"url": f"sqlite:///{tmp_path / 'web.db'}"},
        "http": {"enabled": True, "listen": "127.0.0.1", "port": 0},
        "web": {"enabled": True, "public_url": PUBLIC_URL, "max_age": 3600},
        "schedule": {"enabled": False},
    }


def init_data(
    bot: OpsHarness, user_id: int, *, token: str = TOKEN, age: int = 5, lang: str = "zh-hans"
) -> str:
    """initData as Telegram would sign it for USER_ID, AGE seconds ago by the bot's clock."""
    user = bot.users.get(user_id, {})
    fields = {
        "query_id": "AAHtest",
        "user": json.dumps(
            {"id": user_id, "first_name": user.get("first_name", "用户"), "language_code": lang},
            ensure_ascii=False,
        ),
        "auth_date": str(int(bot.clock().timestamp()) - age),
    }
    return sign_init_data(fields, token)


@dataclass
class Scene:
    mine: int  # 甲镇's task (the official's)
    theirs: int  # 乙镇's task
    shared: int  # both towns'


@pytest.fixture
def board_scene(ops_bot: OpsHarness) -> Scene:  # noqa: F811
    bot = ops_bot
    bot.add_admin()
    bot.add_official(OFFICIAL, "张三", "zhangsan")
    bot.add_user(LEADER, "王书记", "leader", "zh-hans")
    bot.add_stranger(STRANGER)
    bot.add_private(OFFICIAL)
    bot.add_group(TOWN_A, "甲镇群")
    bot.add_group(TOWN_B, "乙镇群")
    bot.bind(TOWN_A, "甲镇")
    bot.bind(TOWN_B, "乙镇")
    today = bot.clock().date()
    with transaction(bot.runtime.sessions) as s:
        person = upsert_person(s, OFFICIAL, username="zhangsan", display_name="张三")
        task_service.bind_party(s, Actor.system("test"), "甲镇", person=person)
        upsert_chat(s, OFFICIAL, title="张三", type="private")
    mine = bot.add_task("燃气管道摸底排查", parties=["甲镇"], deadline=today + dt.timedelta(days=10))
    theirs = bot.add_task("河道清淤整治", parties=["乙镇"], deadline=today - dt.timedelta(days=3))
    shared = bot.add_task("安全生产大检查", parties=["甲镇", "乙镇"])
    return Scene(mine, theirs, shared)


def app_url(bot: OpsHarness, data: str, start: str = "") -> str:
    """The Mini App's address as Telegram opens it: the launch parameters in the fragment (START: a
    deep link's ``startapp``, e.g. ``task_3``)."""
    port = bot.lifecycle.ops.port if bot.lifecycle.ops else 0
    theme = json.dumps({"bg_color": "#ffffff", "text_color": "#000000", "button_color": "#3390ec"})
    fragment = f"tgWebAppData={quote(data, safe='')}&tgWebAppVersion=8.0&tgWebAppThemeParams={quote(theme)}"
    if start:
        fragment += f"&tgWebAppStartParam={start}"
    return f"http://127.0.0.1:{port}/app/#{fragment}"


async def open_app(page: Any, url: str) -> None:
    """Load URL afresh (a new launch, even when only the fragment differs from the page's)."""
    await page.goto("about:blank")
    await page.goto(url)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    """Headless Chromium from Debian's package (see .ci/run), one per test."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
async def phone(browser: Any) -> AsyncIterator[Any]:
    """A page at phone size; fails the test on any request leaving 127.0.0.1."""
    context = await browser.new_context(viewport=PHONE, device_scale_factor=2)
    outside: list[str] = []
    context.on(
        "request", lambda r: outside.append(r.url) if not r.url.startswith("http://127.0.0.1") else None
    )
    page = await context.new_page()
    try:
        yield page
    finally:
        await context.close()
    assert not outside, f"the page fetched from elsewhere: {outside}"
