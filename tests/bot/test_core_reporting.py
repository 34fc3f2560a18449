"""Officials reporting, end to end over HTTP: commands, buttons, ForceReply prompts, replies, refusals."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from taskbot.bot import reporting
from taskbot.bot.render import report_buttons
from taskbot.i18n import t
from taskbot.store.db import transaction
from taskbot.store.models import Delivery
from tests.bot.conftest import (
    ADMIN,
    ENGLISH,
    GROUP,
    JSON,
    OFFICIAL,
    OFFICIAL_2,
    OTHER_GROUP,
    STRANGER,
    BotHarness,
    buttons_of,
    text_of,
)


def scene(bot: BotHarness) -> dict[str, int]:
    bot.add_town_cast()
    return {
        "towns": bot.add_task("抓目标节点", parties=["各镇街"]),
        "second": bot.add_task("健全督查督办机制", parties=["各镇街"]),
        "other": bot.add_task("推广三长制", chat_id=OTHER_GROUP, assignees=[OFFICIAL_2]),
    }


async def send_reminder(bot: BotHarness, chat_id: int, task_ids: list[int]) -> JSON:
    """Send a reminder the way the scheduler does: a bot message, recorded as sent in the ledger."""
    markup = report_buttons(task_ids[0], "zh") if len(task_ids) == 1 else None
    await bot.app.bot.send_message(chat_id, "本周调度：请汇报进展", reply_markup=markup)
    message = await bot.api.wait_for_message(chat_id)
    now = bot.clock()
    with transaction(bot.runtime.sessions) as s:
        s.add(
            Delivery(
                key=f"weekly:{now.isoformat()}:{chat_id}:{message['message_id']}",
                beat="weekly",
                fire_at=now,
                chat_id=chat_id,
                task_ids=task_ids,
                message_ids=[message["message_id"]],
                status="sent",
                created_at=now,
                sent_at=now,
            )
        )
    return message


# --- commands ---


async def test_done_with_note_in_the_group(bot: BotHarness) -> None:
    ids = scene(bot)
    bot.clock.advance(hours=2)
    answer = await bot.send(GROUP, OFFICIAL, f"/done {ids['towns']} 70个社区已全覆盖")
    assert text_of(answer) == f"✅ 张三 已将任务 #{ids['towns']} 抓目标节点 标记为完成：70个社区已全覆盖"
    assert answer["reply_to_message"]["from"]["id"] == OFFICIAL
    assert bot.task(ids["towns"]) == ("done", 100)
    assert bot.history(ids["towns"])[-1] == ("done", "done", 100, "70个社区已全覆盖")
    with bot.runtime.sessions() as s:
        from taskbot.services.tasks import get_task

        task = get_task(s, ids["towns"], history=True)
        last = task.reports[-1]
        assert (last.actor, last.person.telegram_user_id, last.at) == ("张三", OFFICIAL, bot.clock())
        assert task.updated_at == task.last_report_at == bot.clock()


async def test_status_with_and_without_progress(bot: BotHarness) -> None:
    ids = scene(bot)
    first = text_of(await bot.send(GROUP, OFFICIAL, f"/status {ids['towns']} 50% 已完成摸底"))
    assert first == f"📝 已记录 张三 对任务 #{ids['towns']} 抓目标节点 的进展（50%）：已完成摸底"
    second = text_of(await bot.send(GROUP, OFFICIAL_2, f"/status {ids['towns']} 正在推进第二批"))
    assert "（" not in second and "正在推进第二批" in second
    assert bot.task(ids["towns"]) == ("in_progress", 50)
    assert bot.history(ids["towns"])[1:] == [
        ("status", "in_progress", 50, "已完成摸底"),
        ("status", "in_progress", None, "正在推进第二批"),
    ]


async def test_status_with_full_width_percent(bot: BotHarness) -> None:
    ids = scene(bot)
    await bot.send(GROUP, OFFICIAL, f"/status {ids['towns']} 30％ 进行中")
    assert bot.task(ids["towns"]) == ("in_progress", 30)


async def test_blocked(bot: BotHarness) -> None:
    ids = scene(bot)
    answer = text_of(await bot.send(GROUP, OFFICIAL, f"/blocked {ids['towns']} 等待资金批复"))
    assert "受阻" in answer and "等待资金批复" in answer
    assert bot.task(ids["towns"]) == ("blocked", 0)


@pytest.mark.parametrize(
    ("command", "key", "params"),
    [
        ("/done", "bot.usage.done", {}),
        ("/done abc", "bot.usage.done", {}),
        ("/done 3abc", "bot.usage.done", {}),
        ("/done 99999", "error.not_found", {"task_id": 99999}),
        ("/done 0", "error.not_found", {"task_id": 0}),
        ("/status", "bot.usage.status", {}),
        ("/status abc 50% x", "bot.usage.status", {}),
        ("/status {towns}", "error.text_required", {}),
        ("/status {towns} 150% x", "error.progress_range", {"progress": 150}),
        ("/blocked", "bot.usage.blocked", {}),
        ("/blocked {towns}", "error.reason_required", {}),
        ("/done {other}", "error.not_found_here", {"task_id": "{other}"}),
    ],
)
async def test_bad_input_is_answered_and_changes_nothing(
    bot: BotHarness, command: str, key: str, params: dict[str, Any]
) -> None:
    ids = scene(bot)
    params = {k: int(v.format(**ids)) if isinstance(v, str) else v for k, v in params.items()}
    before = {task_id: bot.history(task_id) for task_id in ids.values()}
    answer = await bot.send(GROUP, OFFICIAL, command.format(**ids))
    assert text_of(answer) == t(key, "zh", **params)
    assert {task_id: bot.history(task_id) for task_id in ids.values()} == before
    assert all(bot.task(task_id) == ("open", 0) for task_id in ids.values())


async def test_done_twice_is_answered_politely(bot: BotHarness) -> None:
    ids = scene(bot)
    await bot.send(GROUP, OFFICIAL, f"/done {ids['towns']}")
    again = await bot.send(GROUP, OFFICIAL_2, f"/done {ids['towns']}")
    assert text_of(again) == t("error.already_done", "zh", task_id=ids["towns"])
    assert len(bot.history(ids["towns"])) == 2  # created, done


async def test_strangers_and_other_chats_cannot_change_tasks(bot: BotHarness) -> None:
    ids = scene(bot)
    bot.add_private(STRANGER)
    refused = await bot.send(STRANGER, STRANGER, f"/done {ids['towns']}")
    assert text_of(refused) == t("error.not_found_here", "zh", task_id=ids["towns"])
    # an official of the towns group has no say over the departments' task, even from his group
    elsewhere = await bot.send(GROUP, OFFICIAL, f"/status {ids['other']} 50% 我来汇报")
    assert text_of(elsewhere) == t("error.not_found_here", "zh", task_id=ids["other"])
    assert bot.task(ids["towns"]) == ("open", 0)
    assert bot.task(ids["other"]) == ("open", 0)


async def test_assignee_reports_privately_on_their_task(bot: BotHarness) -> None:
    ids = scene(bot)
    bot.add_private(OFFICIAL_2)
    answer = await bot.send(OFFICIAL_2, OFFICIAL_2, f"/status {ids['other']} 20% 已部署")
    assert "已部署" in text_of(answer)
    assert "reply_to_message" not in answer  # no quoting in a private chat
    assert bot.task(ids["other"]) == ("in_progress", 20)


async def test_admin_reports_on_any_task_privately(bot: BotHarness) -> None:
    ids = scene(bot)
    bot.add_private(ADMIN)
    await bot.send(ADMIN, ADMIN, f"/done {ids['other']} 督查室核实已完成")
    assert bot.task(ids["other"]) == ("done", 100)


async def test_english_user_gets_english_answers(bot: BotHarness) -> None:
    ids = scene(bot)
    bot.add_official(ENGLISH, "Alice", "alice", language="en")
    bot.add_private(ENGLISH)
    bot.bind(ENGLISH, "各镇街")
    done = text_of(await bot.send(ENGLISH, ENGLISH, f"/done {ids['towns']} finished"))
    assert done == f"✅ Alice marked #{ids['towns']} 抓目标节点 done: finished"
    bad = text_of(await bot.send(ENGLISH, ENGLISH, f"/status {ids['second']} 150% x"))
    assert bad == t("error.progress_range", "en", progress=150)


# --- buttons ---


async def test_done_button_on_a_reminder(bot: BotHarness) -> None:
    ids = scene(bot)
    reminder = await send_reminder(bot, GROUP, [ids["towns"]])
    answer = await bot.press(GROUP, OFFICIAL, reminder, f"done:{ids['towns']}")
    assert answer["text"] == t("bot.callback.done", "zh")
    confirmation = await bot.api.wait_for_message(GROUP)
    assert "张三" in text_of(confirmation) and "标记为完成" in text_of(confirmation)
    assert confirmation["reply_to_message"]["message_id"] == reminder["message_id"]
    assert bot.task(ids["towns"]) == ("done", 100)
    again = await bot.press(GROUP, OFFICIAL_2, reminder, f"done:{ids['towns']}")
    assert again["show_alert"] is True
    assert again["text"] == t("error.already_done", "zh", task_id=ids["towns"])


async def test_progress_button_asks_with_force_reply_and_records_the_reply(bot: BotHarness) -> None:
    ids = scene(bot)
    reminder = await send_reminder(bot, GROUP, [ids["towns"]])
    answer = await bot.press(GROUP, OFFICIAL, reminder, f"progress:{ids['towns']}")
    assert answer["text"] == t("bot.callback.prompted", "zh")
    prompt = await bot.api.wait_for_message(GROUP)
    # A ForceReply is not part of the message Telegram returns; look at what the bot asked for.
    sent = await bot.api.wait_for_call("sendMessage", lambda p: "force_reply" in str(p.get("reply_markup")))
    markup = sent["reply_markup"]
    assert (markup["force_reply"], markup["selective"]) == (True, True)
    assert "@zhangsan" in text_of(prompt)  # selective: the mentioned user gets the reply box
    await bot.settle()  # the prompt is remembered after it is sent
    recorded = await bot.send(GROUP, OFFICIAL, "60% 已完成摸底，正在整改", reply_to=prompt["message_id"])
    assert "已完成摸底，正在整改" in text_of(recorded)
    assert bot.task(ids["towns"]) == ("in_progress", 60)
    assert bot.history(ids["towns"])[-1] == ("status", "in_progress", 60, "已完成摸底，正在整改")


async def test_blocked_button_records_the_reason(bot: BotHarness) -> None:
    ids = scene(bot)
    reminder = await send_reminder(bot, GROUP, [ids["towns"]])
    await bot.press(GROUP, OFFICIAL, reminder, f"blocked:{ids['towns']}")
    prompt = await bot.api.wait_for_message(GROUP)
    await bot.settle()
    await bot.send(GROUP, OFFICIAL, "缺少经费", reply_to=prompt["message_id"])
    assert bot.task(ids["towns"]) == ("blocked", 0)
    assert bot.history(ids["towns"])[-1] == ("blocked", "blocked", None, "缺少经费")


async def test_button_for_a_task_this_chat_no_longer_receives(bot: BotHarness) -> None:
    ids = scene(bot)
    reminder = await send_reminder(bot, GROUP, [ids["towns"]])
    with transaction(bot.runtime.sessions) as s:
        from taskbot.services.people import Actor, upsert_chat
        from taskbot.services.tasks import unbind_party

        unbind_party(s, Actor.system("test"), upsert_chat(s, GROUP), "各镇街")
    for action in ("done", "progress", "blocked"):
        answer = await bot.press(GROUP, OFFICIAL, reminder, f"{action}:{ids['towns']}")
        assert answer["show_alert"] is True
        assert answer["text"] == t("error.not_found_here", "zh", task_id=ids["towns"])
    assert bot.task(ids["towns"]) == ("open", 0)


async def test_unknown_button_is_answered(bot: BotHarness) -> None:
    scene(bot)
    reminder = await send_reminder(bot, GROUP, [1])
    query_id = await bot.api.user_presses(
        GROUP, OFFICIAL, reminder["message_id"], "frob:1", check_button=False
    )
    answer = await bot.api.wait_for_call("answerCallbackQuery", lambda p: p["callback_query_id"] == query_id)
    assert answer["text"] == t("bot.callback.unknown", "zh")


async def test_buttons_and_reply_in_a_private_chat(bot: BotHarness) -> None:
    ids = scene(bot)
    bot.add_private(OFFICIAL_2)
    detail = await bot.send(OFFICIAL_2, OFFICIAL_2, f"/task {ids['other']}")
    assert buttons_of(detail) == [
        f"done:{ids['other']}",
        f"progress:{ids['other']}",
        f"blocked:{ids['other']}",
    ]
    await bot.press(OFFICIAL_2, OFFICIAL_2, detail, f"progress:{ids['other']}")
    prompt = await bot.api.wait_for_message(OFFICIAL_2)
    await bot.settle()
    await bot.send(OFFICIAL_2, OFFICIAL_2, "80% 收尾", reply_to=prompt["message_id"])
    assert bot.task(ids["other"]) == ("in_progress", 80)


# --- replies ---


async def test_reply_to_a_one_task_reminder_is_a_status_report(bot: BotHarness) -> None:
    ids = scene(bot)
    reminder = await send_reminder(bot, GROUP, [ids["second"]])
    answer = await bot.send(GROUP, OFFICIAL_2, "已召开专题会，30%", reply_to=reminder["message_id"])
    assert "已召开专题会" in text_of(answer)
    assert bot.history(ids["second"])[-1] == ("status", "in_progress", None, "已召开专题会，30%")


async def test_reply_with_leading_progress_to_a_task_detail(bot: BotHarness) -> None:
    ids = scene(bot)
    detail = await bot.send(GROUP, OFFICIAL, f"/task {ids['towns']}")
    await bot.settle()
    await bot.send(GROUP, OFFICIAL, "45% 第一批完成", reply_to=detail["message_id"])
    assert bot.task(ids["towns"]) == ("in_progress", 45)


@pytest.mark.parametrize(
    ("words", "which", "progress", "said"),
    [
        ("#{second} 60% 各镇已完成摸底", "second", 60, "各镇已完成摸底"),
        ("{second} 60% 各镇已完成摸底", "second", 60, "各镇已完成摸底"),
        ("{towns}号 节点已排定", "towns", 0, "节点已排定"),
        ("督查督办 已建立台账", "second", 0, "督查督办 已建立台账"),  # words of exactly one title
    ],
)
async def test_a_reply_to_a_reminder_of_several_tasks_is_read(
    bot: BotHarness, words: str, which: str, progress: int, said: str
) -> None:
    ids = scene(bot)
    reminder = await send_reminder(bot, GROUP, [ids["towns"], ids["second"]])
    text = words.format(**ids)
    answer = await bot.send(GROUP, OFFICIAL, text, reply_to=reminder["message_id"])
    assert said in text_of(answer)
    assert bot.history(ids[which])[-1][3] == said
    assert bot.task(ids[which]) == ("in_progress", progress)


async def test_a_reply_naming_no_task_is_kept_and_recorded_on_the_task_picked(bot: BotHarness) -> None:
    ids = scene(bot)
    reminder = await send_reminder(bot, GROUP, [ids["towns"], ids["second"]])
    answer = await bot.send(GROUP, OFFICIAL, "60% 各镇已完成燃气管道摸底", reply_to=reminder["message_id"])
    assert text_of(answer) == t("bot.reply.pick_task", "zh")
    picks = buttons_of(answer)
    assert [p.rsplit(":", 1)[1] for p in picks] == [str(ids["towns"]), str(ids["second"])]
    assert len(bot.history(ids["towns"])) == len(bot.history(ids["second"])) == 1  # nothing yet
    await bot.press(GROUP, OFFICIAL, answer, picks[1])
    assert "各镇已完成燃气管道摸底" in text_of(await bot.api.wait_for_message(GROUP))
    assert bot.history(ids["second"])[-1] == ("status", "in_progress", 60, "各镇已完成燃气管道摸底")
    # pressed again: already recorded, politely
    await bot.press(GROUP, OFFICIAL, answer, picks[0])
    assert len(bot.history(ids["towns"])) == 1


async def test_a_kept_reply_picked_too_late_stays_an_unassigned_note(bot: BotHarness) -> None:
    from taskbot.services import notes

    ids = scene(bot)
    reminder = await send_reminder(bot, GROUP, [ids["towns"], ids["second"]])
    answer = await bot.send(GROUP, OFFICIAL, "都在推进", reply_to=reminder["message_id"])
    bot.clock.advance(minutes=31)
    await bot.press(GROUP, OFFICIAL, answer, buttons_of(answer)[0])
    await bot.settle()
    assert len(bot.history(ids["towns"])) == 1
    with bot.runtime.sessions() as s:
        [note] = notes.unassigned(s)
        assert (note.text, note.actor, note.task_ids) == ("都在推进", "张三", [ids["towns"], ids["second"]])


async def test_a_photo_sent_as_a_reply_is_acknowledged_and_kept(bot: BotHarness) -> None:
    from taskbot.services import notes

    ids = scene(bot)
    reminder = await send_reminder(bot, GROUP, [ids["towns"], ids["second"]])
    await bot.api.user_sends_document(
        GROUP,
        OFFICIAL,
        "现场照片.pdf",
        b"%PDF-1.4 evidence",
        "整改现场",
        reply_to_message_id=reminder["message_id"],
    )
    answer = await bot.api.wait_for_message(GROUP)
    assert text_of(answer) == t("bot.reply.file_pick_task", "zh")
    with bot.runtime.sessions() as s:
        [note] = notes.unassigned(s)
        assert note.file_kind == "document" and note.file_id and note.text == "整改现场"


async def test_reply_to_other_bot_messages_is_conversation(bot: BotHarness) -> None:
    scene(bot)
    help_message = await bot.send(GROUP, OFFICIAL, "/help")
    before = len(bot.api.sent_messages(GROUP))
    await bot.api.user_sends(GROUP, OFFICIAL, "谢谢", reply_to_message_id=help_message["message_id"])
    await bot.settle()
    assert len(bot.api.sent_messages(GROUP)) == before


async def test_reply_from_a_stranger_in_private_is_refused(bot: BotHarness) -> None:
    """A reminder privately sent to someone no longer responsible: the reply changes nothing."""
    ids = scene(bot)
    bot.add_private(STRANGER)
    reminder = await send_reminder(bot, STRANGER, [ids["towns"]])
    answer = await bot.send(STRANGER, STRANGER, "我来汇报", reply_to=reminder["message_id"])
    assert text_of(answer) == t("error.not_found_here", "zh", task_id=ids["towns"])
    assert len(bot.history(ids["towns"])) == 1


# --- failures ---


async def test_unexpected_failure_is_logged_with_the_update_id_and_answered_politely(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    ids = scene(bot)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database exploded")

    monkeypatch.setattr(reporting, "mark_done", broken)
    with caplog.at_level(logging.ERROR, logger="taskbot.bot.errors"):
        sent = await bot.api.user_sends(GROUP, OFFICIAL, f"/done {ids['towns']}")
        answer = await bot.api.wait_for_message(GROUP)
    assert text_of(answer) == t("error.internal", "zh")
    assert "exploded" not in text_of(answer) and "Traceback" not in text_of(answer)
    update_ids = [r.message for r in caplog.records if "failed" in r.message]
    assert len(update_ids) == 1 and update_ids[0].startswith("handling update ")
    assert caplog.records[-1].exc_info is not None
    assert sent["message_id"]  # and the task is untouched
    assert bot.task(ids["towns"]) == ("open", 0)


async def test_unexpected_failure_of_a_button_is_an_alert(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = scene(bot)
    reminder = await send_reminder(bot, GROUP, [ids["towns"]])

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(reporting, "mark_done", broken)
    answer = await bot.press(GROUP, OFFICIAL, reminder, f"done:{ids['towns']}")
    assert answer["text"] == t("error.internal", "zh")
    assert answer["show_alert"] is True


async def test_report_survives_a_failed_confirmation(bot: BotHarness) -> None:
    """The change is committed before the answer is sent: a send failure loses no report."""
    ids = scene(bot)
    bot.api.fail_next("sendMessage", 500, "Internal Server Error", chat_id=GROUP)
    await bot.api.user_sends(GROUP, OFFICIAL, f"/done {ids['towns']} 完成")
    await bot.settle()
    assert bot.task(ids["towns"]) == ("done", 100)
