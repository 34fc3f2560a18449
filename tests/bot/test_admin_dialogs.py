"""The guided /add and /import waiting for a file do not steal each other's answers: the dialogue
started last is the one a user is in; the other ends quietly."""

from __future__ import annotations

from typing import Any

from telegram.ext import ConversationHandler

from taskbot.i18n import t
from tests.bot.conftest import ADMIN, GROUP, BotHarness, text_of
from tests.bot.test_admin_commands import plain, scene, task_count
from tests.ingest.bulletins import TEXT as SMALL_BULLETIN


def previews(bot: BotHarness) -> list[dict[str, Any]]:
    return [m for m in bot.api.sent_messages(GROUP) if text_of(m).startswith("📄")]


def conversation(bot: BotHarness, name: str) -> ConversationHandler[Any]:
    return next(h for h in bot.app.handlers[0] if isinstance(h, ConversationHandler) and h.name == name)


async def test_add_started_while_import_waits_gets_the_answers(bot: BotHarness) -> None:
    scene(bot)
    before = task_count(bot)
    await bot.send(GROUP, ADMIN, "/import")
    prompt = await bot.send(GROUP, ADMIN, "/add")
    assert text_of(prompt) == plain(t("admin.add.ask_title", "zh"))
    parties = await bot.send(GROUP, ADMIN, "新增的任务", reply_to=prompt["message_id"])
    assert text_of(parties) == plain(t("admin.add.ask_parties", "zh"))  # not read as a bulletin
    keyboard = await bot.send(GROUP, ADMIN, "-", reply_to=parties["message_id"])
    deadline = await bot.send(GROUP, ADMIN, "每周", reply_to=keyboard["message_id"])
    confirm = await bot.send(GROUP, ADMIN, "-", reply_to=deadline["message_id"])
    await bot.send(GROUP, ADMIN, "确认", reply_to=confirm["message_id"])
    assert task_count(bot) == before + 1
    # the import no longer waits: a file without the caption is not taken
    await bot.api.user_sends_document(GROUP, ADMIN, "small.txt", SMALL_BULLETIN.encode())
    await bot.settle()
    assert previews(bot) == []
    assert text_of(await bot.send(GROUP, ADMIN, "/cancel")) == t("admin.nothing_to_cancel", "zh")


async def test_import_started_during_add_gets_the_pasted_text(bot: BotHarness) -> None:
    scene(bot)
    before = task_count(bot)
    prompt = await bot.send(GROUP, ADMIN, "/add")
    await bot.send(GROUP, ADMIN, "/import")
    preview = await bot.send(GROUP, ADMIN, SMALL_BULLETIN, reply_to=prompt["message_id"])
    assert text_of(preview).startswith(plain(t("import.preview.header_pasted", "zh")))
    # the add is over: another answer to its prompt starts nothing
    await bot.api.user_replies(GROUP, ADMIN, prompt["message_id"], "标题")
    await bot.settle()
    assert not [
        m for m in bot.api.sent_messages(GROUP) if text_of(m) == plain(t("admin.add.ask_parties", "zh"))
    ]
    assert task_count(bot) == before


async def test_cancel_ends_the_active_dialogue_only(bot: BotHarness) -> None:
    scene(bot)
    await bot.send(GROUP, ADMIN, "/import")
    await bot.send(GROUP, ADMIN, "/add")
    assert text_of(await bot.send(GROUP, ADMIN, "/cancel")) == t("admin.add.cancelled", "zh")
    assert text_of(await bot.send(GROUP, ADMIN, "/cancel")) == t("admin.nothing_to_cancel", "zh")


async def test_a_superseded_dialogue_times_out_quietly(bot: BotHarness) -> None:
    scene(bot)
    await bot.send(GROUP, ADMIN, "/import")
    await bot.send(GROUP, ADMIN, "/add")
    await bot.settle()
    job = conversation(bot, "import").timeout_jobs[(GROUP, ADMIN)]
    sent_before = len(bot.api.sent_messages(GROUP))
    await job.run(bot.app)
    job.schedule_removal()
    await bot.settle()
    assert len(bot.api.sent_messages(GROUP)) == sent_before  # no "stopped waiting" for the old /import
    job = conversation(bot, "add").timeout_jobs[(GROUP, ADMIN)]
    await job.run(bot.app)
    job.schedule_removal()
    assert text_of(await bot.api.wait_for_message(GROUP)) == t("admin.add.timed_out", "zh")
