"""The bot never stalls on one update: chats are served concurrently, each chat in order.

A slow handler is made by holding the /import parser on a gate (it runs in a worker thread): while
it waits, another chat is answered, and the chat's own later updates wait their turn.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from telegram import Chat, Message, Update, User

from taskbot.bot import importing
from taskbot.bot.lanes import ChatLanes, lane_of
from taskbot.i18n import t
from tests.bot.conftest import ADMIN, GROUP, OFFICIAL, OFFICIAL_2, OTHER_GROUP, BotHarness, text_of
from tests.bot.test_admin_commands import plain

BULLETIN = "一、各镇街要在年底前完成社区创熟全覆盖。\n二、各相关部门要每周报送工作进展。"


class Gate:
    """Holds the parser until opened; says (to the event loop) when the parser has been entered."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.entered = asyncio.Event()
        self.opened = threading.Event()

    def wrap(self, parse: Callable[..., Any]) -> Callable[..., Any]:
        def held(*args: Any, **kwargs: Any) -> Any:
            self.loop.call_soon_threadsafe(self.entered.set)
            assert self.opened.wait(timeout=30), "the test never opened the gate"
            return parse(*args, **kwargs)

        return held


@pytest.fixture
async def gate(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Gate]:
    gate = Gate(asyncio.get_running_loop())
    monkeypatch.setattr(importing, "parse_bulletin", gate.wrap(importing.parse_bulletin))
    try:
        yield gate
    finally:
        gate.opened.set()  # never leave the worker thread waiting


async def test_a_slow_handler_holds_up_only_its_own_chat_and_its_chat_stays_in_order(
    bot: BotHarness, gate: Gate
) -> None:
    bot.add_group(GROUP, "督查室工作群")
    bot.add_group(OTHER_GROUP, "部门工作群")
    bot.add_admin()
    bot.add_official()
    here = bot.add_task("本群任务", chat_id=GROUP)
    there = bot.add_task("部门任务", chat_id=OTHER_GROUP)

    await bot.api.user_sends(GROUP, ADMIN, "/import " + BULLETIN)
    await asyncio.wait_for(gate.entered.wait(), 10)  # the import is now stuck in its worker thread
    await bot.api.user_sends(GROUP, ADMIN, "/tasks")
    await bot.api.user_sends(GROUP, ADMIN, f"/task {here}")
    await bot.api.user_sends(OTHER_GROUP, OFFICIAL, "/tasks")

    # the other chat is answered while the import is held ...
    elsewhere = text_of(await bot.api.wait_for_message(OTHER_GROUP))
    assert "部门任务" in elsewhere and f"#{there}" in elsewhere
    # ... and the import's chat has heard nothing: its /tasks and /task wait behind the import
    assert bot.api.sent_messages(GROUP) == []

    gate.opened.set()
    replies = [text_of(await bot.api.wait_for_message(GROUP, timeout=10)) for _ in range(3)]
    assert "确认导入" in str(bot.api.sent_messages(GROUP)[0].get("reply_markup"))  # the preview first
    assert "本群任务" in replies[1] and replies[1].count("#") == 1  # then /tasks
    assert replies[2].startswith(f"#{here}") or f"#{here} 本群任务" in replies[2]  # then /task N
    await bot.settle()
    processor = bot.app.update_processor
    assert isinstance(processor, ChatLanes) and processor.lanes == 0  # lanes are dropped when empty


async def test_ten_chats_report_done_at_once_on_sqlite(bot: BotHarness) -> None:
    bot.add_admin()
    chats = [-100900 - i for i in range(10)]
    people = [7000 + i for i in range(10)]
    ids = {}
    for chat_id, user_id in zip(chats, people, strict=True):
        bot.add_group(chat_id, f"镇街{chat_id}")
        bot.add_official(user_id, f"干部{user_id}", f"u{user_id}")
        ids[chat_id] = bot.add_task(f"任务{chat_id}", chat_id=chat_id)
    for chat_id, user_id in zip(chats, people, strict=True):  # all sent before any is answered
        await bot.api.user_sends(chat_id, user_id, f"/done {ids[chat_id]} 已完成")
    answers = [plain(text_of(await bot.api.wait_for_message(c, timeout=10))) for c in chats]
    assert all("已完成" in a for a in answers), answers
    assert not any(t("error.internal", "zh") in a for a in answers)
    assert [bot.task(ids[c]) for c in chats] == [("done", 100)] * 10
    assert all(len(bot.history(ids[c])) == 2 for c in chats)


async def test_a_write_waiting_for_sqlites_lock_holds_up_no_other_chat(bot: BotHarness) -> None:
    """Another writer (an import, a second process) holds SQLite's write lock: a /done waits for
    it in a worker thread while another chat is answered; once the lock is free the /done lands."""
    bot.add_group(GROUP, "镇街工作群")
    bot.add_group(OTHER_GROUP, "部门工作群")
    bot.add_official()
    bot.add_official(OFFICIAL_2, "李四", "lisi")
    mine = bot.add_task("本群任务", chat_id=GROUP)
    bot.add_task("部门任务", chat_id=OTHER_GROUP)
    await bot.send(GROUP, OFFICIAL, "/tasks")  # both have spoken: reading needs no write now
    await bot.send(OTHER_GROUP, OFFICIAL_2, "/tasks")
    database = bot.runtime.engine.url.database
    assert database is not None
    holder = sqlite3.connect(database, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # the write lock, as a long import transaction holds it
        await bot.api.user_sends(GROUP, OFFICIAL, f"/done {mine} 已完成")
        await bot.api.user_sends(OTHER_GROUP, OFFICIAL_2, "/tasks")
        assert "部门任务" in text_of(await bot.api.wait_for_message(OTHER_GROUP))
        assert len(bot.api.sent_messages(GROUP)) == 1  # only the first /tasks: /done still waits
        holder.execute("COMMIT")
        assert "已完成" in plain(text_of(await bot.api.wait_for_message(GROUP, timeout=10)))
    finally:
        holder.close()
    assert bot.task(mine) == ("done", 100)


def _update(update_id: int, chat: Chat | None) -> Update:
    user = User(1, "张三", False)
    if chat is None:
        return Update(update_id)
    return Update(update_id, message=Message(update_id, None, chat, from_user=user, text="/tasks"))  # type: ignore[arg-type]


def test_the_lane_is_the_effective_chat() -> None:
    assert lane_of(_update(1, Chat(-100, "group"))) == -100
    assert lane_of(_update(2, None)) is None
    assert lane_of(object()) is None


async def test_lanes_run_one_chat_in_order_and_chats_side_by_side() -> None:
    processor = ChatLanes(max_running=2)
    order: list[str] = []
    release_a = asyncio.Event()

    async def handle(name: str, wait: asyncio.Event | None = None) -> None:
        order.append(f"start {name}")
        if wait is not None:
            await wait.wait()
        order.append(f"end {name}")

    a, b = Chat(-1, "group"), Chat(-2, "group")
    async with processor:
        first = asyncio.create_task(processor.process_update(_update(1, a), handle("a1", release_a)))
        second = asyncio.create_task(processor.process_update(_update(2, a), handle("a2")))
        other = asyncio.create_task(processor.process_update(_update(3, b), handle("b1")))
        await other  # b is not held up by a1
        assert order == ["start a1", "start b1", "end b1"]
        assert processor.lanes == 1
        release_a.set()
        await asyncio.gather(first, second)
    assert order[3:] == ["end a1", "start a2", "end a2"]
    assert processor.lanes == 0


async def test_at_most_max_running_handlers_run_at_once() -> None:
    processor = ChatLanes(max_running=2)
    running, peak = 0, 0
    release = asyncio.Event()

    async def handle() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await release.wait()
        running -= 1

    tasks = [
        asyncio.create_task(processor.process_update(_update(i, Chat(-i, "group")), handle()))
        for i in range(1, 6)
    ]
    while running < 2:
        await asyncio.sleep(0)  # yield to let the handlers start; no time passes
    assert peak == 2 and processor.lanes == 5
    release.set()
    await asyncio.gather(*tasks)
    assert peak == 2 and processor.lanes == 0
