"""The office sees the replies no task took (unassigned notes) in /pending; nobody else does."""

from __future__ import annotations

from taskbot.i18n import t
from taskbot.services import notes
from taskbot.services.people import Actor, upsert_person
from taskbot.store.db import transaction
from tests.bot.conftest import ADMIN, GROUP, OFFICIAL, BotHarness, text_of
from tests.bot.test_admin_commands import plain
from tests.bot.test_workflow import bot_settings, claim, scene

__all__ = ["bot_settings"]


def keep_note(bot: BotHarness, text: str, task_ids: list[int], *, file_kind: str | None = None) -> None:
    """张三's reply in the town group to a reminder of TASK_IDS that named none of them."""
    with transaction(bot.runtime.sessions) as s:
        person = upsert_person(s, OFFICIAL, username="zhangsan", display_name="张三")
        actor = Actor(name="张三", person=person)
        notes.keep(
            s,
            actor,
            bot.clock(),
            chat_id=GROUP,
            message_id=77,
            task_ids=task_ids,
            text=text,
            file_id="F1" if file_kind else None,
            file_kind=file_kind,
        )


async def test_pending_lists_the_unassigned_notes_after_the_requests(bot: BotHarness) -> None:
    task_id = scene(bot)
    second = bot.add_task("第二项", parties=["各镇街"])
    keep_note(bot, "已完成<大部分>", [task_id, second])
    bot.clock.advance(minutes=1)
    keep_note(bot, "", [task_id], file_kind="photo")
    bot.clock.advance(minutes=1)
    keep_note(bot, "长" * 400, [second])
    # With no request waiting: the empty line, then the notes, newest first.
    answer = await bot.send(ADMIN, ADMIN, "/pending")
    assert text_of(answer) == t("workflow.pending.empty", "zh")
    listed = text_of(await bot.api.wait_for_message(ADMIN))
    lines = listed.splitlines()
    assert lines[0] == "未归入任务的回复 3 条（最近的在前）"
    assert lines[1] == f"💬 张三 2026-10-05 09:02（回复任务 #{second} 的提醒）：{'长' * 150}…"
    assert lines[2] == f"💬 张三 2026-10-05 09:01（回复任务 #{task_id} 的提醒）：[photo]"
    assert lines[3] == f"💬 张三 2026-10-05 09:00（回复任务 #{task_id}、#{second} 的提醒）：已完成<大部分>"
    # With a request waiting, it comes first with its buttons; the notes follow.
    await claim(bot, task_id)
    header = await bot.send(ADMIN, ADMIN, "/pending")
    assert text_of(header) == "待处理的申请 1 项"
    await bot.api.wait_for_message(ADMIN)  # the request
    assert text_of(await bot.api.wait_for_message(ADMIN)).startswith("未归入任务的回复 3 条")


async def test_a_note_recorded_on_a_task_is_no_longer_listed_and_officials_see_none(bot: BotHarness) -> None:
    task_id = scene(bot)
    keep_note(bot, "进度80%", [task_id])
    with transaction(bot.runtime.sessions) as s:
        (note,) = notes.unassigned(s)
        person = upsert_person(s, OFFICIAL, username="zhangsan", display_name="张三")
        notes.record_on(s, note.id, task_id, Actor(name="张三", person=person), bot.clock())
    answer = await bot.send(ADMIN, ADMIN, "/pending")
    assert text_of(answer) == t("workflow.pending.empty", "zh")
    await bot.settle()
    assert len(bot.api.sent_messages(ADMIN)) == 1
    keep_note(bot, "又一条", [task_id])
    refused = await bot.send(GROUP, OFFICIAL, "/pending")
    assert plain(text_of(refused)) == plain(t("error.admin_only", "zh"))
    assert not any("又一条" in text_of(m) for m in bot.api.sent_messages(GROUP))


async def test_help_says_pending_shows_the_notes(bot: BotHarness) -> None:
    scene(bot)
    zh = text_of(await bot.send(ADMIN, ADMIN, "/help"))
    assert "/pending — 待处理的办结审核和延期申请，以及未归入任务的回复" in zh
    assert "replies no task took" in t("bot.help.admin.pending", "en")
