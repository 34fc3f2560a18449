"""``taskbot.runtime.build_bot`` composes the bot: what each entry point asks of it is what it gets."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import _updater

from taskbot.bot.lanes import ChatLanes
from taskbot.bot.webhook import BoundedWebhookApp
from taskbot.config import load_settings
from taskbot.runtime import Lifecycle, Runtime, build_bot, build_runtime
from tests.bot.conftest import TOKEN

BODY_LIMIT = 4096


@pytest.fixture
def bounded(monkeypatch: pytest.MonkeyPatch) -> Any:
    """PTB's webhook application class, restored after the test (build_bot may replace it)."""
    monkeypatch.setattr(_updater, "WebhookAppClass", _updater.WebhookAppClass)
    return _updater.WebhookAppClass


def runtime_with(tmp_path: Path, **telegram: Any) -> Iterator[Runtime]:
    runtime = build_runtime(
        load_settings(database={"url": f"sqlite:///{tmp_path / 'c.db'}"}, telegram=telegram)
    )
    try:
        yield runtime
    finally:
        runtime.close()


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    yield from runtime_with(tmp_path, base_url="http://127.0.0.1:8081/bot")


@pytest.fixture
def webhook_runtime(tmp_path: Path) -> Iterator[Runtime]:
    yield from runtime_with(
        tmp_path,
        mode="webhook",
        webhook={"url": "https://bot.example.org/telegram", "max_body_bytes": BODY_LIMIT},
    )


def test_the_bot_of_taskbot_run(runtime: Runtime, bounded: Any) -> None:
    app = build_bot(runtime, TOKEN, max_running=3)
    assert app.bot_data.runtime is runtime
    assert isinstance(app.update_processor, ChatLanes)
    assert app.update_processor.max_running == 3
    # The self-hosted Bot API server of the settings, and its file URL derived from it.
    assert app.bot.base_url == f"http://127.0.0.1:8081/bot{TOKEN}"
    assert app.bot.base_file_url == f"http://127.0.0.1:8081/file/bot{TOKEN}"
    hooks = getattr(app.post_init, "__self__", None)
    assert isinstance(hooks, Lifecycle)
    assert getattr(app.post_shutdown, "__self__", None) is hooks
    assert hooks.own_signals
    assert _updater.WebhookAppClass is bounded  # polling: PTB's webhook is not touched


def test_local_mode_leaves_the_signals_to_the_terminal_chat(runtime: Runtime) -> None:
    app = build_bot(runtime, TOKEN, base_url="http://127.0.0.1:9/bot", local=True)
    hooks = getattr(app.post_init, "__self__", None)
    assert isinstance(hooks, Lifecycle)
    assert not hooks.own_signals
    assert app.bot.base_url == f"http://127.0.0.1:9/bot{TOKEN}"


def test_the_handlers_only(runtime: Runtime) -> None:
    app = build_bot(runtime, TOKEN, lifecycle=False)
    assert app.post_init is None and app.post_shutdown is None
    assert isinstance(app.update_processor, ChatLanes)
    assert app.handlers  # every handler module registered
    assert app.error_handlers


def test_webhook_mode_serves_the_bounded_endpoint(webhook_runtime: Runtime, bounded: Any) -> None:
    build_bot(webhook_runtime, TOKEN)
    chosen = _updater.WebhookAppClass
    assert isinstance(chosen, partial)
    assert chosen.func is BoundedWebhookApp
    assert chosen.keywords == {"max_body_bytes": BODY_LIMIT}


def test_local_mode_never_serves_a_webhook(webhook_runtime: Runtime, bounded: Any) -> None:
    build_bot(webhook_runtime, TOKEN, base_url="http://127.0.0.1:9/bot", local=True)
    assert _updater.WebhookAppClass is bounded
