"""The 看板 in a real browser: headless Chromium opens the Mini App as Telegram would (initData in
the URL fragment), and what a leader and an official see, refusals, and a report made on the task
page reaching /task N in the chat are checked end to end."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.async_api import expect

from tests.bot.conftest import OFFICIAL, STRANGER, TOKEN
from tests.ops.conftest import OpsHarness
from tests.webapp.conftest import LEADER, Scene, app_url, init_data, open_app

pytestmark = pytest.mark.browser


async def texts(page: Any, selector: str) -> list[str]:
    return [t.strip() for t in await page.locator(selector).all_inner_texts()]


async def test_leader_sees_every_unit_and_task(ops_bot: OpsHarness, board_scene: Scene, phone: Any) -> None:
    await open_app(phone, app_url(ops_bot, init_data(ops_bot, LEADER)))
    await phone.wait_for_selector("#units .unit")
    assert "领导" in await phone.inner_text("#who")
    units = await phone.locator("#units .unit").evaluate_all(
        "ns => ns.map(n => [n.dataset.unit, n.dataset.light])"
    )
    # 乙镇 has an overdue share: red, listed first; 甲镇 is on track: green.
    assert units == [["乙镇", "red"], ["甲镇", "green"]]
    totals = await phone.locator("#totals [data-standing]").evaluate_all(
        "ns => Object.fromEntries(ns.map(n => [n.dataset.standing, n.querySelector('b').textContent]))"
    )
    assert totals == {"done": "0", "on_track": "2", "overdue": "1", "blocked": "0", "silent": "0"}
    assert await phone.locator("#units svg.bar rect").count() >= 3
    # The task list: every task, the overdue filter, text search.
    await phone.click("nav a[data-tab=tasks]")
    await phone.wait_for_selector("#tasks .task")
    assert sorted(
        await phone.locator("#tasks .task").evaluate_all("ns => ns.map(n => +n.dataset.task)")
    ) == sorted([board_scene.mine, board_scene.theirs, board_scene.shared])
    await phone.check("#f-overdue")
    await expect(phone.locator("#tasks .task")).to_have_count(1)
    assert "河道清淤整治" in await phone.inner_text("#tasks")
    await phone.uncheck("#f-overdue")
    await phone.fill("#f-q", "燃气")
    await expect(phone.locator("#count")).to_have_text("共 1 项")
    assert await texts(phone, "#tasks .task .t") == [f"#{board_scene.mine} 燃气管道摸底排查"]
    # The 红黑榜 ranks units and says why.
    await phone.click("nav a[data-tab=redblack]")
    await phone.wait_for_selector(".black-list")
    assert "乙镇" in await phone.inner_text(".black-list")
    # A leader reads; the task page offers no report form.
    await open_app(phone, app_url(ops_bot, init_data(ops_bot, LEADER), f"task_{board_scene.theirs}"))
    await phone.wait_for_selector("#task-title")
    assert await phone.locator("#report").count() == 0
    assert "乙镇" in await phone.inner_text("#shares")


async def test_official_sees_only_the_tasks_of_their_units(
    ops_bot: OpsHarness, board_scene: Scene, phone: Any
) -> None:
    await open_app(phone, app_url(ops_bot, init_data(ops_bot, OFFICIAL)))
    await phone.wait_for_selector("#units .unit")
    assert "承办人" in await phone.inner_text("#who")
    await phone.click("nav a[data-tab=tasks]")
    await phone.wait_for_selector("#tasks .task")
    shown = sorted(await phone.locator("#tasks .task").evaluate_all("ns => ns.map(n => +n.dataset.task)"))
    assert shown == sorted([board_scene.mine, board_scene.shared])
    assert "河道清淤整治" not in await phone.inner_text("body")
    # Another unit's task, asked for by its address: not found.
    await open_app(phone, app_url(ops_bot, init_data(ops_bot, OFFICIAL), f"task_{board_scene.theirs}"))
    await phone.wait_for_selector(".notice.bad")
    assert "无权查看" in await phone.inner_text(".notice.bad")


async def test_report_on_the_task_page_shows_in_task_n(
    ops_bot: OpsHarness, board_scene: Scene, phone: Any
) -> None:
    await open_app(phone, app_url(ops_bot, init_data(ops_bot, OFFICIAL), f"task_{board_scene.mine}"))
    await phone.wait_for_selector("#report")
    await phone.fill("#r-progress", "60")
    await phone.fill("#r-text", "已完成燃气管道摸底三个村")
    await phone.click("#r-status")
    await phone.wait_for_selector("#r-saved")
    assert "进行中 60%" in await phone.inner_text("#shares")
    assert "已完成燃气管道摸底三个村" in await phone.inner_text("#history")
    # The same service as /status: the task's history and the unit's share in the chat.
    answer = await ops_bot.send(OFFICIAL, OFFICIAL, f"/task {board_scene.mine}")
    assert "已完成燃气管道摸底三个村" in answer["text"]
    assert "60%" in answer["text"]
    # Bad input is refused politely, on the page, and loses nothing.
    await phone.fill("#r-progress", "")
    await phone.fill("#r-text", "")
    await phone.click("#r-blocked")
    await phone.wait_for_selector("#r-notice:not([hidden])")
    assert (await phone.inner_text("#r-notice")).strip()


async def test_forged_expired_or_missing_init_data_gets_401(
    ops_bot: OpsHarness, board_scene: Scene, phone: Any
) -> None:
    forged = init_data(ops_bot, LEADER, token="111:not-the-bot")
    expired = init_data(ops_bot, LEADER, age=3601)
    port = ops_bot.lifecycle.ops.port if ops_bot.lifecycle.ops else 0
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}/app/api") as http:
        for headers in ({}, {"X-Telegram-Init-Data": forged}, {"X-Telegram-Init-Data": expired}):
            for path in ("/me", "/overview", "/tasks", f"/tasks/{board_scene.mine}"):
                r = await http.get(path, headers=headers)
                assert (r.status_code, r.content) == (401, b""), path
            r = await http.post(f"/tasks/{board_scene.mine}/report", json={"text": "x"}, headers=headers)
            assert (r.status_code, r.content) == (401, b"")
        # A genuine user the 看板 has nothing for: 403.
        stranger = init_data(ops_bot, STRANGER)
        assert (await http.get("/me", headers={"X-Telegram-Init-Data": stranger})).status_code == 403
    # In the browser: the page shows nothing of the store.
    await open_app(phone, app_url(ops_bot, forged))
    await phone.wait_for_selector("#error")
    assert await phone.locator("#units").count() == 0
    assert ops_bot.history(board_scene.mine)[-1][0] == "created"  # nothing was recorded


async def test_english_by_the_users_language(ops_bot: OpsHarness, board_scene: Scene, phone: Any) -> None:
    await open_app(phone, app_url(ops_bot, init_data(ops_bot, LEADER, lang="en")))
    await phone.wait_for_selector("#units .unit")
    assert await phone.inner_text("#title") == "Task board"
    assert "leader" in await phone.inner_text("#who")


def test_token_is_the_bots() -> None:
    assert TOKEN.startswith("987654:")


async def test_leader_sees_the_trend_since_the_last_bulletin(
    ops_bot: OpsHarness, board_scene: Scene, phone: Any
) -> None:
    import datetime as dt

    from taskbot.services import tasks as task_service
    from taskbot.services import trends
    from taskbot.services.people import Actor
    from taskbot.store.db import transaction

    bulletin = ops_bot.clock() - dt.timedelta(days=7)
    with transaction(ops_bot.runtime.sessions) as s:
        trends.take_snapshot(s, ops_bot.runtime.settings, bulletin, bulletin.date())
        task_service.mark_done(s, board_scene.mine, Actor.system("test"), ops_bot.clock())
    await open_app(phone, app_url(ops_bot, init_data(ops_bot, LEADER)))
    await phone.wait_for_selector("#trend")
    assert await phone.inner_text("#trend-change") == "比上期（09-28）↑1 项办结"
    rates = await phone.locator("#trend .col").evaluate_all("ns => ns.map(n => n.dataset.rate)")
    assert rates == ["0", "33"]
    # An official's overview carries no office-wide trend.
    await open_app(phone, app_url(ops_bot, init_data(ops_bot, OFFICIAL)))
    await phone.wait_for_selector("#units .unit")
    assert await phone.locator("#trend").count() == 0
