"""The webhook endpoint checks the secret, then the size, before it reads a body; bad bodies get 400."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
from collections.abc import AsyncIterator

import pytest
from telegram.ext import Application, _updater

from taskbot.bot.webhook import use_bounded_webhook
from taskbot.cli.bot import RedactingFormatter
from taskbot.localapi import FakeBotApi

SECRET = "s3cret-webhook-value"
LIMIT = 64 * 1024
REPLY_TIMEOUT = 10  # the server answers at once; this only bounds a broken test


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def webhook(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[Application, int]]:
    monkeypatch.setattr(_updater, "WebhookAppClass", _updater.WebhookAppClass)  # restored after the test
    use_bounded_webhook(LIMIT)
    async with FakeBotApi() as api:
        app = Application.builder().token(api.token).base_url(api.base_url).build()
        port = _free_port()
        await app.initialize()
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="hook",
            webhook_url=f"http://127.0.0.1:{port}/hook",
            secret_token=SECRET,
        )
        try:
            yield app, port
        finally:
            await app.updater.stop()
            await app.shutdown()


async def post(port: int, headers: dict[str, str], body: bytes | None = b"", *, chunked: bool = False) -> int:
    """POST to the webhook; BODY None sends the headers only. Returns the status (0: connection closed)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = "POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()
        )
        writer.write((head + "\r\n").encode())
        if body and chunked:
            for i in range(0, len(body), 16 * 1024):
                part = body[i : i + 16 * 1024]
                writer.write(b"%x\r\n%s\r\n" % (len(part), part))
            writer.write(b"0\r\n\r\n")
        elif body:
            writer.write(body)
        with contextlib.suppress(ConnectionError):
            await writer.drain()
        line = await asyncio.wait_for(reader.readline(), REPLY_TIMEOUT)
        return int(line.split()[1]) if line else 0
    finally:
        writer.close()


UPDATE = {
    "update_id": 7,
    "message": {
        "message_id": 1,
        "date": 1_790_000_000,
        "chat": {"id": 1001, "type": "private", "first_name": "张三"},
        "from": {"id": 1001, "is_bot": False, "first_name": "张三"},
        "text": "/tasks",
    },
}
JSON = {"Content-Type": "application/json"}


async def test_without_the_secret_a_huge_body_is_refused_before_it_is_sent(
    webhook: tuple[Application, int],
) -> None:
    _, port = webhook
    # 90 MB announced, not a byte of it sent: the answer comes from the headers alone
    assert await post(port, {**JSON, "Content-Length": str(90 * 1024 * 1024)}, None) == 403
    headers = {**JSON, "Content-Length": str(90 * 1024 * 1024), "X-Telegram-Bot-Api-Secret-Token": "wrong"}
    assert await post(port, headers, None) == 403


async def test_with_the_secret_a_body_over_the_limit_is_refused_unread(
    webhook: tuple[Application, int],
) -> None:
    _, port = webhook
    headers = {**JSON, "X-Telegram-Bot-Api-Secret-Token": SECRET}
    assert await post(port, {**headers, "Content-Length": str(LIMIT + 1)}, None) == 413
    # a streamed body without a length is cut off at the limit
    status = await post(port, {**headers, "Transfer-Encoding": "chunked"}, b"x" * (LIMIT * 4), chunked=True)
    assert status in (0, 400, 413)


async def test_malformed_json_with_the_secret_is_400_and_a_real_update_is_queued(
    webhook: tuple[Application, int],
) -> None:
    app, port = webhook
    headers = {**JSON, "X-Telegram-Bot-Api-Secret-Token": SECRET}
    for body in (b"{not json", b"[1, 2]", "\ufffe".encode("utf-16"), b"{}"):
        assert await post(port, {**headers, "Content-Length": str(len(body))}, body) == 400
    assert app.update_queue.empty()
    body = json.dumps(UPDATE).encode()
    assert await post(port, {**headers, "Content-Length": str(len(body))}, body) == 200
    update = app.update_queue.get_nowait()
    assert update.update_id == 7 and update.message.text == "/tasks"


@pytest.mark.parametrize("secret", ["abc", "a1", "s3cret-webhook-value"])
def test_secrets_of_any_length_are_masked_in_the_logs(secret: str) -> None:
    formatter = RedactingFormatter(logging.Formatter("%(message)s"), [secret])
    record = logging.LogRecord(
        "telegram.Bot", logging.DEBUG, __file__, 1, "setWebhook with %s", ({"secret_token": secret},), None
    )
    assert secret not in formatter.format(record)
