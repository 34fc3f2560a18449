"""The composition root: the store, the clock and the settings every entry point shares, and the bot.

``build_runtime`` opens the store; ``build_bot`` composes the python-telegram-bot Application on it
with everything wired (handlers, per-chat update lanes, the reminders, the HTTP server, metrics, the
webhook endpoint). `taskbot run` (polling, webhook, local mode), the tests and the benchmarks all
build the bot here. Heavy libraries are imported inside the functions: CLI commands start fast.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from taskbot.clock import Clock, system_clock
from taskbot.config import Settings
from taskbot.domain.calendar import WorkCalendar, default_calendar, use_calendar
from taskbot.ops.metrics import Metrics
from taskbot.store import db

if TYPE_CHECKING:
    from telegram.ext import Application

    from taskbot.ops.web import OpsServer

# The bot's start and stop lines keep the logger `taskbot run` has always used.
log = logging.getLogger("taskbot.run")


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock = field(default=system_clock)
    calendar: WorkCalendar = field(default_factory=default_calendar)
    # The process's Prometheus registry (exported at /metrics when http.enabled).
    metrics: Metrics = field(default_factory=Metrics)

    def close(self) -> None:
        self.engine.dispose()


def build_runtime(
    settings: Settings, *, clock: Clock | None = None, migrate: bool = True, create: bool = True
) -> Runtime:
    """Open the store named by SETTINGS (upgrading its schema unless MIGRATE is false).

    With CREATE false a SQLite file that does not exist yet is not created: the runtime gets an empty
    in-memory store instead, so a command that only reads leaves no file behind.
    """
    url = settings.database.effective_url
    if not create and db.sqlite_file_missing(url):
        url = db.MEMORY_URL
    engine = db.make_engine(url, echo=settings.database.echo)
    if migrate:
        db.upgrade(engine)
    calendar = work_calendar(settings)
    # The bulletin parser counts 工作日 without a runtime at hand: it reads the process-wide calendar.
    use_calendar(calendar)
    return Runtime(settings, engine, db.make_sessionmaker(engine), clock or system_clock, calendar)


def work_calendar(settings: Settings) -> WorkCalendar:
    """The work calendar with the office's own holidays and make-up workdays from SETTINGS."""
    return WorkCalendar(settings.calendar.holiday_dates(), settings.calendar.workday_dates())


def build_bot(
    runtime: Runtime,
    token: str,
    *,
    base_url: str | None = None,
    base_file_url: str | None = None,
    local: bool = False,
    lifecycle: bool = True,
    max_running: int | None = None,
) -> Application:
    """Compose the bot on RUNTIME — the one place its parts are put together:

    - the handlers of ``bot/app.py`` (``register_handlers``) on the typed context;
    - updates in order within a chat, concurrently across chats (``bot/lanes.py``), at most
      MAX_RUNNING at once (default ``lanes.MAX_RUNNING``);
    - start-up and shutdown (``Lifecycle``): the command menu, the reminders on the JobQueue
      (``schedule/wiring.py``), the HTTP server of /healthz, /readyz and /metrics (``ops/web.py``),
      SIGINT/SIGTERM;
    - metrics: every Bot API call metered, every update counted and timed in its log context;
    - the webhook endpoint: the bounded one of ``bot/webhook.py`` when ``telegram.mode`` is webhook.

    BASE_URL (default ``telegram.base_url``) points it at another Bot API server, BASE_FILE_URL
    (default: derived from BASE_URL) at its files. LOCAL: local mode, whose terminal chat handles
    the signals and which never serves a webhook. LIFECYCLE false builds the handlers and the update
    processor only — no start-up or shutdown hooks, no metrics — for the handler tests' harness and
    the stall benchmark.
    """
    from telegram.ext import Application, ApplicationBuilder

    from taskbot.bot.app import register_handlers
    from taskbot.bot.context import CONTEXT_TYPES
    from taskbot.bot.lanes import MAX_RUNNING, ChatLanes

    base_url = base_url or runtime.settings.telegram.base_url
    if base_url and not base_file_url:
        base_file_url = file_url_for(base_url)
    builder: ApplicationBuilder = (
        Application.builder()
        .token(token)
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(ChatLanes(max_running or MAX_RUNNING))
    )
    if base_url:
        builder = builder.base_url(base_url)
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    if lifecycle:
        from taskbot.ops.metrics import metered_request

        hooks = Lifecycle(runtime, own_signals=not local)
        builder = builder.post_init(hooks.post_init).post_shutdown(hooks.post_shutdown)
        # The bot's calls (not getUpdates') go through the metered HTTP client.
        builder = builder.request(metered_request(runtime.metrics))
    app = builder.build()
    register_handlers(app, runtime)
    if lifecycle:
        from taskbot.ops.logs import update_context
        from taskbot.ops.metrics import instrument

        instrument(app, runtime.metrics, around=update_context)
        telegram = runtime.settings.telegram
        if not local and telegram.mode == "webhook":  # run_webhook then serves the bounded endpoint
            from taskbot.bot.webhook import use_bounded_webhook

            use_bounded_webhook(telegram.webhook.max_body_bytes)
    return app


def file_url_for(base_url: str) -> str:
    """The file download URL of a Bot API server: ``…/bot`` → ``…/file/bot``."""
    stem = base_url.rstrip("/")
    if stem.endswith("/bot"):
        return stem[: -len("/bot")] + "/file/bot"
    return stem + "/file/bot"


class Lifecycle:
    """What opens with the Application and closes with it: the command menu, the reminder engine,
    the HTTP server.

    It also owns SIGINT/SIGTERM: sending stops between two sends (what is not sent stays pending),
    the Application is stopped, and a watchdog ends the process after ``shutdown_timeout``
    seconds whatever still runs.
    """

    def __init__(self, runtime: Runtime, *, own_signals: bool = True) -> None:
        self.runtime = runtime
        self.reminders: Any = None
        self.ops: OpsServer | None = None
        self.own_signals = own_signals
        self._stopping = False

    def handle_signals(self, app: Application) -> None:
        """Stop on SIGINT/SIGTERM (instead of python-telegram-bot, which waits for every job)."""
        import asyncio
        import signal

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, self.stop, app, sig.name)
            except (NotImplementedError, RuntimeError):  # not the main thread, or no signals here
                return

    def stop(self, app: Application, why: str = "asked to") -> None:
        """Stop sending at once, stop the Application, and exit by ``shutdown_timeout`` at the latest."""
        import threading

        if self._stopping:
            return
        self._stopping = True
        timeout = self.runtime.settings.shutdown_timeout
        log.info("%s: stopping (unsent reminders stay pending; exit within %g s)", why, timeout)
        if self.reminders is not None:
            self.reminders.stop()
        watchdog = threading.Timer(timeout, _exit_now, args=(timeout,))
        watchdog.daemon = True
        watchdog.start()
        if app.running:
            app.stop_running()

    async def post_init(self, app: Application) -> None:
        """Publish the command menu and put the reminders on the JobQueue."""
        from telegram.error import TelegramError

        from taskbot.bot.app import publish_commands

        log.info("connected to the Bot API as @%s", app.bot.username)
        try:
            await publish_commands(app.bot, self.runtime.settings.language, self.runtime.settings.admins)
        except TelegramError as exc:  # a menu is a convenience; never a reason not to start
            log.warning("could not publish the command menu: %s", exc.__class__.__name__)
        self.reminders = install_reminders(app, self.runtime)
        self.ops = await self.start_ops_server(app.bot.token)
        await publish_board_menu(app.bot, self.runtime.settings)
        if self.own_signals:
            self.handle_signals(app)
        settle_heap()
        log.info("taskbot started as @%s", app.bot.username)

    async def start_ops_server(self, bot_token: str = "") -> OpsServer | None:
        """Serve /healthz, /readyz and /metrics when http.enabled, and the 看板 under /app/ when
        web.enabled (on the same server, which then starts even without http.enabled)."""
        from taskbot.ops.health import Probe
        from taskbot.ops.web import OpsServer

        runtime = self.runtime
        probe = Probe(runtime, leader=self.is_leader)
        runtime.metrics.watch_store(probe)
        http = runtime.settings.http
        web = runtime.settings.web.enabled and bool(bot_token)
        if not http.enabled and not web:
            return None
        server = OpsServer(http.listen, http.port)
        server.add_operations(probe, runtime.metrics)
        if web:
            from taskbot.webapp.server import mount

            mount(server, runtime, bot_token)
        await server.start()
        return server

    def is_leader(self) -> bool:
        """Whether this process runs the scheduler now."""
        jobs = getattr(self.reminders, "jobs", None)
        return bool(jobs is not None and jobs.running)

    async def post_shutdown(self, app: Application) -> None:
        """Stop the HTTP server; release what the reminder engine holds (the scheduler lock)."""
        log.info("taskbot stopping")
        if self.ops is not None:
            await self.ops.stop()
            self.ops = None
        if self.reminders is not None:
            self.reminders.close()
            self.reminders = None


def _exit_now(timeout: float) -> None:
    """The watchdog: the process did not stop within TIMEOUT seconds; end it (claims free themselves)."""
    import os

    log.error("still running %g s after the stop signal: exiting now", timeout)
    logging.shutdown()
    os._exit(1)


async def publish_board_menu(bot: Any, settings: Settings) -> None:
    """Give the configured admins and leaders the 看板 as their chat's menu button (web.public_url)."""
    from taskbot.bot.board import set_board_menu

    if not settings.web.enabled or not settings.web.public_url:
        return
    for user_id in dict.fromkeys([*settings.admins, *settings.leaders]):
        await set_board_menu(bot, settings, user_id, settings.language)


def settle_heap() -> None:
    """Move everything loaded at start-up out of the garbage collector's way.

    The libraries alone are ~130 000 tracked objects: a full collection walks them all and stalls
    every update for ~60 ms. They live as long as the process, so they are frozen once here.
    """
    import gc

    gc.collect()
    gc.freeze()


def install_reminders(app: Application, runtime: Runtime) -> Any:
    """Wire the reminder engine onto the JobQueue (taskbot.schedule); None when it is not available."""
    try:
        from taskbot.schedule.wiring import install
    except ImportError:
        log.warning("the reminder engine (taskbot.schedule.wiring) is not available: no reminders")
        return None
    return install(app, runtime)
