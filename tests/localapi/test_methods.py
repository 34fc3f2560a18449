"""The fake answers python-telegram-bot's real Bot over HTTP with Telegram's shapes and checks."""

from __future__ import annotations

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageEntity,
    ReplyParameters,
)
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, EndPointNotFound, Forbidden, InvalidToken

from taskbot.localapi import FakeBotApi
from tests.localapi.conftest import ADMIN, GROUP, MEMBER


async def test_get_me_describes_the_bot(bot: Bot) -> None:
    me = await bot.get_me()

    assert (me.id, me.is_bot, me.username) == (123456, True, "taskbot_test_bot")
    assert me.can_join_groups is True


async def test_send_message_round_trip(api: FakeBotApi, bot: Bot) -> None:
    first = await bot.send_message(GROUP, "第一条")
    second = await bot.send_message(GROUP, "第二条")

    assert (first.message_id, second.message_id) == (1, 2)
    assert first.chat.type == ChatType.SUPERGROUP and first.chat.title == "测试群"
    assert first.from_user is not None and first.from_user.id == bot.id
    assert [m["text"] for m in api.sent_messages(GROUP)] == ["第一条", "第二条"]
    assert isinstance(api.sent_messages(GROUP)[0]["date"], int)
    assert api.calls[-1] == ("sendMessage", {"chat_id": GROUP, "text": "第二条"})


async def test_html_is_parsed_into_entities_like_telegram(bot: Bot) -> None:
    sent = await bot.send_message(GROUP, "任务 <b>3</b> &lt;已完成&gt;", parse_mode=ParseMode.HTML)

    assert sent.text == "任务 3 <已完成>"
    assert sent.entities == (MessageEntity(MessageEntity.BOLD, 3, 1),)


@pytest.mark.parametrize("text", ["a < b", "<b>unclosed", "<blink>x</blink>", "<b>x</i>"])
async def test_broken_html_is_rejected_like_telegram(bot: Bot, text: str) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(GROUP, text, parse_mode=ParseMode.HTML)


async def test_markdown_v2_needs_reserved_characters_escaped(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)reserved"):
        await bot.send_message(GROUP, "完成率 50.5%", parse_mode=ParseMode.MARKDOWN_V2)
    assert (await bot.send_message(GROUP, r"完成率 50\.5%", parse_mode=ParseMode.MARKDOWN_V2)).text


async def test_text_limits(bot: Bot) -> None:
    await bot.send_message(GROUP, "字" * 4096)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(GROUP, "字" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(GROUP, "   ")


async def test_inline_keyboard_is_on_the_message_and_force_reply_is_not(api: FakeBotApi, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("完成", callback_data="done:3")]])
    with_buttons = await bot.send_message(GROUP, "任务 3", reply_markup=keyboard)
    prompt = await bot.send_message(GROUP, "请回复进展", reply_markup=ForceReply(selective=True))

    assert with_buttons.reply_markup == keyboard
    assert prompt.reply_markup is None
    assert api.calls[-1].params["reply_markup"] == {"force_reply": True, "selective": True}


async def test_callback_data_over_64_bytes_is_rejected(bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("完成", callback_data="完" * 22)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(GROUP, "x", reply_markup=keyboard)


async def test_replies_quote_the_original_and_missing_targets_fail(api: FakeBotApi, bot: Bot) -> None:
    asked = await api.user_sends(GROUP, ADMIN, "/tasks")

    answer = await bot.send_message(GROUP, "没有任务", reply_parameters=ReplyParameters(asked["message_id"]))

    assert answer.reply_to_message is not None and answer.reply_to_message.text == "/tasks"
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(GROUP, "x", reply_parameters=ReplyParameters(999))
    lenient = ReplyParameters(999, allow_sending_without_reply=True)
    assert (await bot.send_message(GROUP, "x", reply_parameters=lenient)).reply_to_message is None


async def test_edits_replace_text_and_drop_the_keyboard_unless_resent(api: FakeBotApi, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("完成", callback_data="done:3")]])
    sent = await bot.send_message(GROUP, "任务 3", reply_markup=keyboard)

    edited = await bot.edit_message_text("任务 3 已完成", GROUP, sent.message_id)

    assert edited.text == "任务 3 已完成" and edited.reply_markup is None and edited.edit_date is not None
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("任务 3 已完成", GROUP, sent.message_id)
    await bot.edit_message_reply_markup(GROUP, sent.message_id, reply_markup=keyboard)
    assert api.sent_messages(GROUP)[0]["reply_markup"] == keyboard.to_dict()
    users = await api.user_sends(GROUP, ADMIN, "hello")
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await bot.edit_message_text("x", GROUP, users["message_id"])
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", GROUP, 999)


async def test_delete_message(api: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(GROUP, "临时")
    users = await api.user_sends(GROUP, ADMIN, "hello")

    assert await bot.delete_message(GROUP, sent.message_id) is True
    assert api.sent_messages(GROUP) == []
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(GROUP, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message can't be deleted"):
        await bot.delete_message(GROUP, users["message_id"])
    api.set_member_status(GROUP, bot.id, "administrator")
    assert await bot.delete_message(GROUP, users["message_id"]) is True


async def test_commands_are_stored_per_scope_and_language(api: FakeBotApi, bot: Bot) -> None:
    chinese = [BotCommand("done", "标记完成"), BotCommand("status", "汇报进展")]
    english = [BotCommand("done", "Mark done")]
    groups = BotCommandScopeAllGroupChats()

    await bot.set_my_commands(chinese, language_code="zh")
    await bot.set_my_commands(english, scope=groups, language_code="en")

    assert await bot.get_my_commands(language_code="zh") == tuple(chinese)
    assert await bot.get_my_commands(scope=groups, language_code="en") == tuple(english)
    assert await bot.get_my_commands() == ()
    assert api.commands(language_code="zh") == [c.to_dict() for c in chinese]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("完成", "中文命令名")])
    with pytest.raises(BadRequest, match=r"(?i)language code"):
        await bot.set_my_commands(english, language_code="zh-hans")


async def test_chat_members_and_administrators(api: FakeBotApi, bot: Bot) -> None:
    api.set_member_status(GROUP, ADMIN, "creator")
    api.set_member_status(GROUP, MEMBER, "administrator")
    await api.user_sends(GROUP, 1003, "hi")

    admins = await bot.get_chat_administrators(GROUP)
    stranger = await bot.get_chat_member(GROUP, 1003)
    chat = await bot.get_chat(GROUP)

    assert {(a.user.id, a.status) for a in admins} == {
        (ADMIN, ChatMemberStatus.OWNER),
        (MEMBER, ChatMemberStatus.ADMINISTRATOR),
    }
    assert stranger.status == ChatMemberStatus.MEMBER
    assert (chat.id, chat.title) == (GROUP, "测试群")
    with pytest.raises(BadRequest, match=r"(?i)user not found"):
        await bot.get_chat_member(GROUP, 424242)


async def test_leave_chat_makes_later_sends_forbidden(api: FakeBotApi, bot: Bot) -> None:
    assert await bot.leave_chat(GROUP) is True
    assert "my_chat_member" in api.pending_updates[-1]
    with pytest.raises(Forbidden, match=r"(?i)bot is not a member of the supergroup chat"):
        await bot.send_message(GROUP, "x")


async def test_send_chat_action(api: FakeBotApi, bot: Bot) -> None:
    assert await bot.send_chat_action(GROUP, "typing") is True
    with pytest.raises(BadRequest):
        await bot.send_chat_action(GROUP, "dancing")


async def test_wrong_token_and_unknown_method(api: FakeBotApi) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("123456:WRONG", base_url=api.base_url):
            pass
    async with Bot(api.token, base_url=api.base_url) as bot:
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("sendTelepathy")


async def test_raw_http_shapes(api: FakeBotApi) -> None:
    async with httpx.AsyncClient(base_url=f"{api.base_url}{api.token}") as client:
        by_json = await client.post("/sendMessage", json={"chat_id": GROUP, "text": "json"})
        by_form = await client.post("/sendMessage", data={"chat_id": str(GROUP), "text": "123"})
        by_query = await client.get("/getMe")
        unknown_chat = await client.post("/sendMessage", json={"chat_id": -5, "text": "x"})
        unknown_method = await client.post("/sendTelepathy")
        wrong_token = await client.get(f"{api.base_url}999:NOPE/getMe")
        malformed_token = await client.get(f"{api.base_url}nonsense/getMe")

    assert by_json.json()["ok"] is True and by_json.json()["result"]["text"] == "json"
    assert by_form.json()["result"]["text"] == "123"  # strings stay strings even when they look like numbers
    assert by_query.json()["result"]["username"] == "taskbot_test_bot"
    assert unknown_chat.status_code == 400
    assert unknown_chat.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: chat not found",
    }
    assert unknown_method.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert (wrong_token.status_code, wrong_token.json()["description"]) == (401, "Unauthorized")
    assert malformed_token.status_code == 404


async def test_private_chat_needs_the_user_to_start_it(api: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(Forbidden, match=r"(?i)bot can't initiate conversation with a user"):
        await bot.send_message(ADMIN, "你好")
    await api.user_sends(ADMIN, ADMIN, "/start")

    sent = await bot.send_message(ADMIN, "你好")

    assert sent.chat.type == ChatType.PRIVATE and sent.chat.first_name == "张三"


async def test_chat_menu_button_web_app_per_private_chat(api: FakeBotApi, bot: Bot) -> None:
    from telegram import MenuButtonCommands, MenuButtonWebApp, WebAppInfo

    api.add_chat(ADMIN, type="private")
    board = MenuButtonWebApp("督办看板", WebAppInfo("https://board.example.org/app/"))
    assert await bot.set_chat_menu_button(chat_id=ADMIN, menu_button=board)
    assert await bot.get_chat_menu_button(chat_id=ADMIN) == board
    assert (await bot.get_chat_menu_button()).type == "default"
    with pytest.raises(BadRequest, match=r"(?i)button_url_invalid"):
        await bot.set_chat_menu_button(
            chat_id=ADMIN, menu_button=MenuButtonWebApp("x", WebAppInfo("http://plain.example.org/"))
        )
    with pytest.raises(BadRequest, match=r"(?i)not a private chat"):
        await bot.set_chat_menu_button(chat_id=GROUP, menu_button=board)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.set_chat_menu_button(chat_id=987654321, menu_button=board)
    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    assert isinstance(await bot.get_chat_menu_button(chat_id=MEMBER), MenuButtonCommands)
