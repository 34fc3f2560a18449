"""Prometheus metrics of one bot process (``taskbot_*``), exported at /metrics.

Counters and histograms move as things happen: updates by command and outcome with the handlers'
latency (``instrument``), Bot API requests with their latency and 429 answers (``MeteredRequest``).
Gauges about the store — deliveries by beat and status, the ledger backlog, the last fire of each beat,
the scheduler flag, tasks by standing — are read from the store when scraped (``StoreCollector``).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from telegram import Update
    from telegram.ext import Application

    from taskbot.ops.health import Probe

log = logging.getLogger(__name__)

HANDLER_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
OK, ERROR = "ok", "error"
STANDING_REFRESH = dt.timedelta(minutes=5)


class Metrics:
    """The registry of one process and the metrics that move as it works."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._store: StoreCollector | None = None
        self.updates = Counter(
            "taskbot_updates",
            "Telegram updates handled, by command (message, callback, other) and outcome (ok, error).",
            ["command", "outcome"],
            registry=self.registry,
        )
        self.handler_seconds = Histogram(
            "taskbot_handler_seconds",
            "Time to handle one update, by command.",
            ["command"],
            buckets=HANDLER_BUCKETS,
            registry=self.registry,
        )
        self.api_requests = Counter(
            "taskbot_bot_api_requests",
            "Bot API requests by method and HTTP status (0: no answer).",
            ["method", "code"],
            registry=self.registry,
        )
        self.api_throttled = Counter(
            "taskbot_bot_api_throttled",
            "Bot API answers 429 Too Many Requests, by method.",
            ["method"],
            registry=self.registry,
        )
        self.api_seconds = Histogram(
            "taskbot_bot_api_seconds",
            "Bot API request latency by method (getUpdates, a long poll, is left out).",
            ["method"],
            buckets=HANDLER_BUCKETS,
            registry=self.registry,
        )

    def observe_update(self, command: str, outcome: str, seconds: float) -> None:
        self.updates.labels(command, outcome).inc()
        self.handler_seconds.labels(command).observe(seconds)

    def observe_api(self, method: str, code: int, seconds: float) -> None:
        self.api_requests.labels(method, str(code)).inc()
        if code == 429:
            self.api_throttled.labels(method).inc()
        if method != "getUpdates":
            self.api_seconds.labels(method).observe(seconds)

    def watch_store(self, probe: Probe) -> StoreCollector:
        """Export the store's gauges, read through PROBE at every scrape."""
        if self._store is not None:  # a restarted Application in the same process
            self.registry.unregister(self._store)
        self._store = StoreCollector(probe)
        self.registry.register(self._store)
        return self._store

    def render(self) -> bytes:
        """The exposition text (reads the store: call it in a worker thread)."""
        return generate_latest(self.registry)


class StoreCollector(Collector):
    """Gauges read from the store at each scrape."""

    def __init__(self, probe: Probe) -> None:
        self.probe = probe
        self._standings: tuple[Any, dict[str, int]] | None = None

    def collect(self) -> Iterator[Metric]:
        state = self.probe.readiness()
        up = GaugeMetricFamily("taskbot_ready", "1 when /readyz answers 200.")
        up.add_metric([], 1 if state.ready else 0)
        yield up
        leader = GaugeMetricFamily("taskbot_scheduler_leader", "1 when this process runs the scheduler.")
        leader.add_metric([], 1 if state.leader_here else 0)
        yield leader
        if not state.database or not state.schema_current:
            return
        backlog = GaugeMetricFamily("taskbot_ledger_backlog", "Deliveries planned and not sent yet.")
        backlog.add_metric([], state.deliveries.get("pending", 0))
        yield backlog
        oldest = GaugeMetricFamily(
            "taskbot_ledger_oldest_pending_timestamp_seconds",
            "Fire time of the oldest pending delivery (absent when none is pending).",
        )
        if state.oldest_pending is not None:
            oldest.add_metric([], state.oldest_pending.timestamp())
        yield oldest
        yield from self._store_gauges(state)

    def _store_gauges(self, state: Any) -> Iterator[Metric]:
        from sqlalchemy import func, select

        from taskbot.services.digest import current_digest, red_black_rules
        from taskbot.store.models import Delivery, Report, Task

        runtime = self.probe.runtime
        deliveries = GaugeMetricFamily(
            "taskbot_deliveries", "Rows of the delivery ledger by beat and status.", labels=["beat", "status"]
        )
        standing = GaugeMetricFamily(
            "taskbot_tasks", "Tasks by standing (open ones and those done lately).", labels=["standing"]
        )
        now = runtime.clock()
        with runtime.sessions() as session:
            rows = session.execute(
                select(Delivery.beat, Delivery.status, func.count()).group_by(Delivery.beat, Delivery.status)
            )
            for beat, status, n in rows:
                deliveries.add_metric([beat, status], int(n))
            # Judging every task is the costly part of a scrape: it is redone only when a task or a
            # report changed, or STANDING_REFRESH passed (standings also move with time alone).
            key = (
                tuple(session.execute(select(func.count(Task.id), func.max(Task.updated_at))).one()),
                session.scalar(select(func.max(Report.id))),
                int(now.timestamp() // STANDING_REFRESH.total_seconds()),
            )
            if self._standings is None or self._standings[0] != key:
                digest = current_digest(
                    session,
                    now,
                    now.astimezone(runtime.settings.tz).date(),
                    red_black_rules(runtime.settings),
                )
                self._standings = (key, {name.value: n for name, n in digest.counts().items()})
        for name, count in self._standings[1].items():
            standing.add_metric([name], count)
        yield deliveries
        yield standing
        last = GaugeMetricFamily(
            "taskbot_beat_last_fire_timestamp_seconds", "When each beat last fired.", labels=["beat"]
        )
        missed = GaugeMetricFamily(
            "taskbot_beat_missed",
            "1 when a beat's scheduled time passed and it did not fire.",
            labels=["beat"],
        )
        for beat, b in state.beats.items():
            if b.fired is not None:
                last.add_metric([beat], b.fired.timestamp())
            missed.add_metric([beat], 1 if b.missed else 0)
        yield last
        yield missed


# --- updates ------------------------------------------------------------------------------------------


@dataclass
class UpdateOutcome:
    failed: bool = False


_outcome: ContextVar[UpdateOutcome | None] = ContextVar("taskbot_update_outcome", default=None)


def command_of(update: Update, known: frozenset[str]) -> str:
    """The label of UPDATE: a known command's name, ``message``, ``callback`` or ``other``."""
    message = update.effective_message
    if update.callback_query is not None:
        return "callback"
    if message is not None and message.text and message.text.startswith("/"):
        name = message.text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(message.text) > 1 else ""
        return name if name in known else "unknown_command"
    if message is not None:
        return "message"
    return "other"


def known_commands(app: Application) -> frozenset[str]:
    """Every command a CommandHandler of APP answers (the label values of ``taskbot_updates``)."""
    from telegram.ext import CommandHandler, ConversationHandler

    names: set[str] = set()

    def walk(handlers: Any) -> None:
        for handler in handlers:
            if isinstance(handler, CommandHandler):
                names.update(handler.commands)
            elif isinstance(handler, ConversationHandler):
                walk(handler.entry_points)
                walk(handler.fallbacks)
                for state in handler.states.values():
                    walk(state)

    for group in app.handlers.values():
        walk(group)
    return frozenset(names)


def instrument(app: Application, metrics: Metrics, *, around: Callable[[Update], Any] | None = None) -> None:
    """Count and time every update APP processes; AROUND(update) gives a context manager to run it in."""
    from contextlib import nullcontext

    from telegram import Update

    commands = known_commands(app)
    inner = app.process_update

    async def process_update(update: object) -> None:
        if not isinstance(update, Update):
            await inner(update)
            return
        outcome = UpdateOutcome()
        token = _outcome.set(outcome)
        label = command_of(update, commands)
        start = time.perf_counter()
        try:
            with around(update) if around else nullcontext():
                await inner(update)
        except Exception:
            outcome.failed = True
            raise
        finally:
            metrics.observe_update(label, ERROR if outcome.failed else OK, time.perf_counter() - start)
            _outcome.reset(token)

    app.process_update = process_update  # type: ignore[method-assign]
    app.add_error_handler(_mark_failed)


async def _mark_failed(update: object, context: Any) -> None:
    """Mark the update being handled as failed (runs beside the error handler that answers the user)."""
    outcome = _outcome.get()
    if outcome is not None:
        outcome.failed = True


# --- Bot API requests ---------------------------------------------------------------------------------


def metered_request(metrics: Metrics, *, connection_pool_size: int = 256) -> Any:
    """A PTB request object that times every Bot API call and counts its answers into METRICS."""
    from telegram.request import HTTPXRequest

    class MeteredRequest(HTTPXRequest):
        async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
            name = url.rsplit("/", 1)[-1]
            start = time.perf_counter()
            code = 0
            try:
                code, payload = await super().do_request(url, method, *args, **kwargs)
                return code, payload
            finally:
                metrics.observe_api(name, code, time.perf_counter() - start)

    return MeteredRequest(connection_pool_size=connection_pool_size)
