"""/import end to end over HTTP: file (caption, after /import, as a reply), pasted text, .docx and .pdf →
preview → 确认导入 / 取消; idempotent re-import; expiry; refusals of bad files and of non-admins."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

import pytest
from telegram.ext import ConversationHandler

from taskbot.bot.importing import PREVIEW_TTL
from taskbot.bulletin import parse_bulletin
from taskbot.i18n import t
from taskbot.store.models import Bulletin, Report, Task
from tests.bot.conftest import ADMIN, GROUP, OFFICIAL, STRANGER, BotHarness, buttons_of, text_of
from tests.bot.test_admin_commands import plain
from tests.conftest import SEED_BULLETIN
from tests.ingest.bulletins import TEXT as SMALL_BULLETIN
from tests.ingest.documents import make_docx, make_pdf

JSON = dict[str, Any]


@pytest.fixture(autouse=True, scope="module")
def _reader_worker_started() -> None:
    """Start the file reader's fork server once, before the first /import waits on it."""
    from taskbot.sandbox import warm_up

    warm_up()


TODAY = dt.date(2026, 10, 5)  # the ManualClock's day in Shanghai


def distinct_directives(text: str) -> list[str]:
    """The directive titles the parser finds in TEXT, each text once (what an import creates)."""
    seen: dict[str, str] = {}
    for d in parse_bulletin(text, today=TODAY).directives:
        seen.setdefault("".join(d.text.split()), d.title)
    return list(seen.values())


def scene(bot: BotHarness) -> None:
    bot.add_group(GROUP, "督查室工作群")
    bot.add_admin()
    bot.add_official()
    bot.add_stranger()


def tasks_in_store(bot: BotHarness) -> int:
    with bot.runtime.sessions() as s:
        return len(s.query(Task).all())


def token_of(preview: JSON) -> str:
    data = [d for d in buttons_of(preview) if d.startswith("imp:")]  # imr: buttons review items
    assert len(data) == 2 and data[0].startswith("imp:ok:") and data[1].startswith("imp:no:")
    assert all(len(d.encode()) <= 64 for d in data)  # Telegram's limit on callback_data
    return data[0].removeprefix("imp:ok:")


def current(bot: BotHarness, chat_id: int, message: JSON) -> JSON:
    return next(m for m in bot.api.sent_messages(chat_id) if m["message_id"] == message["message_id"])


async def send_file(
    bot: BotHarness, name: str, data: bytes, caption: str | None = "/import", user: int = ADMIN, **kw: Any
) -> JSON:
    await bot.api.user_sends_document(GROUP, user, name, data, caption=caption, **kw)
    return await bot.api.wait_for_message(GROUP)


async def confirm(bot: BotHarness, preview: JSON, user: int = ADMIN) -> tuple[JSON, str]:
    """Press 确认导入; the preview as edited, and the short answer to the press."""
    answered = await bot.press(GROUP, user, preview, f"imp:ok:{token_of(preview)}")
    await bot.settle()
    return current(bot, GROUP, preview), answered.get("text", "")


async def test_file_with_caption_preview_confirm_and_reimport(bot: BotHarness) -> None:
    scene(bot)
    text = SEED_BULLETIN.read_text(encoding="utf-8")
    titles = distinct_directives(text)
    assert len(titles) > 10  # the seed page has many directives: the preview shows the first ten
    preview = await send_file(bot, "佛山简报.txt", text.encode())
    shown = text_of(preview)
    assert shown.startswith("📄 导入预览：佛山简报.txt")
    assert t("import.preview.counts", "zh", total=len(titles), new=len(titles), existing=0) in shown
    assert f"1. {titles[0][:10]}" in shown
    assert f"10. {titles[9][:10]}" in shown and "11. " not in shown
    assert t("bot.tasks.more", "zh", count=len(titles) - 10) in shown
    assert tasks_in_store(bot) == 0  # a preview writes nothing

    edited, answered = await confirm(bot, preview)
    assert text_of(edited).startswith(t("import.done", "zh", created=len(titles), unchanged=0))
    assert buttons_of(edited) == []
    assert answered == t("import.done_short", "zh", created=len(titles))
    assert tasks_in_store(bot) == len(titles)
    with bot.runtime.sessions() as s:
        created = s.query(Report).filter_by(kind="created").all()
        assert len(created) == len(titles)
        assert {(r.actor, r.person.telegram_user_id if r.person else None) for r in created} == {
            ("督查室", ADMIN)
        }
        assert [b.source for b in s.query(Bulletin)] == ["佛山简报.txt"]

    again = await send_file(bot, "再发一次.txt", text.encode())
    assert text_of(again) == t("import.nothing_new", "zh", count=len(titles))
    assert buttons_of(again) == []
    assert tasks_in_store(bot) == len(titles)


async def test_two_previews_of_one_bulletin_import_it_once(bot: BotHarness) -> None:
    scene(bot)
    count = len(distinct_directives(SMALL_BULLETIN))
    first = await send_file(bot, "a.txt", SMALL_BULLETIN.encode())
    second = await send_file(bot, "b.md", SMALL_BULLETIN.encode())
    assert token_of(first) != token_of(second)
    edited, _ = await confirm(bot, first)
    assert text_of(edited).startswith(t("import.done", "zh", created=count, unchanged=0))
    edited, _ = await confirm(bot, second)
    assert text_of(edited) == t("import.done", "zh", created=0, unchanged=count)
    assert tasks_in_store(bot) == count


async def test_the_parties_no_chat_receives_are_named_after_import(bot: BotHarness) -> None:
    scene(bot)
    bot.bind(GROUP, "各镇街")
    preview = await send_file(bot, "small.txt", SMALL_BULLETIN.encode())
    assert "各镇街，各相关部门" in text_of(preview)  # responsible parties shown in the preview
    edited, _ = await confirm(bot, preview)
    shown = text_of(edited)
    assert (
        plain(t("import.unbound", "zh", parties="各相关部门，各社区党组织书记", example="各相关部门"))
        in shown
    )


async def test_import_then_the_file(bot: BotHarness) -> None:
    scene(bot)
    prompt = await bot.send(GROUP, ADMIN, "/import")
    assert text_of(prompt) == t("import.ask", "zh")
    preview = await send_file(bot, "small.txt", SMALL_BULLETIN.encode(), caption=None)
    assert text_of(preview).startswith("📄 导入预览：small.txt")
    await confirm(bot, preview)
    assert tasks_in_store(bot) == len(distinct_directives(SMALL_BULLETIN))


async def test_import_then_pasted_text(bot: BotHarness) -> None:
    scene(bot)
    prompt = await bot.send(GROUP, ADMIN, "/import")
    preview = await bot.send(GROUP, ADMIN, SMALL_BULLETIN, reply_to=prompt["message_id"])
    assert text_of(preview).startswith(plain(t("import.preview.header_pasted", "zh")))
    await confirm(bot, preview)
    assert tasks_in_store(bot) == len(distinct_directives(SMALL_BULLETIN))
    with bot.runtime.sessions() as s:
        assert [b.source for b in s.query(Bulletin)] == ["(pasted text)"]


async def test_text_pasted_with_the_command(bot: BotHarness) -> None:
    scene(bot)
    preview = await bot.send(GROUP, ADMIN, "/import " + SMALL_BULLETIN)
    assert text_of(preview).startswith(plain(t("import.preview.header_pasted", "zh")))


async def test_import_as_a_reply_to_a_file(bot: BotHarness) -> None:
    scene(bot)
    sent = await bot.api.user_sends_document(GROUP, OFFICIAL, "转发的通报.txt", SMALL_BULLETIN.encode())
    preview = await bot.send(GROUP, ADMIN, "/import", reply_to=sent["message_id"])
    assert text_of(preview).startswith("📄 导入预览：转发的通报.txt")


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("通报.docx", lambda lines: make_docx(lines)),
        ("通报.pdf", lambda lines: make_pdf([lines])),
    ],
)
async def test_docx_and_pdf(bot: BotHarness, name: str, build: Any) -> None:
    scene(bot)
    lines = [line for line in SMALL_BULLETIN.splitlines() if line.strip()]
    preview = await send_file(bot, name, build(lines))
    assert text_of(preview).startswith(f"📄 导入预览：{name}")
    edited, _ = await confirm(bot, preview)
    assert text_of(edited).startswith("✅ 导入完成：新建 ")
    assert tasks_in_store(bot) >= 1


async def test_privately(bot: BotHarness) -> None:
    scene(bot)
    bot.add_private(ADMIN)
    await bot.api.user_sends_document(ADMIN, ADMIN, "small.txt", SMALL_BULLETIN.encode(), caption="/import")
    preview = await bot.api.wait_for_message(ADMIN)
    query = await bot.api.user_presses(ADMIN, ADMIN, preview["message_id"], buttons_of(preview)[0])
    await bot.api.wait_for_call("answerCallbackQuery", lambda p: p.get("callback_query_id") == query)
    await bot.settle()
    assert tasks_in_store(bot) == len(distinct_directives(SMALL_BULLETIN))


# --- cancel and expiry --------------------------------------------------------------------------


async def test_cancel_button_changes_nothing_and_the_preview_is_gone(bot: BotHarness) -> None:
    scene(bot)
    preview = await send_file(bot, "small.txt", SMALL_BULLETIN.encode())
    token = token_of(preview)
    await bot.press(GROUP, ADMIN, preview, f"imp:no:{token}")
    await bot.settle()
    assert text_of(current(bot, GROUP, preview)) == t("import.cancelled", "zh")
    # an old client may still show the button: pressing it now finds nothing to import
    query = await bot.api.user_presses(
        GROUP, ADMIN, preview["message_id"], f"imp:ok:{token}", check_button=False
    )
    answered = await bot.api.wait_for_call(
        "answerCallbackQuery", lambda p: p.get("callback_query_id") == query
    )
    assert answered["text"] == t("import.expired", "zh") and answered["show_alert"] in (True, "true")
    assert tasks_in_store(bot) == 0


async def test_an_expired_preview_imports_nothing(bot: BotHarness) -> None:
    scene(bot)
    preview = await send_file(bot, "small.txt", SMALL_BULLETIN.encode())
    bot.clock.advance(seconds=PREVIEW_TTL.total_seconds() + 1)
    answered = await bot.press(GROUP, ADMIN, preview, f"imp:ok:{token_of(preview)}")
    assert answered["text"] == t("import.expired", "zh")
    await bot.settle()
    assert buttons_of(current(bot, GROUP, preview)) == []
    assert tasks_in_store(bot) == 0


async def test_a_forged_token_is_expired(bot: BotHarness) -> None:
    scene(bot)
    preview = await send_file(bot, "small.txt", SMALL_BULLETIN.encode())
    query = await bot.api.user_presses(
        GROUP, ADMIN, preview["message_id"], "imp:ok:AAAAAAAA", check_button=False
    )
    answered = await bot.api.wait_for_call(
        "answerCallbackQuery", lambda p: p.get("callback_query_id") == query
    )
    assert answered["text"] == t("import.expired", "zh")
    await confirm(bot, preview)  # the real one still works
    assert tasks_in_store(bot) == len(distinct_directives(SMALL_BULLETIN))


async def test_import_then_cancel(bot: BotHarness) -> None:
    scene(bot)
    await bot.send(GROUP, ADMIN, "/import")
    assert text_of(await bot.send(GROUP, ADMIN, "/cancel")) == t("import.cancelled", "zh")
    # no longer waiting: a file without the caption is not taken
    await bot.api.user_sends_document(GROUP, ADMIN, "small.txt", SMALL_BULLETIN.encode())
    await bot.settle()
    assert not [m for m in bot.api.sent_messages(GROUP) if text_of(m).startswith("📄")]


async def test_waiting_for_the_file_times_out(bot: BotHarness) -> None:
    scene(bot)
    await bot.send(GROUP, ADMIN, "/import")
    await bot.settle()
    conversation = next(
        h for h in bot.app.handlers[0] if isinstance(h, ConversationHandler) and h.name == "import"
    )
    job = conversation.timeout_jobs[(GROUP, ADMIN)]
    await job.run(bot.app)  # now, instead of in ten minutes
    job.schedule_removal()
    assert text_of(await bot.api.wait_for_message(GROUP)) == t("import.timed_out", "zh")
    await bot.api.user_sends(GROUP, ADMIN, SMALL_BULLETIN)
    await bot.settle()
    assert not [m for m in bot.api.sent_messages(GROUP) if text_of(m).startswith("📄")]


# --- bad files ----------------------------------------------------------------------------------


def file_downloads(bot: BotHarness) -> int:
    return sum(1 for call in bot.api.calls if call.method == "getFile")


async def test_a_file_too_large_is_refused_before_downloading(bot: BotHarness) -> None:
    scene(bot)
    limit = bot.runtime.settings.telegram.max_file_bytes
    answer = await send_file(bot, "大文件.pdf", b"%PDF-1.4", declared_size=limit + 1)
    # one byte over: the two sizes are shown with the decimals that tell them apart
    sizes = {"size": "10.000001 MB", "limit": "10.000000 MB"}
    assert text_of(answer) == t("import.too_large", "zh", name="大文件.pdf", **sizes)
    assert file_downloads(bot) == 0


@pytest.mark.parametrize("name", ["旧格式.doc", "公文.wps"])
async def test_an_old_word_file_gets_the_save_as_docx_hint(bot: BotHarness, name: str) -> None:
    scene(bot)
    answer = await send_file(bot, name, b"\xd0\xcf\x11\xe0 old word")
    assert text_of(answer) == t("import.save_as_docx", "zh", name=name)
    assert "docx" in text_of(answer)
    assert file_downloads(bot) == 0


async def test_a_zip_bomb_gets_one_polite_line(bot: BotHarness) -> None:
    from tests.test_readers import zip_bomb_docx

    scene(bot)
    answer = await send_file(bot, "炸弹.docx", zip_bomb_docx())
    assert text_of(answer).startswith("抱歉，无法读取文件 炸弹.docx（")
    assert "zip bomb" in text_of(answer) and "\n" not in text_of(answer)
    assert tasks_in_store(bot) == 0
    # the bot is still here for the next file
    preview = await send_file(bot, "small.txt", SMALL_BULLETIN.encode())
    assert text_of(preview).startswith("📄 导入预览：small.txt")


@pytest.mark.parametrize("name", ["表格.xlsx", "照片.jpg", "无扩展名"])
async def test_a_file_of_the_wrong_kind_is_refused(bot: BotHarness, name: str) -> None:
    scene(bot)
    answer = await send_file(bot, name, b"whatever")
    assert text_of(answer) == t("import.wrong_type", "zh", name=name)
    assert file_downloads(bot) == 0


async def test_an_unreadable_file_is_refused(bot: BotHarness) -> None:
    scene(bot)
    answer = await send_file(bot, "坏文件.docx", b"PK\x03\x04 not really a zip")
    assert text_of(answer).startswith("抱歉，无法读取文件 坏文件.docx（")
    assert tasks_in_store(bot) == 0


async def test_a_text_without_directives_is_refused(bot: BotHarness) -> None:
    scene(bot)
    answer = await send_file(bot, "闲聊.txt", "今天天气很好。我们去公园散步。".encode())
    assert text_of(answer) == t("import.empty", "zh")


async def test_a_bad_file_while_waiting_keeps_waiting(bot: BotHarness) -> None:
    scene(bot)
    await bot.send(GROUP, ADMIN, "/import")
    refused = await send_file(bot, "表格.xlsx", b"x", caption=None)
    assert text_of(refused) == t("import.wrong_type", "zh", name="表格.xlsx")
    preview = await send_file(bot, "small.txt", SMALL_BULLETIN.encode(), caption=None)
    assert text_of(preview).startswith("📄 导入预览：small.txt")


# --- who may import -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", [OFFICIAL, STRANGER])
async def test_non_admins_cannot_import(bot: BotHarness, who: int) -> None:
    scene(bot)
    answer = await send_file(bot, "small.txt", SMALL_BULLETIN.encode(), user=who)
    assert text_of(answer) == t("error.admin_only", "zh")
    assert file_downloads(bot) == 0
    assert text_of(await bot.send(GROUP, who, "/import " + SMALL_BULLETIN)) == t("error.admin_only", "zh")
    assert tasks_in_store(bot) == 0


async def test_non_admins_cannot_confirm_an_admins_preview(bot: BotHarness) -> None:
    scene(bot)
    preview = await send_file(bot, "small.txt", SMALL_BULLETIN.encode())
    answered = await bot.press(GROUP, OFFICIAL, preview, f"imp:ok:{token_of(preview)}")
    assert answered["text"] == t("error.admin_only", "zh")
    assert tasks_in_store(bot) == 0
    await confirm(bot, preview)  # the preview is still there for the admin
    assert tasks_in_store(bot) == len(distinct_directives(SMALL_BULLETIN))


async def test_a_caption_for_another_bot_is_ignored(bot: BotHarness) -> None:
    scene(bot)
    await bot.api.user_sends_document(
        GROUP, ADMIN, "small.txt", SMALL_BULLETIN.encode(), caption="/import@some_other_bot"
    )
    await bot.settle()
    assert not [m for m in bot.api.sent_messages(GROUP) if re.match("📄|抱歉", text_of(m))]


async def test_a_failed_download_is_answered_politely(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    scene(bot)
    bot.api.fail_next("getFile", error_code=400, description="Bad Request: temporarily unavailable")
    with caplog.at_level(logging.WARNING, logger="taskbot.bot.importing"):
        answer = await send_file(bot, "small.txt", SMALL_BULLETIN.encode())
    assert text_of(answer) == t("import.download_failed", "zh", name="small.txt")
    logged = [r.getMessage() for r in caplog.records if r.name == "taskbot.bot.importing"]
    assert len(logged) == 1 and logged[0].endswith(": BadRequest"), logged
    preview = await send_file(bot, "small.txt", SMALL_BULLETIN.encode())  # sending again works
    assert text_of(preview).startswith("📄 导入预览：small.txt")


async def test_import_in_english_privately(bot: BotHarness) -> None:
    scene(bot)
    bot.runtime.settings.admins.append(4001)
    bot.add_user(4001, "Alice", "alice", "en")
    bot.add_private(4001)
    await bot.api.user_sends_document(4001, 4001, "small.txt", SMALL_BULLETIN.encode(), caption="/import")
    preview = await bot.api.wait_for_message(4001)
    count = len(distinct_directives(SMALL_BULLETIN))
    assert text_of(preview).startswith("📄 Import preview: small.txt")
    assert t("import.preview.counts", "en", total=count, new=count, existing=0) in text_of(preview)
    assert [b["text"] for b in preview["reply_markup"]["inline_keyboard"][0]] == ["✅ Import", "Cancel"]
