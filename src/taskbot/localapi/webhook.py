"""Pushes pending updates to the bot's webhook, as Telegram does once setWebhook names a URL."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import httpx

from taskbot.localapi.methods import WebhookSettings
from taskbot.localapi.state import World

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BACKOFF = 5.0


class WebhookPusher:
    """Delivers updates one at a time, in order; an update leaves the queue once the bot answered 2xx."""

    def __init__(self, world: World, settings: WebhookSettings, on_change: Callable[[], None]) -> None:
        self.world = world
        self.settings = settings
        self.on_change = on_change
        self.delivered = 0
        self._closed = False
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="fake-bot-api-webhook")

    async def stop(self) -> None:
        self._closed = True
        self.world.updates_changed.notify()
        if self._task is not None:
            await self._task

    def _has_work(self) -> bool:
        return self._closed or bool(self.settings.url and self.world.updates)

    async def _run(self) -> None:
        backoff = 0.05
        async with httpx.AsyncClient(timeout=10.0) as client:
            while True:
                await self.world.updates_changed.wait_for(self._has_work, timeout=3600)
                if self._closed:
                    return
                if not self._has_work():
                    continue
                update = self.world.updates[0]
                if await self._post(client, update):
                    if self.world.updates and self.world.updates[0] is update:
                        self.world.updates.pop(0)
                    self.delivered += 1
                    self.on_change()
                    backoff = 0.05
                    continue
                # The bot's endpoint failed: retry later, like Telegram, without spinning.
                await self.world.updates_changed.wait_for(lambda: self._closed, timeout=backoff)
                backoff = min(MAX_BACKOFF, backoff * 2)

    async def _post(self, client: httpx.AsyncClient, update: dict[str, object]) -> bool:
        headers = {SECRET_HEADER: self.settings.secret_token} if self.settings.secret_token else {}
        try:
            response = await client.post(self.settings.url, json=update, headers=headers)
        except httpx.HTTPError as exc:
            self._failed(f"Connection failed: {exc.__class__.__name__}")
            return False
        if 200 <= response.status_code < 300:
            return True
        self._failed(f"Wrong response from the webhook: {response.status_code} {response.reason_phrase}")
        return False

    def _failed(self, message: str) -> None:
        log.info("webhook delivery failed: %s", message)
        self.settings.last_error_date = self.world.now()
        self.settings.last_error_message = message
        self.on_change()
