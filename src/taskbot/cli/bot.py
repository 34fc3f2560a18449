"""`taskbot run`: the Telegram bot, by long polling or a webhook; in local mode when asked (--local).

Local mode starts the project's fake Bot API inside the process, the same Application against it and
a terminal chat in which you are the admin of a local group (``--demo`` imports the sample bulletin
into it first). Heavy libraries are imported inside the functions, so other commands start fast.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import AsyncIterable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from taskbot.cli.common import EXIT_USAGE, CliError, load

if TYPE_CHECKING:
    from telegram.ext import Application

    from taskbot.config import Settings
    from taskbot.runtime import Runtime

log = logging.getLogger("taskbot.run")

# Loggers that print request URLs — which carry the bot token — below WARNING, or are chatty.
QUIET_LOGGERS = ("httpx", "httpcore", "apscheduler", "alembic", "tornado.access")
LOCAL_TOKEN = "1000001:LOCAL-taskbot-not-a-real-token"
LOCAL_BOT_USERNAME = "taskbot_local_bot"
SAMPLE_BULLETIN = "bulletin-foshan-2022-06.txt"
POLL_TIMEOUT_SECONDS = 10
NO_TOKEN_MESSAGE = (
    "no bot token: set TASKBOT_TELEGRAM__TOKEN (or telegram.token in the config file), "
    "or run `taskbot run --local` to try it without Telegram"
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "run",
        help="run the Telegram bot (--local: a terminal chat against an in-process Bot API)",
        description="Run the bot: long polling by default, a webhook with telegram.mode: webhook. "
        "With --local or --demo (or with no token, at a terminal) it runs in LOCAL MODE against an "
        "in-process Bot API with a terminal chat. With no token and no terminal it exits with status 2.",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="local mode, first importing the sample bulletin and sending its tasks to the local group",
    )
    parser.add_argument(
        "--local", action="store_true", help="run in local mode even when a token is configured"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the bot until SIGINT/SIGTERM (or, in local mode, /quit)."""
    import asyncio  # here, not at the top: `taskbot parse` must start fast

    from taskbot.runtime import build_bot

    settings = load(args)
    token = settings.telegram.token.get_secret_value() if settings.telegram.token else None
    if args.demo and token and not args.local:
        raise CliError("--demo is for local mode: remove the token or add --local", EXIT_USAGE)
    local = wants_local_mode(args, token, interactive=_at_a_terminal())
    if not token and not local:
        raise CliError(NO_TOKEN_MESSAGE, EXIT_USAGE)
    # In local mode the terminal is the chat: only warnings interleave with it unless -v.
    level = "DEBUG" if args.verbose else ("WARNING" if local else settings.log_level)
    configure_logging(
        level,
        secrets=[s for s in (token, _secret(settings.telegram.webhook.secret_token)) if s],
        fmt=settings.logging.format,
    )
    if local:
        settings = local_settings(settings)
        runtime = _open_runtime(settings)
        try:
            asyncio.run(run_local(runtime, demo=args.demo))
        finally:
            runtime.close()
        return 0
    assert token is not None
    if settings.telegram.mode == "webhook" and not settings.telegram.webhook.url:
        raise CliError("telegram.webhook.url is required in webhook mode (the public https URL)", EXIT_USAGE)
    runtime = _open_runtime(settings)
    app = build_bot(runtime, token)
    try:
        # Ask once before serving: a wrong token or an unreachable server is then one clear line.
        asyncio.run(_check_connection(token, settings.telegram.base_url))
        _warm_reader_worker()
        _serve(app, settings)
    except Exception as exc:
        raise _startup_error(exc, settings) from None
    finally:
        runtime.close()
    return 0


def wants_local_mode(args: argparse.Namespace, token: str | None, *, interactive: bool) -> bool:
    """Local mode only when asked (--local, --demo) or when a person at a terminal has no token yet.

    A container or a service unit without a token must fail loudly, not "succeed" doing nothing.
    """
    return bool(args.local or args.demo or (not token and interactive))


def _at_a_terminal() -> bool:
    """Whether a person may be typing: standard input is a terminal (not closed, not a pipe)."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):  # closed or detached
        return False


def _warm_reader_worker() -> None:
    """Start the /import file reader's fork server in the background (it takes a second or two)."""
    import threading

    from taskbot.sandbox import warm_up

    def warm() -> None:
        try:
            warm_up()
        except Exception:  # the first /import then starts it; say why here
            log.warning("could not start the file reader in advance", exc_info=True)

    threading.Thread(target=warm, name="taskbot-reader-warm-up", daemon=True).start()


async def _check_connection(token: str, base_url: str | None) -> None:
    from telegram import Bot

    from taskbot.runtime import file_url_for

    bot = Bot(token, base_url=base_url, base_file_url=file_url_for(base_url)) if base_url else Bot(token)
    async with bot:  # initialize() calls getMe
        log.info("the Bot API knows this token as @%s", bot.username)


def _startup_error(exc: Exception, settings: Settings) -> CliError:
    """One line for what stopped the bot from starting (the token is never part of it)."""
    from telegram.error import InvalidToken, NetworkError, TelegramError

    where = settings.telegram.base_url or "api.telegram.org"
    if isinstance(exc, InvalidToken):
        return CliError(f"the Bot API at {where} refused the token: check telegram.token", EXIT_USAGE)
    if isinstance(exc, NetworkError):
        return CliError(f"cannot reach the Bot API at {where} ({exc.__class__.__name__})")
    if isinstance(exc, TelegramError):
        return CliError(f"the Bot API at {where} answered with an error: {exc.__class__.__name__}")
    if isinstance(exc, OSError):
        return CliError(f"cannot start: {exc.strerror or exc.__class__.__name__}")
    log.exception("the bot stopped on an unexpected error")
    return CliError(f"the bot stopped on an unexpected error ({exc.__class__.__name__}); see the log above")


def configure_logging(level: str, secrets: list[str], fmt: str = "text") -> None:
    """Log at LEVEL through the root handlers in FMT (text or json), never showing SECRETS.

    httpx logs every request URL at INFO, and Telegram URLs contain the token; it stays at WARNING
    whatever LEVEL is. The formatter also masks the secrets in any message or traceback. Every line
    carries the context at hand (update, chat, user, task, beat; see taskbot.ops.logs).
    """
    from taskbot.ops.logs import ContextFilter, formatter_for

    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig()
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    for handler in root.handlers:
        handler.setFormatter(RedactingFormatter(formatter_for(fmt), secrets))
        if not any(isinstance(f, ContextFilter) for f in handler.filters):
            handler.addFilter(ContextFilter())


class RedactingFormatter(logging.Formatter):
    """Formats with INNER, then replaces every secret (and the secret part of a token) with ***."""

    def __init__(self, inner: logging.Formatter, secrets: list[str]) -> None:
        super().__init__()
        self.inner = inner
        parts = set()
        for secret in secrets:
            parts.add(secret)
            # A bot token is "<bot id>:<secret>"; the id alone is public, the rest is not.
            if ":" in secret:
                parts.add(secret.split(":", 1)[1])
        # Every secret, however short: a 3-character webhook secret is still the webhook's secret.
        self.secrets = sorted((p for p in parts if p), key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        text = self.inner.format(record)
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text


def local_settings(settings: Settings) -> Settings:
    """Settings for local mode: the local admin is an admin; tasks with no chat go to the local group."""
    from taskbot.localapi.terminal import LOCAL_ADMIN_ID, LOCAL_GROUP_ID

    admins = [*settings.admins, LOCAL_ADMIN_ID] if LOCAL_ADMIN_ID not in settings.admins else settings.admins
    return settings.model_copy(
        update={"admins": admins, "default_chat_id": settings.default_chat_id or LOCAL_GROUP_ID}
    )


def build_connected_application(
    runtime: Runtime, token: str, *, base_url: str | None = None, own_signals: bool = True
) -> Application:
    """Kept for its callers: ``taskbot.runtime.build_bot`` (OWN_SIGNALS false: local mode)."""
    from taskbot.runtime import build_bot

    return build_bot(runtime, token, base_url=base_url, local=not own_signals)


def _serve(app: Application, settings: Settings) -> None:
    """Block in PTB's run_polling / run_webhook until SIGINT/SIGTERM (see ``runtime.Lifecycle.stop``).

    The webhook's endpoint (bot/webhook.py) was chosen when ``build_bot`` composed APP.
    """
    from telegram import Update

    telegram = settings.telegram
    if telegram.mode == "webhook":
        hook = telegram.webhook
        log.info("serving a webhook on %s:%s/%s", hook.listen, hook.port, hook.url_path)
        if hook.secret_token is None:
            log.warning("telegram.webhook.secret_token is not set: anyone who finds the URL can post updates")
        app.run_webhook(
            listen=hook.listen,
            port=hook.port,
            url_path=hook.url_path,
            webhook_url=hook.url,
            secret_token=_secret(hook.secret_token),
            allowed_updates=Update.ALL_TYPES,
            stop_signals=None,  # runtime.Lifecycle.handle_signals: sending stops first
        )
    else:
        log.info("long polling for updates")
        app.run_polling(allowed_updates=Update.ALL_TYPES, timeout=POLL_TIMEOUT_SECONDS, stop_signals=None)


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


def _open_runtime(settings: Settings) -> Runtime:
    from taskbot.cli.common import runtime_for
    from taskbot.cli.dbcmd import describe_store

    runtime = runtime_for(settings)
    log.info("store %s", describe_store(settings.database.effective_url))
    return runtime


# --- local mode ---


async def run_local(
    runtime: Runtime,
    *,
    demo: bool = False,
    input: AsyncIterable[str] | TextIO | None = None,
    output: TextIO | None = None,
) -> None:
    """Serve the bot against an in-process Bot API and chat with it from the terminal until /quit."""
    import asyncio

    from telegram import Update

    from taskbot.localapi import FakeBotApi
    from taskbot.localapi.terminal import HELP, LOCAL_ADMIN_ID, LOCAL_GROUP_ID, run_terminal_chat
    from taskbot.runtime import build_bot
    from taskbot.services.messages import highest_message_id

    out = output if output is not None else sys.stdout
    api = FakeBotApi(token=LOCAL_TOKEN, bot_username=LOCAL_BOT_USERNAME, bot_name="Taskbot (local)")
    await api.start()
    # Message ids go on from the last run's: the store links old ids to tasks.
    with runtime.sessions() as session:
        after = {chat: highest_message_id(session, chat) + 1 for chat in (LOCAL_GROUP_ID, LOCAL_ADMIN_ID)}
    api.add_chat(
        LOCAL_GROUP_ID, type="supergroup", title="本地工作群", first_message_id=after[LOCAL_GROUP_ID]
    )
    api.add_user(LOCAL_ADMIN_ID, first_name="本地管理员", username="local_admin", language_code="zh-hans")
    api.add_chat(LOCAL_ADMIN_ID, type="private", first_message_id=after[LOCAL_ADMIN_ID])
    imported = import_demo(runtime, LOCAL_GROUP_ID) if demo else None
    app = build_bot(runtime, LOCAL_TOKEN, base_url=api.base_url, local=True)
    stopping = asyncio.Event()
    _on_signals(stopping.set)
    try:
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, allowed_updates=Update.ALL_TYPES)
        out.write(local_banner(runtime, api.base_url, imported) + HELP + "\n\n")
        out.flush()
        chat = asyncio.create_task(
            run_terminal_chat(
                api, chat_id=LOCAL_GROUP_ID, user_id=LOCAL_ADMIN_ID, input=input, output=out, banner=False
            )
        )
        stop = asyncio.create_task(stopping.wait())
        await asyncio.wait({chat, stop}, return_when=asyncio.FIRST_COMPLETED)
        for task in (chat, stop):
            task.cancel()
        await asyncio.gather(chat, stop, return_exceptions=True)
    finally:
        reminders = app.bot_data.reminders
        if reminders is not None:  # stop sending between two sends; the rest stays pending
            reminders.stop()
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
        await api.stop()


def local_banner(runtime: Runtime, base_url: str, imported: Any) -> str:
    from taskbot.localapi.terminal import LOCAL_ADMIN_ID

    lines = [
        "",
        "=" * 72,
        "taskbot — LOCAL MODE (本地模式): nothing is sent to Telegram.",
        f"  Bot API: in-process fake at {base_url.rsplit('/', 1)[0]}",
        f"  Store:   {runtime.engine.url.render_as_string(hide_password=True)}",
        f"  You are the admin (user {LOCAL_ADMIN_ID}) in the local group 本地工作群; reminders appear here.",
    ]
    if imported is not None:
        lines.append(
            f"  Demo:    sample bulletin imported: {len(imported.created)} new task(s), "
            f"{len(imported.unchanged)} already there. Try /tasks, /task 1, /status 1 50% 已完成摸底."
        )
    lines += [
        "  To connect a real bot: get a token from @BotFather, then",
        "    export TASKBOT_TELEGRAM__TOKEN=123456:ABC…   (or telegram.token in config.yaml)",
        "    taskbot run",
        "=" * 72,
        "",
    ]
    return "\n".join(lines)


def sample_bulletin() -> Path:
    """The sample bulletin shipped in the repository's examples/ (or the installed package's)."""
    candidates = [
        Path(__file__).resolve().parents[3] / "examples" / SAMPLE_BULLETIN,
        Path(__file__).resolve().parents[1] / "examples" / SAMPLE_BULLETIN,
    ]
    for path in candidates:
        if path.is_file():
            return path
    raise CliError(f"the sample bulletin {SAMPLE_BULLETIN} is not installed")


def import_demo(runtime: Runtime, chat_id: int) -> Any:
    """Import the sample bulletin with its tasks sent to CHAT_ID (idempotent: a rerun adds nothing)."""
    from taskbot.bulletin import parse_bulletin
    from taskbot.readers import read_document
    from taskbot.services.ingest import import_document

    path = sample_bulletin()
    text = read_document(path)
    today = runtime.clock().astimezone(runtime.settings.tz).date()
    parsed = parse_bulletin(text, today=today)
    return import_document(
        runtime.sessions,
        parsed,
        source=path.name,
        text=text,
        now=runtime.clock(),
        chat_id=chat_id,
        actor="demo",
    )


def _on_signals(callback: Callable[[], None]) -> None:
    import asyncio
    import contextlib
    import signal

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Not the main thread, or not POSIX: Ctrl-C then ends the terminal chat as usual.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, callback)
