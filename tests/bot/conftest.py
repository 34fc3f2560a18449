"""End-to-end fixtures: the real taskbot Application polling the project's fake Bot API over HTTP.

``bot`` gives a started ``BotHarness``: a FakeBotApi on 127.0.0.1, the Application from
``taskbot.runtime.build_bot`` (handlers only) long-polling it (poll_interval=0), a temporary SQLite
store and a ManualClock.
People and chats are set up with ``add_admin`` / ``add_official`` / ``add_stranger`` /
``add_group`` / ``add_private``; tasks with ``add_task``. ``send`` / ``press`` act as a user and
return the bot's next message in that chat (awaited, never slept for).

Override the ``bot_settings`` fixture in a test module to change settings (it returns overrides
for ``load_settings``); ``bot_privacy_mode`` to run the fake with privacy mode on.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from taskbot.config import load_settings
from taskbot.domain.values import Cadence
from taskbot.localapi import FakeBotApi
from taskbot.runtime import Runtime, build_bot, build_runtime
from taskbot.services import tasks as task_service
from taskbot.services.people import Actor, upsert_chat, upsert_person
from taskbot.store.db import transaction
from tests.support.clock import ManualClock

TOKEN = "987654:SECRET-test-token_abc"
BOT_USERNAME = "taskbot_test_bot"

ADMIN = 1001
OFFICIAL = 2001
OFFICIAL_2 = 2002
STRANGER = 3001
ENGLISH = 4001

GROUP = -100123
OTHER_GROUP = -100456

JSON = dict[str, Any]


@dataclass
class BotHarness:
    api: FakeBotApi
    app: Application
    runtime: Runtime
    clock: ManualClock
    users: dict[int, JSON] = field(default_factory=dict)

    # -- setting the scene ---------------------------------------------------------------------------
    def add_user(
        self, user_id: int, first_name: str, username: str | None = None, language: str | None = None
    ) -> int:
        self.users[user_id] = self.api.add_user(
            user_id, first_name=first_name, username=username, language_code=language
        )
        return user_id

    def add_admin(
        self, user_id: int = ADMIN, first_name: str = "督查室", username: str | None = "ducha"
    ) -> int:
        """A user whose id is in settings.admins (the default ``bot_settings`` lists ADMIN)."""
        assert user_id in self.runtime.settings.admins, "add the id to settings.admins (bot_settings)"
        return self.add_user(user_id, first_name, username, "zh-hans")

    def add_official(
        self,
        user_id: int = OFFICIAL,
        first_name: str = "张三",
        username: str | None = "zhangsan",
        language: str = "zh-hans",
    ) -> int:
        return self.add_user(user_id, first_name, username, language)

    def add_stranger(
        self, user_id: int = STRANGER, first_name: str = "路人", username: str | None = None
    ) -> int:
        return self.add_user(user_id, first_name, username, "zh-hans")

    def add_group(self, chat_id: int = GROUP, title: str = "镇街工作群", *, type: str = "supergroup") -> int:
        self.api.add_chat(chat_id, type=type, title=title)
        return chat_id

    def add_private(self, user_id: int) -> int:
        """The private chat of USER_ID with the bot (its id is the user's)."""
        self.api.add_chat(user_id, type="private")
        return user_id

    def add_town_cast(self) -> None:
        """The usual scene: a town group GROUP bound to 各镇街, a department group OTHER_GROUP, the
        admin, two officials (张三, 李四) and a stranger; the tests add the tasks."""
        self.add_group(GROUP, "镇街工作群")
        self.add_group(OTHER_GROUP, "部门工作群")
        self.add_admin()
        self.add_official()
        self.add_official(OFFICIAL_2, "李四", "lisi")
        self.add_stranger()
        self.bind(GROUP, "各镇街")

    def bind(self, chat_id: int, party: str) -> None:
        """Bind PARTY to the chat CHAT_ID in the store (as an admin would with /bind)."""
        with transaction(self.runtime.sessions) as s:
            chat = upsert_chat(s, chat_id, title="", type="private" if chat_id > 0 else "supergroup")
            task_service.bind_party(s, Actor.system("test"), party, chat=chat)

    def add_task(
        self,
        title: str,
        *,
        parties: Sequence[str] = (),
        chat_id: int | None = None,
        assignees: Iterable[int] = (),
        deadline: dt.date | None = None,
        cadence: Sequence[Cadence] = (),
    ) -> int:
        """Create a task as the system; CHAT_ID sends it to that chat directly; assign Telegram users."""
        now = self.clock()
        with transaction(self.runtime.sessions) as s:
            chat = None
            if chat_id is not None:
                chat = upsert_chat(s, chat_id, title="", type="private" if chat_id > 0 else "supergroup")
            actor = Actor.system("test")
            task = task_service.add_task(
                s, actor, now, title, parties=parties, chat=chat, deadline=deadline, cadence=cadence
            )
            for user_id in assignees:
                user = self.users.get(user_id, {})
                person = upsert_person(
                    s, user_id, username=user.get("username"), display_name=user.get("first_name", "")
                )
                task_service.assign_task(s, task.id, actor, now, person)
            return task.id

    # -- acting as users -----------------------------------------------------------------------------
    async def send(self, chat_id: int, user_id: int, text: str, reply_to: int | None = None) -> JSON:
        """USER_ID writes TEXT in CHAT_ID; return the bot's next message there."""
        await self.api.user_sends(chat_id, user_id, text, reply_to_message_id=reply_to)
        return await self.api.wait_for_message(chat_id)

    async def press(self, chat_id: int, user_id: int, message: JSON, data: str) -> dict[str, Any]:
        """USER_ID presses the button DATA under MESSAGE; return the answerCallbackQuery parameters."""
        query_id = await self.api.user_presses(chat_id, user_id, message["message_id"], data)
        return await self.api.wait_for_call(
            "answerCallbackQuery", lambda p: p.get("callback_query_id") == query_id
        )

    async def settle(self, timeout: float = 5.0) -> None:
        """Await the bot having fetched and finished handling every update queued so far."""
        await self.api.wait_until(
            lambda: not self.api.pending_updates, timeout, "the bot to fetch every update"
        )
        # Fetched updates sit in the Application's queue until handled; join() awaits their task_done().
        await asyncio.wait_for(self.app.update_queue.join(), timeout)

    def history(self, task_id: int) -> list[tuple[str, str, int | None, str]]:
        """(kind, status, progress, text) of every history entry of the task."""
        with self.runtime.sessions() as s:
            task = task_service.get_task(s, task_id, history=True)
            return [(r.kind, r.status, r.progress, r.text) for r in task.reports]

    def task(self, task_id: int) -> tuple[str, int]:
        """(status, progress) of the task now."""
        with self.runtime.sessions() as s:
            task = task_service.get_task(s, task_id)
            return task.status, task.progress


def text_of(message: JSON) -> str:
    return str(message.get("text") or message.get("caption") or "")


def buttons_of(message: JSON) -> list[str]:
    """The callback_data of every inline button under MESSAGE."""
    markup = message.get("reply_markup") or {}
    return [b.get("callback_data") for row in markup.get("inline_keyboard", []) for b in row]


@pytest.fixture
def bot_settings(tmp_path: Path) -> dict[str, Any]:
    """Overrides for load_settings; a test module may override this fixture.

    Completion review is off here, so ``/done`` closes at once as it did before the workflow existed;
    tests/bot/test_workflow.py turns it on.
    """
    return {
        "admins": [ADMIN],
        "database": {"url": f"sqlite:///{tmp_path / 'bot.db'}"},
        # No 签收 announcements interleave with the answers a test waits for (test_workflow turns them on).
        "workflow": {"review": False, "receipt": False},
    }


@pytest.fixture
def bot_privacy_mode() -> bool:
    return False


@pytest.fixture
async def bot(
    bot_settings: dict[str, Any], clock: ManualClock, bot_privacy_mode: bool
) -> AsyncIterator[BotHarness]:
    """The taskbot Application polling a FakeBotApi; torn down cleanly after the test."""
    settings = load_settings(**bot_settings)
    runtime = build_runtime(settings, clock=clock)
    api = FakeBotApi(token=TOKEN, bot_username=BOT_USERNAME, privacy_mode=bot_privacy_mode)
    await api.start()
    # The handlers and the update processor, without the start-up hooks `taskbot run` adds.
    app = build_bot(runtime, TOKEN, base_url=api.base_url, base_file_url=api.base_file_url, lifecycle=False)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=dt.timedelta(seconds=2))
    await api.wait_until_polling()
    try:
        yield BotHarness(api, app, runtime, clock)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await api.stop()
        runtime.close()


# The first chart of a process imports matplotlib and looks for a CJK font: allow for a busy machine.
CHART_SECONDS = 60.0


async def overall_report(bot: BotHarness, chat_id: int, user_id: int) -> tuple[JSON, str]:
    """USER_ID sends /report where it covers every task: the chart picture comes first, then the text."""
    await bot.api.user_sends(chat_id, user_id, "/report")
    picture = await bot.api.wait_for_message(chat_id, timeout=CHART_SECONDS)
    assert "photo" in picture, text_of(picture)
    return picture, text_of(await bot.api.wait_for_message(chat_id))
