"""The sender: drains the ledger through the rate limiter, handling what Telegram answers.

- ``RetryAfter``: every send pauses for the time Telegram asks, then the same part is tried again.
- network errors and 5xx (``TimedOut``, ``NetworkError``) are delays, never losses: a part is
  retried in place ``rate_limit.max_retries`` times (1, 2 … s), then the row goes back to the
  ledger with its next attempt time (exponential backoff with jitter, up to ``delivery.retry_cap``)
  and sending pauses (probing again after 1, 2, 4 … s, at most 30 s apart); the first answer
  from Telegram (a sent message, or an error such as 400 or 403 for that row) makes every
  waiting row due again. Only a row that has kept failing for
  ``delivery.give_up_after`` is failed, and the admins get one notice with the count.
- ``Forbidden`` (bot removed or blocked): the chat is marked inactive, its pending rows fail, and
  every admin gets a private notice (itself a ledger row).
- ``ChatMigrated``: the chat id is rewritten everywhere and the part is sent to the new id.
- any other ``BadRequest``: the row fails at once (sending it again would fail again).

Each row's send-and-record is one unit: a store error while recording a message id is retried
(the id kept in memory) before the chat's next send; a store error anywhere else skips the row
and leaves it pending. Claims are short leases renewed while the batch is sent; whatever was not
sent is released when the batch ends, for any reason. ``stop()`` is checked between sends.

Parts of one chat go out in order, one send in flight per chat; ``concurrency`` chats at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import inspect
import logging
import os
import random as _random
import socket
import uuid
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

from taskbot.clock import Clock
from taskbot.i18n import t
from taskbot.schedule import ledger
from taskbot.schedule.ledger import ClaimedDelivery, Owner, PlannedDelivery
from taskbot.schedule.limiter import RateLimiter, Sleep
from taskbot.schedule.render import Part
from taskbot.store.db import transaction

log = logging.getLogger(__name__)

NOTICE = "notice"
MAX_FLOOD_WAITS = 20
MAX_MIGRATIONS = 3
QUICK_RETRY_CAP = 8.0  # seconds: the in-place retries of one part
PROBE_CAP = 30.0  # seconds: during an outage, Telegram is probed at least every 30 s
RECORD_RETRY_FIRST, RECORD_RETRY_CAP = 0.5, 5.0  # seconds between tries to record a message id
GIVE_UP_CHECK = dt.timedelta(hours=1)  # rows failing too long are given up together, hourly
T = TypeVar("T")


@dataclass
class SendStats:
    messages: int = 0
    delivered: int = 0
    failed: int = 0
    retry_after: int = 0
    network_retries: int = 0
    deferred: int = 0
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


class Outcome(enum.Enum):
    SENT = "sent"
    FAILED = "failed"  # given up (bad request …): the chat's next rows are tried
    DEFERRED = "deferred"  # a passing failure: the chat's next rows wait too
    SKIPPED = "skipped"  # not sent now (stopping, paused, another holder, a store error)
    GONE = "gone"  # the chat refused the bot; its rows were all given up


def backoff_delay(attempt: int, base: float, cap: float, jitter: float) -> float:
    """The wait before try ATTEMPT+1: BASE·2^(ATTEMPT-1) up to CAP, scaled by JITTER in [0.5, 1]."""
    return min(cap, base * 2 ** max(0, attempt - 1)) * (0.5 + jitter / 2)


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
        max_retries: int = 2,
        admins: Sequence[int] = (),
        language: str = "zh",
        concurrency: int = 8,
        claim_batch: int = 900,
        lease: dt.timedelta = dt.timedelta(seconds=60),
        backoff: float = 1.0,
        retry_cap: dt.timedelta = dt.timedelta(minutes=10),
        give_up_after: dt.timedelta = dt.timedelta(hours=48),
        worker: str | None = None,
        owner: Callable[[], Owner] = lambda: None,
        random: Callable[[], float] = _random.random,
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
        self.retry_cap = retry_cap
        self.give_up_after = give_up_after
        self.worker = worker or f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.owner = owner
        self.random = random
        self.stats = SendStats()
        self._lock = asyncio.Lock()
        self._again = False
        self._stopping = False
        self._stop_event: asyncio.Event | None = None
        # Sending pauses after a network error until then (a probe); the failures in a row so far.
        self.paused_until: dt.datetime | None = None
        self._outage_failures = 0
        self._limits_loaded = False
        self._last_give_up: dt.datetime | None = None

    # --- stopping ---

    @property
    def stopping(self) -> bool:
        return self._stopping

    def stop(self) -> None:
        """Send nothing more: the sends in flight finish and are recorded, the rest stays pending."""
        self._stopping = True
        if self._stop_event is not None:
            self._stop_event.set()

    def _event(self) -> asyncio.Event:
        if self._stop_event is None:
            self._stop_event = asyncio.Event()
            if self._stopping:
                self._stop_event.set()
        return self._stop_event

    async def _unless_stopped(self, awaitable: Awaitable[T]) -> tuple[bool, T | None]:
        """Await AWAITABLE unless a stop comes first: (True, result) or (False, None)."""
        if self._stopping:
            if inspect.iscoroutine(awaitable):
                awaitable.close()
            return False, None
        work = asyncio.ensure_future(awaitable)
        stop = asyncio.ensure_future(self._event().wait())
        await asyncio.wait({work, stop}, return_when=asyncio.FIRST_COMPLETED)
        stop.cancel()
        if work.done():
            return True, work.result()
        work.cancel()
        await asyncio.gather(work, return_exceptions=True)
        return False, None

    async def _pause(self, seconds: float) -> bool:
        """Wait SECONDS unless stopped first; whether the whole wait passed."""
        done, _ = await self._unless_stopped(self.sleep(seconds))
        return done

    def _halted(self) -> bool:
        """Whether no send should start now: stopping, or paused after a network error."""
        return self._stopping or (self.paused_until is not None and self.clock() < self.paused_until)

    # --- draining ---

    async def drain(self) -> SendStats:
        """Send every due pending row; a call while a drain runs makes that drain look again."""
        self._again = True
        if self._lock.locked():
            return SendStats()
        stats = SendStats()
        async with self._lock:
            self._prepare()
            while self._again and not self._halted():
                self._again = False
                while not self._halted():
                    batch = self._claim()
                    if not batch and self._outage_failures:
                        # During an outage the pause decides when to try again, not the rows'
                        # own (longer) backoff: probe with the waiting row due soonest.
                        probe = self._claim(probe=True)
                        if probe:
                            stats.add(await self._send_batch(probe))
                        if not probe or self._outage_failures:
                            break
                        continue
                    if not batch:
                        break
                    stats.add(await self._send_batch(batch))
        self.stats.add(stats)
        return stats

    def _claim(self, *, probe: bool = False) -> list[ClaimedDelivery]:
        try:
            owner = self.owner()
            with transaction(self.sessions) as session:
                return ledger.claim(
                    session,
                    self.worker,
                    self.clock(),
                    limit=1 if probe else self.claim_batch,
                    lease=self.lease,
                    owner=owner,
                    due_only=not probe,
                )
        except SQLAlchemyError as exc:
            log.error("cannot claim deliveries (the store failed: %s); the sweep tries again", _short(exc))
            return []

    def _prepare(self) -> None:
        """Before a drain: remember recent sends (once), give up rows failing for too long (hourly)."""
        now = self.clock()
        try:
            if not self._limits_loaded:
                self._load_recent_sends(now)
                self._limits_loaded = True
            if self._last_give_up is None or now - self._last_give_up >= GIVE_UP_CHECK:
                self._give_up_stale(now)
                self._last_give_up = now
        except SQLAlchemyError as exc:
            log.error("cannot read the ledger before sending (%s)", _short(exc))

    def _load_recent_sends(self, now: dt.datetime) -> None:
        """Count, per chat, what was sent in the last minute (by this process before a restart too)."""
        with self.sessions() as session:
            recent = ledger.recent_sends(session, now - dt.timedelta(minutes=1))
        for chat_id, at, count in recent:
            if chat_id < 0:
                self.limiter.remember(chat_id, max(0.0, (now - at).total_seconds()), count)
        if recent:
            log.info("the per-chat limit remembers %d deliveries of the last minute", len(recent))

    def _give_up_stale(self, now: dt.datetime) -> None:
        hours = round(self.give_up_after.total_seconds() / 3600, 1)
        with transaction(self.sessions) as session:
            given_up = ledger.give_up_stale(session, now, self.give_up_after)
            if not given_up:
                return
            log.warning("gave up %d deliveries that kept failing for %s h", given_up, hours)
            text = t("reminder.notice.gave_up", self.language, count=given_up, hours=f"{hours:g}")
            ledger.record(session, self._notices(f"gave_up:{given_up}", text, now), now)

    def _notices(self, what: str, text: str, now: dt.datetime) -> list[PlannedDelivery]:
        return [
            PlannedDelivery(
                key=f"{NOTICE}|{ledger.utc_stamp(now)}|{what}|{admin}",
                beat=NOTICE,
                fire_at=now,
                chat_id=admin,
                task_ids=(),
                parts=(Part(text),),
            )
            for admin in self.admins
        ]

    async def _send_batch(self, batch: list[ClaimedDelivery]) -> SendStats:
        by_chat: dict[int, list[ClaimedDelivery]] = {}
        for row in batch:
            by_chat.setdefault(row.chat_id, []).append(row)
        gate = asyncio.Semaphore(self.concurrency)
        stats = SendStats()

        async def serve(rows: list[ClaimedDelivery]) -> None:
            async with gate:
                # What one row learns about the chat (a new id, a kick) holds for the rows after it.
                chat_id = rows[0].chat_id
                for row in rows:
                    if self._halted():
                        return
                    try:
                        chat_id, outcome = await self._deliver(row, chat_id, stats)
                    except SQLAlchemyError as exc:
                        log.error(
                            "delivery %s to %s: the store failed (%s); left pending",
                            row.key,
                            chat_id,
                            _short(exc),
                        )
                        return
                    except Exception:
                        log.exception("delivery %s to %s failed unexpectedly; left pending", row.key, chat_id)
                        return
                    if outcome is Outcome.GONE:
                        # The chat refused the bot and its pending rows, these too, were failed.
                        stats.failed += len(rows) - rows.index(row) - 1
                        return
                    if outcome in (Outcome.DEFERRED, Outcome.SKIPPED):
                        return  # keep the chat's order: its later rows wait as well

        renewing = asyncio.ensure_future(self._renew_while_sending())
        try:
            await asyncio.gather(*(serve(rows) for rows in by_chat.values()))
        finally:
            renewing.cancel()
            await asyncio.gather(renewing, return_exceptions=True)
            self._release_unsent()
        return stats

    async def _renew_while_sending(self) -> None:
        """Renew this worker's leases a few times per lease while the batch is sent."""
        every = max(1.0, self.lease.total_seconds() / 3)
        while True:
            await asyncio.sleep(every)  # wall time: leases are about real time
            try:
                owner = self.owner()
                with transaction(self.sessions) as session:
                    ledger.renew_claims(session, self.worker, self.clock() + self.lease, owner)
            except SQLAlchemyError as exc:
                log.warning("cannot renew the claims (%s)", _short(exc))

    def _release_unsent(self) -> None:
        """Hand back whatever this worker still holds: the batch is over, however it ended."""
        try:
            with transaction(self.sessions) as session:
                released = ledger.release_claims(session, self.worker)
            if released and self._stopping:
                log.info("stopping: %d deliveries not sent yet stay pending", released)
        except SQLAlchemyError as exc:
            log.error("cannot release the claims (%s); this worker takes them back next time", _short(exc))

    def _extend(self, row: ClaimedDelivery, extra: float = 0.0) -> bool:
        """Renew the lease on ROW; False when another worker holds it now."""
        until = self.clock() + self.lease + dt.timedelta(seconds=extra)
        owner = self.owner()
        with transaction(self.sessions) as session:
            return ledger.extend_claim(session, row.id, self.worker, until, owner)

    def _fail(self, row: ClaimedDelivery, error: str, stats: SendStats) -> tuple[int, Outcome]:
        log.warning("delivery %s to %s failed: %s", row.key, row.chat_id, error)
        with transaction(self.sessions) as session:
            ledger.note_error(session, row.id, error, failed=True)
        stats.failed += 1
        return row.chat_id, Outcome.FAILED

    def _defer(self, row: ClaimedDelivery, error: str, tries: int) -> None:
        """Put ROW back until its next attempt; pause sending until the next probe."""
        now = self.clock()
        attempts = row.attempts + tries
        wait = backoff_delay(attempts, self.backoff, self.retry_cap.total_seconds(), self.random())
        with transaction(self.sessions) as session:
            ledger.defer(session, row.id, error, now, now + dt.timedelta(seconds=wait), attempts=tries)
        self._outage_failures += 1
        probe = backoff_delay(self._outage_failures, self.backoff, PROBE_CAP, self.random())
        self.paused_until = max(self.paused_until or now, now + dt.timedelta(seconds=probe))
        log.warning(
            "delivery %s to %s: %s; next attempt in %.0f s, sending paused %.0f s",
            row.key,
            row.chat_id,
            error,
            wait,
            probe,
        )

    def _recovered(self) -> None:
        """Telegram answered after network errors (a sent message, or an error of its own such as
        400 or 403: it is reachable again): every row waiting on them is due now."""
        if not self._outage_failures:
            return
        self._outage_failures = 0
        self.paused_until = None
        with transaction(self.sessions) as session:
            woken = ledger.wake_deferred(session, self.clock())
        log.info("Telegram answers again; %d waiting deliveries are due now", woken)
        self._again = True

    async def _record(self, row: ClaimedDelivery, message_id: int, last: bool) -> bool:
        """Store MESSAGE_ID for ROW, retrying while the store fails; False if stopped before it worked."""
        wait = RECORD_RETRY_FIRST
        while True:
            try:
                with transaction(self.sessions) as session:
                    ledger.record_part(session, row.id, message_id, self.clock(), last=last)
                return True
            except SQLAlchemyError as exc:
                log.error(
                    "delivery %s to %s: message %s went out but cannot be recorded (%s); retrying",
                    row.key,
                    row.chat_id,
                    message_id,
                    _short(exc),
                )
            if not await self._pause(wait):
                log.error(
                    "stopping before message %s of %s was recorded: it will be sent again",
                    message_id,
                    row.key,
                )
                return False
            wait = min(RECORD_RETRY_CAP, wait * 2)

    async def _deliver(self, row: ClaimedDelivery, chat_id: int, stats: SendStats) -> tuple[int, Outcome]:
        """Send the parts of ROW not sent yet, in order, to CHAT_ID.

        Return the chat's id afterwards (a new one after a migration) and what became of the row.
        """
        if not self._extend(row):
            log.info("delivery %s was taken over by another worker; leaving it to them", row.key)
            stats.taken_over += 1
            return chat_id, Outcome.SKIPPED
        index = row.sent_parts
        network_failures = flood_waits = migrations = 0
        while index < len(row.parts):
            if self._halted():
                return chat_id, Outcome.SKIPPED
            part = row.parts[index]
            got, permit = await self._unless_stopped(self.limiter.acquire(chat_id, group=chat_id < 0))
            if not got or permit is None:
                return chat_id, Outcome.SKIPPED
            try:
                message = await self.bot.send_message(
                    chat_id=chat_id, text=part.text, reply_markup=_markup(part)
                )
            except RetryAfter as exc:
                self._recovered()
                seconds = retry_after_seconds(exc)
                stats.retry_after += 1
                flood_waits += 1
                if flood_waits > MAX_FLOOD_WAITS:
                    return self._fail(
                        row, f"flood control: still limited after {MAX_FLOOD_WAITS} waits", stats
                    )
                log.info("Telegram asks to wait %.0f s (sending to %s)", seconds, chat_id)
                self.limiter.pause(seconds)
                self._extend(row, seconds)
                continue
            except ChatMigrated as exc:
                self._recovered()
                migrations += 1
                if migrations > MAX_MIGRATIONS:
                    return self._fail(row, "chat keeps migrating", stats)
                log.info("chat %s migrated to %s; following it", chat_id, exc.new_chat_id)
                with transaction(self.sessions) as session:
                    ledger.migrate_chat(session, chat_id, exc.new_chat_id, self.clock())
                chat_id = exc.new_chat_id
                stats.migrated += 1
                continue
            except Forbidden as exc:
                self._recovered()
                return self._forbidden(row, chat_id, str(exc), stats)
            except BadRequest as exc:
                self._recovered()
                return self._fail(row, f"bad request: {exc}", stats)
            except NetworkError as exc:  # TimedOut and 5xx included
                network_failures += 1
                stats.network_retries += 1
                wait = backoff_delay(network_failures, self.backoff, QUICK_RETRY_CAP, 1.0)
                if network_failures <= self.max_retries and await self._pause(wait):
                    continue
                self._defer(row, f"network: {exc}", network_failures)
                stats.deferred += 1
                return chat_id, Outcome.DEFERRED
            except TelegramError as exc:
                self._recovered()
                return self._fail(row, f"{type(exc).__name__}: {exc}", stats)
            finally:
                permit.release()
            index += 1
            stats.messages += 1
            if not await self._record(row, message.message_id, last=index == len(row.parts)):
                return chat_id, Outcome.SKIPPED
            self._recovered()
        stats.delivered += 1
        return chat_id, Outcome.SENT

    def _forbidden(
        self, row: ClaimedDelivery, chat_id: int, error: str, stats: SendStats
    ) -> tuple[int, Outcome]:
        """Give up ROW; unless it was an admin notice, give up the chat too and tell the admins.

        FAILED when only this row was given up (a notice to an admin who blocked the bot: the
        admin's other rows are tried), GONE when the chat and all its pending rows were.
        """
        stats.forbidden += 1
        stats.failed += 1
        now = self.clock()
        with transaction(self.sessions) as session:
            ledger.note_error(session, row.id, f"forbidden: {error}", failed=True)
            if row.beat == NOTICE:
                log.warning("cannot tell admin %s (%s): they must /start the bot privately", chat_id, error)
                return chat_id, Outcome.FAILED
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
            notices = self._notices(f"forbidden:{chat_id}", text, now)
            ledger.record(session, notices, now)
        # The notices are new pending rows: make the running drain pick them up.
        self._again = True
        return chat_id, Outcome.GONE


def _short(exc: BaseException) -> str:
    """The first line of a store error, without the SQL."""
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0][:200]
