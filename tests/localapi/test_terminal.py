"""The terminal chat of local mode, driven with in-memory input and output against an echo bot."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

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
from taskbot.localapi.terminal import BANNER, LOCAL_ADMIN_ID, LOCAL_GROUP_ID, run_terminal_chat


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echo text, saying which message it replied to."""
    message = update.effective_message
    assert message is not None
    replied = f" (reply to #{message.reply_to_message.message_id})" if message.reply_to_message else ""
    await message.reply_text(f"echo: {message.text}{replied}")


async def remind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send a reminder with two buttons."""
    buttons = [
        [
            InlineKeyboardButton("完成", callback_data="done:3"),
            InlineKeyboardButton("汇报进展", callback_data="progress:3"),
        ]
    ]
    assert update.effective_message is not None
    await update.effective_message.reply_text("任务 3 提醒", reply_markup=InlineKeyboardMarkup(buttons))


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask for a reply."""
    assert update.effective_message is not None
    await update.effective_message.reply_text("请回复进展", reply_markup=ForceReply())


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a button press."""
    assert update.callback_query is not None
    await update.callback_query.answer(f"收到 {update.callback_query.data}")


async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the document back reversed."""
    message = update.effective_message
    assert message is not None and message.document is not None
    data = bytes(await (await message.document.get_file()).download_as_bytearray())
    await message.reply_document(InputFile(data[::-1], filename="reversed.txt"))


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token="1:LOCAL") as fake:
        application = (
            Application.builder()
            .token(fake.token)
            .base_url(fake.base_url)
            .base_file_url(fake.base_file_url)
            .build()
        )
        application.add_handler(CommandHandler("remind", remind))
        application.add_handler(CommandHandler("ask", ask))
        application.add_handler(CallbackQueryHandler(pressed))
        application.add_handler(MessageHandler(filters.Document.ALL, document))
        application.add_handler(MessageHandler(filters.TEXT, echo))
        async with polling(application, fake):
            yield fake


async def lines(items: Iterable[str]) -> AsyncIterator[str]:
    for item in items:
        yield item


async def chat(api: FakeBotApi, typed: list[str], tmp_path: Path) -> str:
    screen = io.StringIO()
    await run_terminal_chat(
        api, input=lines(typed), output=screen, save_dir=tmp_path / "saved", reply_wait=5.0
    )
    return screen.getvalue()


async def test_banner_says_local_and_how_to_connect(api: FakeBotApi, tmp_path: Path) -> None:
    shown = await chat(api, [], tmp_path)

    assert shown.startswith(BANNER)
    assert "TASKBOT_TELEGRAM__TOKEN" in shown and "telegram.token" in shown


async def test_typed_lines_reach_the_bot_and_answers_are_printed(api: FakeBotApi, tmp_path: Path) -> None:
    shown = await chat(api, ["你好", "/private", "私聊"], tmp_path)

    assert "[本地群] bot #2:\n  echo: 你好" in shown
    assert "(now talking in private)" in shown
    assert "[private] bot #2:\n  echo: 私聊" in shown
    sender = api.world.chats[LOCAL_GROUP_ID].messages[1]["from"]
    assert sender["id"] == LOCAL_ADMIN_ID


async def test_buttons_are_numbered_and_pressed_with_bang(api: FakeBotApi, tmp_path: Path) -> None:
    shown = await chat(api, ["/remind", "!2", "!9"], tmp_path)

    assert "  任务 3 提醒\n  [1 完成] [2 汇报进展]" in shown
    assert "[本地群] bot (button answer): 收到 progress:3" in shown
    assert "(no such button" in shown
    assert next(iter(api.callback_answers.values()))["text"] == "收到 progress:3"


async def test_the_line_after_a_reply_prompt_answers_it(api: FakeBotApi, tmp_path: Path) -> None:
    shown = await chat(api, ["/ask", "50%", "再说一句"], tmp_path)

    assert "(reply requested: your next line answers #2)" in shown
    assert "echo: 50% (reply to #2)" in shown
    assert "echo: 再说一句\n" in shown  # only the first line answers the prompt


async def test_files_go_up_and_documents_are_saved(api: FakeBotApi, tmp_path: Path) -> None:
    source = tmp_path / "通报.txt"
    source.write_bytes(b"abc")

    shown = await chat(api, [f"!file {source}", "!file /nowhere/x.txt"], tmp_path)

    saved = tmp_path / "saved" / "reversed.txt"
    assert f"📄 reversed.txt saved to {saved} (3 bytes)" in shown
    assert saved.read_bytes() == b"cba"
    assert "(no file at /nowhere/x.txt" in shown


async def test_quit_ends_the_session(api: FakeBotApi, tmp_path: Path) -> None:
    shown = await chat(api, ["一", "/quit", "二"], tmp_path)

    assert "echo: 一" in shown and "echo: 二" not in shown


async def test_reads_a_text_stream(api: FakeBotApi, tmp_path: Path) -> None:
    screen = io.StringIO()

    await run_terminal_chat(api, input=io.StringIO("管道输入\n"), output=screen, banner=False, reply_wait=5.0)

    assert screen.getvalue() == "[本地群] bot #2:\n  echo: 管道输入\n"
