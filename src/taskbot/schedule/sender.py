"""The sender: drains the ledger through the rate limiter, handling what Telegram answers.

- ``RetryAfter``: every send pauses for the time Telegram asks, then the same part is tried again.
- network errors (``TimedOut``, ``NetworkError``): retried with exponential backoff, up to
  ``rate_limit.max_retries`` times, then the row is marked failed.
- ``Forbidden`` (bot removed or blocked): the chat is marked inactive, its pending rows fail, and
  every admin gets a private notice (itself a ledger row).
- ``ChatMigrated``: the chat id is rewritten everywhere and the part is sent to the new id.
- any other ``BadRequest``: the row fails at once (sending it again would fail again).

Parts of one chat go out in order; different chats are served concurrently.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

from taskbot.clock import Clock
from taskbot.i18n import t
from taskbot.schedule import ledger
from taskbot.schedule.ledger import ClaimedDelivery, PlannedDelivery
from taskbot.schedule.limiter import RateLimiter, Sleep
from taskbot.schedule.render import Part
from taskbot.store.db import transaction

log = logging.getLogger(__name__)

NOTICE = "notice"
MAX_FLOOD_WAITS = 20
MAX_MIGRATIONS = 3


@dataclass
class SendStats:
    messages: int = 0
    delivered: int = 0
    failed: int = 0
    retry_after: int = 0
    network_retries: int = 0
    migrated: int = 0
    forbidden: int = 0
    taken_over: int = 0

    def add(self, other: SendStats) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def retry_after_seconds(exc: RetryAfter) -> float:
    """The wait RetryAfter asks for, whether PTB gives it as int or timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value: Any = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def _markup(part: Part) -> InlineKeyboardMarkup | None:
    if not part.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in part.buttons]
    )


class Sender:
    """Sends what the ledger holds, once, within Telegram's limits."""

    def __init__(
        self,
        bot: Any,
        sessions: sessionmaker[Session],
        limiter: RateLimiter,
        *,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        max_retries: int = 5,
        admins: Sequence[int] = (),
        language: str = "zh",
        concurrency: int = 8,
        claim_batch: int = 1000,
        lease: dt.timedelta = dt.timedelta(minutes=10),
        backoff: float = 1.0,
        backoff_cap: float = 60.0,
        worker: str | None = None,
    ) -> None:
        self.bot = bot
        self.sessions = sessions
        self.limiter = limiter
        self.clock = clock
        self.sleep = sleep
        self.max_retries = max_retries
        self.admins = tuple(admins)
        self.language = language
        self.concurrency = concurrency
        self.claim_batch = claim_batch
        self.lease = lease
        self.backoff = backoff
        self.backoff_cap = backoff_cap
        self.worker = worker or f"sender-{uuid.uuid4().hex[:12]}"
        self.stats = SendStats()
        self._lock = asyncio.Lock()
        self._again = False

    async def drain(self) -> SendStats:
        """Send every pending row; a call while a drain runs makes that drain look again."""
        self._again = True
        if self._lock.locked():
            return SendStats()
        stats = SendStats()
        async with self._lock:
            while self._again:
                self._again = False
                while True:
                    with transaction(self.sessions) as session:
                        batch = ledger.claim(
                            session, self.worker, self.clock(), limit=self.claim_batch, lease=self.lease
                        )
                    if not batch:
                        break
                    stats.add(await self._send_batch(batch))
        self.stats.add(stats)
        return stats

    async def _send_batch(self, batch: list[ClaimedDelivery]) -> SendStats:
        by_chat: dict[int, list[ClaimedDelivery]] = {}
        for row in batch:
            by_chat.setdefault(row.chat_id, []).append(row)
        gate = asyncio.Semaphore(self.concurrency)
        stats = SendStats()

        async def serve(rows: list[ClaimedDelivery]) -> None:
            async with gate:
                # What one row learns about the chat (a new id, a kick) holds for the rows after it.
                chat_id: int | None = rows[0].chat_id
                for row in rows:
                    if chat_id is None:
                        # The chat refused the bot and its pending rows, this one too, were failed.
                        stats.failed += 1
                        continue
                    chat_id = await self._deliver(row, chat_id, stats)

        await asyncio.gather(*(serve(rows) for rows in by_chat.values()))
        return stats

    def _extend(self, row: ClaimedDelivery, extra: float = 0.0) -> bool:
        """Renew the lease on ROW; False when another worker holds it now."""
        until = self.clock() + self.lease + dt.timedelta(seconds=extra)
        with transaction(self.sessions) as session:
            return ledger.extend_claim(session, row.id, self.worker, until)

    def _fail(self, row: ClaimedDelivery, error: str, stats: SendStats) -> None:
        log.warning("delivery %s to %s failed: %s", row.key, row.chat_id, error)
        with transaction(self.sessions) as session:
            ledger.note_error(session, row.id, error, failed=True)
        stats.failed += 1

    async def _deliver(self, row: ClaimedDelivery, chat_id: int, stats: SendStats) -> int | None:
        """Send the parts of ROW not sent yet, in order, to CHAT_ID.

        Return the chat's id afterwards (a new one after a migration), or None when the chat
        refused the bot and every row pending for it was given up.
        """
        if not self._extend(row):
            log.info("delivery %s was taken over by another worker; leaving it to them", row.key)
            stats.taken_over += 1
            return chat_id
        index = row.sent_parts
        network_failures = flood_waits = migrations = 0
        while index < len(row.parts):
            part = row.parts[index]
            try:
                async with self.limiter.slot(chat_id, group=chat_id < 0):
                    message = await self.bot.send_message(
                        chat_id=chat_id, text=part.text, reply_markup=_markup(part)
                    )
            except RetryAfter as exc:
                seconds = retry_after_seconds(exc)
                stats.retry_after += 1
                flood_waits += 1
                if flood_waits > MAX_FLOOD_WAITS:
                    self._fail(row, f"flood control: still limited after {MAX_FLOOD_WAITS} waits", stats)
                    return chat_id
                log.info("Telegram asks to wait %.0f s (sending to %s)", seconds, chat_id)
                self.limiter.pause(seconds)
                self._extend(row, seconds)
                continue
            except ChatMigrated as exc:
                migrations += 1
                if migrations > MAX_MIGRATIONS:
                    self._fail(row, "chat keeps migrating", stats)
                    return chat_id
                log.info("chat %s migrated to %s; following it", chat_id, exc.new_chat_id)
                with transaction(self.sessions) as session:
                    ledger.migrate_chat(session, chat_id, exc.new_chat_id, self.clock())
                chat_id = exc.new_chat_id
                stats.migrated += 1
                continue
            except Forbidden as exc:
                return self._forbidden(row, chat_id, str(exc), stats)
            except BadRequest as exc:
                self._fail(row, f"bad request: {exc}", stats)
                return chat_id
            except NetworkError as exc:  # TimedOut included
                network_failures += 1
                if network_failures > self.max_retries:
                    self._fail(row, f"network: {exc} (gave up after {self.max_retries} retries)", stats)
                    return chat_id
                with transaction(self.sessions) as session:
                    ledger.note_error(session, row.id, f"network: {exc}", failed=False)
                stats.network_retries += 1
                delay = min(self.backoff_cap, self.backoff * 2 ** (network_failures - 1))
                await self.sleep(delay)
                continue
            except TelegramError as exc:
                self._fail(row, f"{type(exc).__name__}: {exc}", stats)
                return chat_id
            except Exception as exc:
                log.exception("unexpected error sending %s", row.key)
                self._fail(row, f"{type(exc).__name__}: {exc}", stats)
                return chat_id
            index += 1
            stats.messages += 1
            with transaction(self.sessions) as session:
                ledger.record_part(
                    session, row.id, message.message_id, self.clock(), last=index == len(row.parts)
                )
        stats.delivered += 1
        return chat_id

    def _forbidden(self, row: ClaimedDelivery, chat_id: int, error: str, stats: SendStats) -> int | None:
        """Give up ROW; unless it was an admin notice, give up the chat too and tell the admins.

        Return CHAT_ID when only this row was given up (a notice to an admin who blocked the bot:
        the admin's other rows are tried), None when the chat and all its pending rows were.
        """
        stats.forbidden += 1
        stats.failed += 1
        now = self.clock()
        with transaction(self.sessions) as session:
            ledger.note_error(session, row.id, f"forbidden: {error}", failed=True)
            if row.beat == NOTICE:
                log.warning("cannot tell admin %s (%s): they must /start the bot privately", chat_id, error)
                return chat_id
            chat = ledger.deactivate_chat(session, chat_id)
            dropped = ledger.fail_pending_for_chat(session, chat_id, f"forbidden: {error}")
            log.warning(
                "bot may not write to chat %s any more (%s); %d more pending rows dropped",
                chat_id,
                error,
                dropped,
            )
            title = chat.title if chat is not None else ""
            text = t("reminder.notice.forbidden", self.language, title=title, chat_id=chat_id)
            notices = [
                PlannedDelivery(
                    key=f"{NOTICE}|{ledger.utc_stamp(now)}|forbidden:{chat_id}|{admin}",
                    beat=NOTICE,
                    fire_at=now,
                    chat_id=admin,
                    task_ids=(),
                    parts=(Part(text),),
                )
                for admin in self.admins
            ]
            ledger.record(session, notices, now)
        # The notices are new pending rows: make the running drain pick them up.
        self._again = True
        return None
