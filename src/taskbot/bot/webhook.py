"""The webhook endpoint: the secret first, the body size next, the body last.

python-telegram-bot's own endpoint lets tornado read a whole body (up to 100 MB) before it looks at
the secret, and answers malformed JSON with 500. This one streams the body: once the headers are in,
it refuses a request without the right ``X-Telegram-Bot-Api-Secret-Token`` (403) or announcing more
than ``telegram.webhook.max_body_bytes`` (413) before reading a byte of the body, stops reading a
streamed body at the limit, and answers a body that is not an update with 400.

``use_bounded_webhook(max_body_bytes)`` makes PTB's ``run_webhook`` serve this endpoint; everything
else of PTB's webhook (setWebhook, start-up, shutdown, signals) stays as it is.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from functools import partial
from http import HTTPStatus
from typing import Any

import tornado.web
from telegram import Bot, Update
from telegram.ext import ExtBot

log = logging.getLogger(__name__)

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class BoundedWebhookApp(tornado.web.Application):
    """The tornado application of the webhook: one path, one bounded handler."""

    def __init__(
        self,
        webhook_path: str,
        bot: Bot,
        update_queue: asyncio.Queue[Any],
        secret_token: str | None = None,
        *,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        shared = {
            "bot": bot,
            "update_queue": update_queue,
            "secret_token": secret_token,
            "max_body_bytes": max_body_bytes,
        }
        super().__init__([(rf"{webhook_path}/?", BoundedUpdateHandler, shared)])

    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """Log nothing per request (a request line may be anyone's)."""


@tornado.web.stream_request_body
class BoundedUpdateHandler(tornado.web.RequestHandler):
    """Receives one update per POST, checking the secret and the size before reading the body."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(
        self, bot: Bot, update_queue: asyncio.Queue[Any], secret_token: str | None, max_body_bytes: int
    ) -> None:
        self.bot = bot
        self.update_queue = update_queue
        self.secret_token = secret_token
        self.max_body_bytes = max_body_bytes
        self.chunks: list[bytes] = []
        self.received = 0

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", 'application/json; charset="utf-8"')

    def prepare(self) -> None:
        """Refuse before the body: no or a wrong secret (403), a body announced too large (413)."""
        if self.secret_token is not None:
            given = self.request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), self.secret_token.encode()):
                log.debug("webhook request without the right secret token refused")
                raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        # A body streamed without a length (chunked) is cut off by tornado at the same limit.
        self.request.connection.set_max_body_size(self.max_body_bytes)  # type: ignore[union-attr]

    def data_received(self, chunk: bytes) -> None:
        self.received += len(chunk)
        if self.received > self.max_body_bytes:
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        self.chunks.append(chunk)

    async def post(self) -> None:
        """Queue the update in the body; 400 when the body is not one."""
        if self.request.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            raise tornado.web.HTTPError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
        try:
            data = json.loads(b"".join(self.chunks))
            update = Update.de_json(data, self.bot) if isinstance(data, dict) else None
        except Exception:  # malformed JSON or not an update: the sender's fault, not ours
            update = None
        if update is None:
            log.debug("webhook request whose body is not an update refused")
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST)
        if isinstance(self.bot, ExtBot):
            self.bot.insert_callback_data(update)
        await self.update_queue.put(update)
        self.set_status(HTTPStatus.OK)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish(json.dumps({"ok": False, "error_code": status_code}))

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        """Log refusals at DEBUG only, without the request (it may hold anything)."""
        log.debug("webhook request refused: %s", getattr(value, "status_code", typ))


def use_bounded_webhook(max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
    """Make python-telegram-bot's ``run_webhook`` / ``start_webhook`` serve the bounded endpoint."""
    from telegram.ext import _updater

    _updater.WebhookAppClass = partial(BoundedWebhookApp, max_body_bytes=max_body_bytes)  # type: ignore[misc,assignment]
