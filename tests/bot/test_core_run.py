"""`taskbot run` for real: a subprocess polling (or serving a webhook for) the fake Bot API, stopped by
SIGTERM; the command menu; logs that never show the token; local mode with the sample bulletin."""

from __future__ import annotations

import asyncio
import gc
import io
import logging
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from taskbot.cli import bot as run_cli
from taskbot.cli import main
from taskbot.config import load_settings
from taskbot.i18n import t
from taskbot.localapi import FakeBotApi
from taskbot.localapi.terminal import LOCAL_GROUP_ID
from taskbot.runtime import build_runtime, file_url_for
from taskbot.services.people import upsert_chat
from taskbot.services.tasks import chat_tasks
from tests.bot.conftest import TOKEN, BotHarness, text_of
from tests.support.clock import ManualClock

SECRET = TOKEN.split(":", 1)[1]
USER = 5001
STARTUP = 60.0  # seconds a fresh interpreter may take to import everything and start polling


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _start(tmp_path: Path, api: FakeBotApi, extra_env: dict[str, str]) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKBOT_")}
    env.update(
        {
            "TASKBOT_TELEGRAM__TOKEN": TOKEN,
            "TASKBOT_TELEGRAM__BASE_URL": api.base_url,
            "TASKBOT_DATABASE__URL": f"sqlite:///{tmp_path / 'run.db'}",
            "TASKBOT_ADMINS": f"[{USER}]",
            "TASKBOT_SCHEDULE__ENABLED": "false",
        }
    )
    env.update(extra_env)
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "taskbot",
        "-v",  # DEBUG logging: the token must still not appear
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _stop(process: asyncio.subprocess.Process) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    return process.returncode or 0, stderr.decode("utf-8", "replace")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    fake = FakeBotApi(token=TOKEN, bot_username="taskbot_test_bot")
    await fake.start()
    fake.add_user(USER, first_name="督查室", username="ducha", language_code="zh-hans")
    fake.add_chat(USER, type="private")
    yield fake
    await fake.stop()


async def test_run_polls_publishes_commands_answers_and_stops_on_sigterm(
    tmp_path: Path, api: FakeBotApi
) -> None:
    process = await _start(tmp_path, api, {})
    try:
        await api.wait_for_call("setMyCommands", lambda p: "language_code" not in p, timeout=STARTUP)
        await api.wait_until_polling(timeout=STARTUP)
        await api.user_sends(USER, USER, "/help")
        answer = await api.wait_for_message(USER, timeout=10)
    finally:
        code, stderr = await _stop(process)
    assert code == 0, stderr
    assert "/add" in text_of(answer)  # USER is an admin by TASKBOT_ADMINS
    assert [c["command"] for c in api.commands()][:3] == ["start", "help", "tasks"]
    assert api.commands()[2]["description"] == t("bot.cmd.tasks", "zh")
    assert api.commands(language_code="en")[2]["description"] == t("bot.cmd.tasks", "en")
    assert api.commands(language_code="zh")[2]["description"] == t("bot.cmd.tasks", "zh")
    # the admin's own chat also lists the admin commands, in each language
    admin_scope = {"type": "chat", "chat_id": USER}
    admin_menu = [c["command"] for c in api.commands(admin_scope)]
    assert admin_menu[:3] == ["start", "help", "tasks"] and "bind" in admin_menu and "import" in admin_menu
    assert "bind" not in [c["command"] for c in api.commands()]
    assert (
        api.commands(admin_scope, language_code="en")[-1]["description"]
        != api.commands(admin_scope)[-1]["description"]
    )
    assert "DEBUG" in stderr  # it did log verbosely …
    assert SECRET not in stderr  # … and never the token


async def test_run_serves_a_webhook_with_its_secret(tmp_path: Path, api: FakeBotApi) -> None:
    port = _free_port()
    process = await _start(
        tmp_path,
        api,
        {
            "TASKBOT_TELEGRAM__MODE": "webhook",
            "TASKBOT_TELEGRAM__WEBHOOK__LISTEN": "127.0.0.1",
            "TASKBOT_TELEGRAM__WEBHOOK__PORT": str(port),
            "TASKBOT_TELEGRAM__WEBHOOK__URL": f"http://127.0.0.1:{port}/hook",
            "TASKBOT_TELEGRAM__WEBHOOK__URL_PATH": "hook",
            "TASKBOT_TELEGRAM__WEBHOOK__SECRET_TOKEN": "s3cret-webhook-value",
        },
    )
    try:
        hook = await api.wait_for_call("setWebhook", timeout=STARTUP)
        await api.user_sends(USER, USER, "/tasks")
        answer = await api.wait_for_message(USER, timeout=10)
    finally:
        code, stderr = await _stop(process)
    assert code == 0, stderr
    assert hook["url"] == f"http://127.0.0.1:{port}/hook"
    assert hook["secret_token"] == "s3cret-webhook-value"
    assert "s3cret-webhook-value" not in stderr and SECRET not in stderr
    assert text_of(answer) == t("bot.tasks.empty_private", "zh")


@pytest.mark.parametrize(
    ("env", "argv", "message"),
    [
        ({"TASKBOT_TELEGRAM__TOKEN": TOKEN, "TASKBOT_TELEGRAM__MODE": "webhook"}, ["run"], "webhook.url"),
        ({"TASKBOT_TELEGRAM__TOKEN": TOKEN}, ["run", "--demo"], "--demo"),
    ],
)
def test_run_refuses_unusable_configurations(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    argv: list[str],
    message: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and SECRET not in err


@pytest.fixture
def restore_logging() -> AsyncIterator[io.StringIO]:
    """A root handler writing to a buffer; root, httpx and the handlers restored afterwards."""
    root = logging.getLogger()
    saved = (root.level, list(root.handlers), {n: logging.getLogger(n).level for n in run_cli.QUIET_LOGGERS})
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    root.addHandler(handler)
    yield buffer  # type: ignore[misc]
    root.removeHandler(handler)
    root.setLevel(saved[0])
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)
    for h in root.handlers:
        if isinstance(h.formatter, run_cli.RedactingFormatter):
            h.setFormatter(h.formatter.inner)


async def test_token_is_never_logged_even_at_debug(bot: BotHarness, restore_logging: io.StringIO) -> None:
    bot.add_official(USER, "张三", "zhangsan")
    bot.add_private(USER)
    # Without taskbot's logging setup, httpx would print every request URL — token included.
    logging.getLogger().setLevel(logging.DEBUG)
    logging.getLogger("httpx").setLevel(logging.NOTSET)
    await bot.send(USER, USER, "/help")
    assert SECRET in restore_logging.getvalue()
    restore_logging.truncate(0)
    restore_logging.seek(0)
    run_cli.configure_logging("DEBUG", secrets=[TOKEN])
    await bot.send(USER, USER, "/tasks")
    bot.api.fail_next("sendMessage", 500, "Internal Server Error")
    await bot.api.user_sends(USER, USER, "/my")
    await bot.settle()
    logged = restore_logging.getvalue()
    assert "getUpdates" in logged  # PTB's own debug lines are there
    assert SECRET not in logged


def test_redacting_formatter_masks_secrets_in_messages_and_tracebacks() -> None:
    formatter = run_cli.RedactingFormatter(logging.Formatter("%(message)s"), [TOKEN])
    try:
        raise RuntimeError(f"POST http://x/bot{TOKEN}/getMe failed")
    except RuntimeError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "url %s", (f"/bot{TOKEN}/",), sys.exc_info()
        )
    text = formatter.format(record)
    assert SECRET not in text
    assert "/bot***/" in text


def test_file_url_for_a_self_hosted_server() -> None:
    assert file_url_for("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"
    assert file_url_for("https://api.example.org/bot/") == "https://api.example.org/file/bot"


async def test_local_mode_with_the_demo_bulletin(tmp_path: Path, clock: ManualClock) -> None:
    settings = run_cli.local_settings(load_settings(database={"url": f"sqlite:///{tmp_path / 'local.db'}"}))
    runtime = build_runtime(settings, clock=clock)
    try:
        out = io.StringIO()
        await run_cli.run_local(runtime, demo=True, input=_lines("/tasks", "/quit"), output=out)
        shown = out.getvalue()
        assert "LOCAL MODE" in shown
        assert "TASKBOT_TELEGRAM__TOKEN" in shown
        with runtime.sessions() as s:
            tasks = chat_tasks(s, upsert_chat(s, LOCAL_GROUP_ID))
            assert tasks, "the demo bulletin's tasks are sent to the local group"
            count = len(tasks)
        assert f"#{tasks[0].id} " in shown  # /tasks answered in the terminal
        # a second demo run imports nothing new
        again = io.StringIO()
        await run_cli.run_local(runtime, demo=True, input=_lines("/quit"), output=again)
        assert "0 new task(s)" in again.getvalue()
        with runtime.sessions() as s:
            assert len(chat_tasks(s, upsert_chat(s, LOCAL_GROUP_ID))) == count
    finally:
        runtime.close()
        gc.unfreeze()  # run_local's start-up froze the heap; the test session keeps its collector


async def _lines(*lines: str) -> AsyncIterator[str]:
    for line in lines:
        yield line


async def test_a_refused_token_is_one_line_without_the_token(tmp_path: Path, api: FakeBotApi) -> None:
    process = await _start(tmp_path, api, {"TASKBOT_TELEGRAM__TOKEN": "111:WRONG-secret-token-value"})
    _, stderr_bytes = await asyncio.wait_for(process.communicate(), STARTUP)
    stderr = stderr_bytes.decode()
    assert process.returncode == 2
    assert "refused the token" in stderr
    assert "Traceback" not in stderr
    assert "WRONG-secret-token-value" not in stderr


async def test_local_mode_message_ids_go_on_across_runs(tmp_path: Path, clock: ManualClock) -> None:
    """A second run on the same store must not reuse message ids the store links to tasks."""
    from sqlalchemy import select

    from taskbot.store.models import TaskMessage

    settings = run_cli.local_settings(load_settings(database={"url": f"sqlite:///{tmp_path / 'local.db'}"}))
    runtime = build_runtime(settings, clock=clock)
    try:
        outputs = []
        for _run in range(2):
            out = io.StringIO()
            await run_cli.run_local(runtime, demo=True, input=_lines("/task 1", "/quit"), output=out)
            outputs.append(out.getvalue())
        with runtime.sessions() as s:
            notes = s.execute(
                select(TaskMessage.message_id, TaskMessage.task_id).where(
                    TaskMessage.chat_id == LOCAL_GROUP_ID
                )
            ).all()
        assert len(notes) == 2, outputs[1]
        assert notes[0][0] != notes[1][0]
        assert all(task == 1 for _, task in notes)
        assert "抱歉" not in outputs[1]
    finally:
        runtime.close()
        gc.unfreeze()
