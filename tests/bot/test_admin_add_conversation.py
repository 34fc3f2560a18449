"""The guided /add end to end, with privacy mode on (prompts are ForceReply, so answers reach the bot):
every step, skips, typed and pressed answers, bad answers, /cancel, the cancel button, the timeout."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from telegram.ext import ConversationHandler

from taskbot.i18n import t
from tests.bot.conftest import ADMIN, GROUP, OFFICIAL, BotHarness, buttons_of, text_of
from tests.bot.test_admin_commands import plain, scene, task_count, task_row

JSON = dict[str, Any]


@pytest.fixture
def bot_privacy_mode() -> bool:
    return True


async def answer(bot: BotHarness, chat_id: int, prompt: JSON, text: str, user_id: int = ADMIN) -> JSON:
    """Reply TEXT to the bot's PROMPT (as a user does with ForceReply); the bot's next message."""
    return await bot.send(chat_id, user_id, text, reply_to=prompt["message_id"])


async def press_and_wait(bot: BotHarness, chat_id: int, message: JSON, data: str) -> None:
    await bot.press(chat_id, ADMIN, message, data)


def current(bot: BotHarness, chat_id: int, message: JSON) -> JSON:
    """MESSAGE as it is now (after the bot's edits)."""
    return next(m for m in bot.api.sent_messages(chat_id) if m["message_id"] == message["message_id"])


def sent_markup(bot: BotHarness, message: JSON) -> JSON:
    """The reply_markup the bot sent MESSAGE with (Telegram echoes only inline keyboards back)."""
    for call in reversed(bot.api.calls):
        if (
            call.method == "sendMessage"
            and call.params.get("text")
            and text_of(message) in plain(call.params["text"])
        ):
            markup = call.params.get("reply_markup")
            return json.loads(markup) if isinstance(markup, str) else markup
    raise AssertionError("no sendMessage call for that message")


def add_conversation(bot: BotHarness) -> ConversationHandler[Any]:
    return next(h for h in bot.app.handlers[0] if isinstance(h, ConversationHandler) and h.name == "add")


async def test_every_step_in_a_group(bot: BotHarness) -> None:
    scene(bot)
    before = task_count(bot)
    prompt = await bot.send(GROUP, ADMIN, "/add")
    assert text_of(prompt) == plain(t("admin.add.ask_title", "zh"))
    assert sent_markup(bot, prompt)["force_reply"] is True
    prompt = await answer(bot, GROUP, prompt, "  推进  社区创熟 ")
    assert text_of(prompt) == plain(t("admin.add.ask_parties", "zh"))
    keyboard = await answer(bot, GROUP, prompt, "各镇街，各相关部门")
    assert buttons_of(keyboard) == [
        "addc:weekly",
        "addc:fortnightly",
        "addc:monthly",
        "addc:daily",
        "addc:quarterly",
        "addc:yearly",
        "addc:none",
    ]
    await bot.press(GROUP, ADMIN, keyboard, "addc:weekly")
    prompt = await bot.api.wait_for_message(GROUP)
    assert text_of(prompt) == plain(t("admin.add.ask_deadline", "zh"))
    assert text_of(current(bot, GROUP, keyboard)) == t("admin.add.cadence_chosen", "zh", cadence="每周")
    confirm = await answer(bot, GROUP, prompt, "12月31日")
    summary = text_of(confirm)
    assert summary.startswith(t("admin.add.confirm", "zh"))
    assert "推进 社区创熟" in summary and "各镇街，各相关部门" in summary
    assert "每周" in summary and "2026-12-31" in summary
    assert task_count(bot) == before  # nothing yet
    await bot.press(GROUP, ADMIN, confirm, "add:yes")
    await bot.settle()
    new_id = task_count(bot)
    assert new_id == before + 1
    done = text_of(current(bot, GROUP, confirm))
    assert done.startswith(f"✅ 已创建任务 #{new_id} 推进 社区创熟")
    assert buttons_of(current(bot, GROUP, confirm)) == []
    assert task_row(bot, new_id) == {
        "title": "推进 社区创熟",
        "status": "open",
        "parties": ["各镇街", "各相关部门"],
        "assignees": [],
        "cadence": ["weekly"],
        "deadline": dt.date(2026, 12, 31),
        "chat": None,
    }
    assert bot.history(new_id) == [("created", "open", None, "推进 社区创熟")]


async def test_optional_steps_skipped_and_typed_confirmation(bot: BotHarness) -> None:
    scene(bot)
    prompt = await bot.send(GROUP, ADMIN, "/add")
    prompt = await answer(bot, GROUP, prompt, "整理台账")
    keyboard = await answer(bot, GROUP, prompt, "-")
    prompt = await answer(bot, GROUP, keyboard, "每月")  # a typed cadence instead of a button
    confirm = await answer(bot, GROUP, prompt, "无")
    assert "频次: 每月" in text_of(confirm) and "完成时限: 无" in text_of(confirm)
    hint = await answer(bot, GROUP, confirm, "嗯")
    assert text_of(hint) == t("admin.add.confirm_hint", "zh")
    created = await answer(bot, GROUP, confirm, "确认")
    new_id = task_count(bot)
    assert text_of(created).startswith(f"✅ 已创建任务 #{new_id} 整理台账")
    row = task_row(bot, new_id)
    # no party: a task added in a group goes to that group
    assert (row["parties"], row["cadence"], row["deadline"], row["chat"]) == ([], ["monthly"], None, GROUP)


async def test_a_bad_answer_is_asked_again(bot: BotHarness) -> None:
    scene(bot)
    prompt = await bot.send(GROUP, ADMIN, "/add")
    prompt = await answer(bot, GROUP, prompt, "排查隐患")
    keyboard = await answer(bot, GROUP, prompt, "各镇街")
    refusal = await answer(bot, GROUP, keyboard, "sometimes")
    assert text_of(refusal) == plain(t("admin.bad_cadence", "zh", given="sometimes"))
    await bot.press(GROUP, ADMIN, keyboard, "addc:none")
    prompt = await bot.api.wait_for_message(GROUP)
    refusal = await answer(bot, GROUP, prompt, "2026-13-40")
    assert text_of(refusal) == plain(t("admin.bad_deadline", "zh", given="2026-13-40"))
    confirm = await answer(bot, GROUP, prompt, "2027-06-30")
    assert "2027-06-30" in text_of(confirm)
    await bot.press(GROUP, ADMIN, confirm, "add:yes")
    await bot.settle()
    row = task_row(bot, task_count(bot))
    assert (row["title"], row["cadence"], row["deadline"]) == ("排查隐患", [], dt.date(2027, 6, 30))


async def test_cancel_midway_creates_nothing_and_ends_the_conversation(bot: BotHarness) -> None:
    scene(bot)
    before = task_count(bot)
    prompt = await bot.send(GROUP, ADMIN, "/add")
    parties_prompt = await answer(bot, GROUP, prompt, "不该创建")
    assert text_of(await bot.send(GROUP, ADMIN, "/cancel")) == t("admin.add.cancelled", "zh")
    # the conversation is over: another answer to the old prompt is not a step of it
    await bot.api.user_replies(GROUP, ADMIN, parties_prompt["message_id"], "各镇街")
    await bot.settle()
    assert not [
        m for m in bot.api.sent_messages(GROUP) if text_of(m) == plain(t("admin.add.ask_cadence", "zh"))
    ]
    assert task_count(bot) == before
    assert text_of(await bot.send(GROUP, ADMIN, "/cancel")) == t("admin.nothing_to_cancel", "zh")


async def test_the_cancel_button_creates_nothing(bot: BotHarness) -> None:
    scene(bot)
    before = task_count(bot)
    prompt = await bot.send(GROUP, ADMIN, "/add")
    prompt = await answer(bot, GROUP, prompt, "不该创建")
    keyboard = await answer(bot, GROUP, prompt, "-")
    await bot.press(GROUP, ADMIN, keyboard, "addc:none")
    prompt = await bot.api.wait_for_message(GROUP)
    confirm = await answer(bot, GROUP, prompt, "-")
    await bot.press(GROUP, ADMIN, confirm, "add:no")
    await bot.settle()
    assert text_of(current(bot, GROUP, confirm)) == t("admin.add.cancelled", "zh")
    assert task_count(bot) == before


async def test_someone_elses_answer_is_not_taken(bot: BotHarness) -> None:
    scene(bot)
    prompt = await bot.send(GROUP, ADMIN, "/add")
    # 张三 answers the admin's prompt: the conversation is the admin's alone (per user, per chat)
    await bot.api.user_replies(GROUP, OFFICIAL, prompt["message_id"], "别人的标题")
    await bot.settle()
    assert not [
        m for m in bot.api.sent_messages(GROUP) if text_of(m) == plain(t("admin.add.ask_parties", "zh"))
    ]
    parties = await answer(bot, GROUP, prompt, "管理员的标题")
    assert text_of(parties) == plain(t("admin.add.ask_parties", "zh"))
    keyboard = await answer(bot, GROUP, parties, "-")
    await bot.press(GROUP, ADMIN, keyboard, "addc:none")
    prompt = await bot.api.wait_for_message(GROUP)
    confirm = await answer(bot, GROUP, prompt, "-")
    assert "管理员的标题" in text_of(confirm) and "别人的标题" not in text_of(confirm)


async def test_add_again_starts_over(bot: BotHarness) -> None:
    scene(bot)
    prompt = await bot.send(GROUP, ADMIN, "/add")
    await answer(bot, GROUP, prompt, "旧的标题")
    prompt = await bot.send(GROUP, ADMIN, "/add")
    assert text_of(prompt) == plain(t("admin.add.ask_title", "zh"))
    parties = await answer(bot, GROUP, prompt, "新的标题")
    keyboard = await answer(bot, GROUP, parties, "-")
    await bot.press(GROUP, ADMIN, keyboard, "addc:none")
    prompt = await bot.api.wait_for_message(GROUP)
    confirm = await answer(bot, GROUP, prompt, "-")
    assert "新的标题" in text_of(confirm) and "旧的标题" not in text_of(confirm)


async def test_an_unanswered_add_times_out(bot: BotHarness) -> None:
    scene(bot)
    before = task_count(bot)
    prompt = await bot.send(GROUP, ADMIN, "/add")
    parties = await answer(bot, GROUP, prompt, "没人理的任务")
    await bot.settle()
    conversation = add_conversation(bot)
    job = conversation.timeout_jobs[(GROUP, ADMIN)]
    # Run the timeout job now rather than waiting ten minutes for the JobQueue to run it.
    await job.run(bot.app)
    job.schedule_removal()
    timed_out = await bot.api.wait_for_message(GROUP)
    assert text_of(timed_out) == t("admin.add.timed_out", "zh")
    await bot.api.user_replies(GROUP, ADMIN, parties["message_id"], "各镇街")
    await bot.settle()
    assert not [
        m for m in bot.api.sent_messages(GROUP) if text_of(m) == plain(t("admin.add.ask_cadence", "zh"))
    ]
    assert task_count(bot) == before


async def test_privately_in_english(bot: BotHarness) -> None:
    scene(bot)
    bot.runtime.settings.admins.append(4001)
    bot.add_user(4001, "Alice", "alice", "en")
    bot.add_private(4001)
    await bot.send(GROUP, ADMIN, "/bind 各镇街")  # the group has spoken: the bot knows its title
    prompt = await bot.send(4001, 4001, "/add")
    assert text_of(prompt).startswith("New task")
    prompt = await answer(bot, 4001, prompt, "Survey the districts", user_id=4001)
    keyboard = await answer(bot, 4001, prompt, "各镇街", user_id=4001)
    assert [b["text"] for b in keyboard["reply_markup"]["inline_keyboard"][0]] == [
        "weekly",
        "fortnightly",
        "monthly",
    ]
    prompt = await answer(bot, 4001, keyboard, "fortnightly", user_id=4001)
    confirm = await answer(bot, 4001, prompt, "2026-11-30", user_id=4001)
    assert text_of(confirm).startswith("Create this task?")
    await bot.api.user_presses(4001, 4001, confirm["message_id"], "add:yes")
    await bot.api.wait_for_call("editMessageText")
    done = text_of(current(bot, 4001, confirm))
    assert done.startswith(f"✅ Created task #{task_count(bot)} Survey the districts")
    assert "Reminded in: 镇街工作群" in done
