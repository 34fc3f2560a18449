"""Small things a clumsy user or a stranger found: each answered politely, none a traceback."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from taskbot.i18n import t
from taskbot.store.db import transaction
from taskbot.store.models import Person
from tests.bot.conftest import ADMIN, GROUP, OFFICIAL, BotHarness, buttons_of, text_of
from tests.bot.test_admin_commands import plain, scene, task_count, task_row
from tests.bot.test_core_reporting import send_reminder
from tests.ingest.bulletins import TEXT as SMALL_BULLETIN

ADMIN_2 = 1002


@pytest.fixture(autouse=True, scope="module")
def _reader_worker_started() -> None:
    """Start the file reader's fork server once, before the first /import waits on it."""
    from taskbot.sandbox import warm_up

    warm_up()


ANONYMOUS = {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


@pytest.fixture
def bot_settings(tmp_path: Path) -> dict[str, Any]:
    return {"admins": [ADMIN, ADMIN_2], "database": {"url": f"sqlite:///{tmp_path / 'bot.db'}"}}


def apologies(bot: BotHarness) -> int:
    sorry = t("error.internal", "zh")
    sent = sum(1 for m in bot.api.sent_messages(GROUP) if text_of(m) == sorry)
    answered = sum(
        1 for c in bot.api.calls if c.method == "answerCallbackQuery" and c.params.get("text") == sorry
    )
    return sent + answered


async def test_empty_callback_data_is_answered_without_an_apology(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    scene(bot)
    reminder = await send_reminder(bot, GROUP, [1])
    with caplog.at_level(logging.ERROR):
        query = await bot.api.user_presses(GROUP, OFFICIAL, reminder["message_id"], "", check_button=False)
        answer = await bot.api.wait_for_call("answerCallbackQuery", lambda p: p["callback_query_id"] == query)
        await bot.settle()
    assert answer["text"] == t("bot.callback.unknown", "zh")
    assert apologies(bot) == 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("forged", ["addc:每周", "addc:WEEKLY", "addc:", "addc:hourly", "addc:none:x"])
async def test_a_forged_cadence_button_in_add_is_refused_politely(
    bot: BotHarness, forged: str, caplog: pytest.LogCaptureFixture
) -> None:
    scene(bot)
    prompt = await bot.send(GROUP, ADMIN, "/add")
    prompt = await bot.send(GROUP, ADMIN, "推进社区创熟", reply_to=prompt["message_id"])
    keyboard = await bot.send(GROUP, ADMIN, "各镇街", reply_to=prompt["message_id"])
    assert "<b>" not in text_of(keyboard)  # the step-3 prompt is HTML, not literal tags
    assert text_of(keyboard) == plain(t("admin.add.ask_cadence", "zh"))
    with caplog.at_level(logging.ERROR):
        answer = await bot.press(GROUP, ADMIN, keyboard, forged) if forged in buttons_of(keyboard) else None
        if answer is None:
            query = await bot.api.user_presses(
                GROUP, ADMIN, keyboard["message_id"], forged, check_button=False
            )
            answer = await bot.api.wait_for_call(
                "answerCallbackQuery", lambda p: p["callback_query_id"] == query
            )
        await bot.settle()
    assert answer.get("text") == t("bot.callback.unknown", "zh")
    assert apologies(bot) == 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # the real button still works afterwards
    await bot.press(GROUP, ADMIN, keyboard, "addc:weekly")
    prompt = await bot.api.wait_for_message(GROUP)
    assert text_of(prompt) == plain(t("admin.add.ask_deadline", "zh"))


@pytest.mark.parametrize(
    "command", ["/add 新任务 | 各镇街", "/deadline 1 2026-12-31", "/bind 各镇街", "/import"]
)
async def test_an_anonymous_admin_is_asked_to_write_as_themselves(bot: BotHarness, command: str) -> None:
    scene(bot)
    state = bot.api.world.chat(GROUP)
    word = command.split()[0]
    message = bot.api.world.new_message(
        state,
        ANONYMOUS,
        {
            "text": command,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(word)}],
            "sender_chat": state.info,
        },
    )
    bot.api.world.queue_update("message", message)
    answer = await bot.api.wait_for_message(GROUP)
    assert text_of(answer) == t("error.anonymous", "zh")


async def test_assign_with_a_username_two_people_have_had_asks_which(bot: BotHarness) -> None:
    ids = scene(bot)
    with transaction(bot.runtime.sessions) as s:
        # 张三 took the name @zhangsan after someone else had it; the store still has both
        s.add(Person(telegram_user_id=4242, username="ZhangSan", display_name="旧的张三"))
        s.add(Person(telegram_user_id=4343, username="zhangsan", display_name="新的张三"))
    answer = await bot.send(GROUP, ADMIN, f"/assign {ids['towns']} @zhangsan")
    assert text_of(answer) == plain(t("admin.assign_ambiguous_user", "zh", user="@zhangsan"))
    with bot.runtime.sessions() as s:
        assert bot.history(ids["towns"])[-1][0] == "created"


@pytest.mark.parametrize("junk", [ZERO_WIDTH, "\x07\x1b", "\u202e\u200b \u2060"])
async def test_titles_and_party_names_of_invisible_characters_are_refused(bot: BotHarness, junk: str) -> None:
    scene(bot)
    before = task_count(bot)
    answer = await bot.send(GROUP, ADMIN, f"/add {junk} | 各镇街")
    assert text_of(answer) == plain(t("admin.add_no_title", "zh"))
    answer = await bot.send(GROUP, ADMIN, f"/bind {junk}")
    assert text_of(answer) == plain(t("admin.usage.bind", "zh"))
    await bot.send(GROUP, ADMIN, f"/add 正常标题 | {junk}, 各镇街")
    assert task_count(bot) == before + 1
    row = task_row(bot, task_count(bot))
    assert row["title"] == "正常标题"


async def test_two_admins_confirming_one_preview_import_once_without_an_apology(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    scene(bot)
    bot.add_user(ADMIN_2, "督查室二", "ducha2", "zh-hans")
    await bot.api.user_sends_document(GROUP, ADMIN, "small.txt", SMALL_BULLETIN.encode(), caption="/import")
    preview = await bot.api.wait_for_message(GROUP)
    ok = buttons_of(preview)[0]
    with caplog.at_level(logging.ERROR):
        await bot.press(GROUP, ADMIN, preview, ok)
        await bot.settle()
        query = await bot.api.user_presses(GROUP, ADMIN_2, preview["message_id"], ok, check_button=False)
        second = await bot.api.wait_for_call("answerCallbackQuery", lambda p: p["callback_query_id"] == query)
        await bot.settle()
    assert second["text"] == t("import.expired", "zh")
    assert apologies(bot) == 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_help_names_cadences_in_the_readers_language(lang: str) -> None:
    text = t("bot.help.admin.cadence", lang)
    if lang == "zh":
        assert "weekly" not in text and "每周" in text
    else:
        assert "weekly" in text
