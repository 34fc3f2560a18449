"""Webhook mode: the fake pushes updates to the bot's URL with the secret token header."""

from __future__ import annotations

import socket

import pytest
from telegram import Bot, Update
from telegram.error import Conflict
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from taskbot.localapi import FakeBotApi
from tests.localapi.conftest import ADMIN, GROUP


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echo the text back."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(f"echo {update.effective_message.text}")


async def test_updates_reach_a_webhook_bot(api: FakeBotApi) -> None:
    port = free_port()
    app = Application.builder().token(api.token).base_url(api.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="hook",
            webhook_url=f"http://127.0.0.1:{port}/hook",
            secret_token="s3cret",
        )
        try:
            await api.user_sends(GROUP, ADMIN, "你好")
            answer = await api.wait_for_message(GROUP)
            info = await app.bot.get_webhook_info()
        finally:
            await app.updater.stop()
            await app.stop()

    assert answer["text"] == "echo 你好"
    assert info.url == f"http://127.0.0.1:{port}/hook" and info.pending_update_count == 0
    assert [c.params.get("secret_token") for c in api.calls if c.method == "setWebhook"] == ["s3cret"]


async def test_a_webhook_that_refuses_is_retried_and_reported(api: FakeBotApi, bot: Bot) -> None:
    port = free_port()
    app = Application.builder().token(api.token).base_url(api.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(listen="127.0.0.1", port=port, url_path="hook", secret_token="right")
        try:
            # Telegram would hold the wrong secret: the bot answers 403 and the update stays queued.
            await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="wrong")
            await api.user_sends(GROUP, ADMIN, "被拒")
            await api.wait_until(lambda: api.methods.webhook.last_error_message, what="a webhook error")
            refused = await bot.get_webhook_info()
            with pytest.raises(Conflict, match="webhook is active"):
                await bot.get_updates()

            await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="right")
            answer = await api.wait_for_message(GROUP)
        finally:
            await app.updater.stop()
            await app.stop()

    assert refused.pending_update_count == 1
    assert (
        refused.last_error_message
        == "Wrong response from the webhook: 403 Request had the wrong secret token"
    )
    assert answer["text"] == "echo 被拒"


async def test_delete_webhook_can_drop_pending_updates(api: FakeBotApi, bot: Bot) -> None:
    await bot.set_webhook("http://127.0.0.1:9/unreachable")
    await api.user_sends(GROUP, ADMIN, "丢弃")

    await bot.delete_webhook(drop_pending_updates=True)

    assert (await bot.get_webhook_info()).url == ""
    assert await bot.get_updates() == ()
