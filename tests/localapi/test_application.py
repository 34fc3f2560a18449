"""A real python-telegram-bot Application polling the fake: commands, buttons, replies, documents."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from taskbot.localapi import FakeBotApi, polling
from tests.localapi.conftest import ADMIN, GROUP, MEMBER

KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("完成", callback_data="done:3"),
            InlineKeyboardButton("汇报进展", callback_data="progress:3"),
        ]
    ]
)


async def done(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Confirm a /done with its arguments."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(f"done {' '.join(context.args or [])}")


async def remind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send a reminder with buttons."""
    assert update.effective_chat is not None
    await context.bot.send_message(update.effective_chat.id, "任务 3 提醒", reply_markup=KEYBOARD)


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a button and ask for the progress text."""
    query = update.callback_query
    assert query is not None and query.message is not None
    await query.answer(f"收到 {query.data}")
    await query.message.reply_text("请回复进展", reply_markup=ForceReply(selective=True))


async def replied(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echo a reply with what it answered."""
    message = update.effective_message
    assert message is not None and message.reply_to_message is not None
    await message.reply_text(f"进展记录：{message.text}（回复 #{message.reply_to_message.message_id}）")


async def upper_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Download a document and send it back upper-cased."""
    message = update.effective_message
    assert message is not None and message.document is not None
    data = await (await message.document.get_file()).download_as_bytearray()
    await message.reply_document(
        InputFile(bytes(data).upper(), filename=f"upper-{message.document.file_name}")
    )


@pytest.fixture
async def app(api: FakeBotApi) -> AsyncIterator[Application]:
    application = (
        Application.builder().token(api.token).base_url(api.base_url).base_file_url(api.base_file_url).build()
    )
    application.add_handler(CommandHandler("done", done))
    application.add_handler(CommandHandler("remind", remind))
    application.add_handler(CallbackQueryHandler(pressed))
    application.add_handler(MessageHandler(filters.REPLY & filters.TEXT, replied))
    application.add_handler(MessageHandler(filters.Document.ALL, upper_document))
    async with polling(application, api):
        yield application


async def test_commands_addressed_to_this_bot_are_handled(api: FakeBotApi, app: Application) -> None:
    await api.user_sends(GROUP, ADMIN, "/done@taskbot_test_bot 3 已完成")
    await api.user_sends(GROUP, ADMIN, "/done@some_other_bot 4")
    await api.user_sends(GROUP, MEMBER, "/done 5")

    first = await api.wait_for_message(GROUP)
    second = await api.wait_for_message(GROUP)

    assert [first["text"], second["text"]] == ["done 3 已完成", "done 5"]
    # Updates are handled in order, so the one addressed to another bot was seen and ignored.
    assert len(api.sent_messages(GROUP)) == 2
    assert first["reply_to_message"]["from"]["id"] == ADMIN


async def test_button_press_answer_and_force_reply(api: FakeBotApi, app: Application) -> None:
    await api.user_sends(GROUP, ADMIN, "/remind")
    reminder = await api.wait_for_message(GROUP)

    query_id = await api.user_presses(GROUP, MEMBER, reminder["message_id"], "progress:3")
    await api.wait_for_call("answerCallbackQuery")
    prompt = await api.wait_for_message(GROUP, lambda m: m["text"] == "请回复进展")
    await api.user_replies(GROUP, MEMBER, prompt["message_id"], "完成 60%")
    recorded = await api.wait_for_message(GROUP, lambda m: m["text"].startswith("进展记录"))

    assert api.callback_answers[query_id]["text"] == "收到 progress:3"
    assert recorded["text"] == f"进展记录：完成 60%（回复 #{prompt['message_id']}）"


async def test_pressing_a_button_that_is_not_there_is_a_test_error(api: FakeBotApi, app: Application) -> None:
    await api.user_sends(GROUP, ADMIN, "/remind")
    reminder = await api.wait_for_message(GROUP)

    with pytest.raises(AssertionError, match="no button with callback_data 'blocked:3'"):
        await api.user_presses(GROUP, MEMBER, reminder["message_id"], "blocked:3")


async def test_document_upload_and_download(api: FakeBotApi, app: Application) -> None:
    sent = await api.user_sends_document(GROUP, ADMIN, "通报.txt", b"abc", caption="/import")

    answer = await api.wait_for_message(GROUP, lambda m: "document" in m)

    assert (
        sent["document"]["file_name"] == "通报.txt" and sent["caption_entities"][0]["type"] == "bot_command"
    )
    assert answer["document"]["file_name"] == "upper-通报.txt"
    assert api.file_bytes(answer["document"]["file_id"]) == b"ABC"
    assert api.calls[-1].params["document"]["size"] == 3


async def test_timeouts_say_what_was_sent(api: FakeBotApi, app: Application) -> None:
    await api.user_sends(GROUP, ADMIN, "/done 1")
    await api.wait_for_message(GROUP)

    with pytest.raises(AssertionError) as failure:
        await api.wait_for_message(GROUP, lambda m: m["text"] == "never", timeout=0.05)

    assert "'done 1'" in str(failure.value) and "sendMessage" in str(failure.value)


async def test_waits_hand_out_each_message_and_call_once_in_order(api: FakeBotApi, app: Application) -> None:
    for n in (1, 2, 3):
        await api.user_sends(GROUP, ADMIN, f"/done {n}")

    second = await api.wait_for_message(GROUP, lambda m: m["text"] == "done 2")
    rest = [(await api.wait_for_message(GROUP))["text"] for _ in range(2)]
    calls = [(await api.wait_for_call("sendMessage"))["text"] for _ in range(3)]

    assert second["text"] == "done 2" and rest == ["done 1", "done 3"]
    assert calls == ["done 1", "done 2", "done 3"]
    with pytest.raises(AssertionError, match="no new sendMessage call"):
        await api.wait_for_call("sendMessage", timeout=0.01)
