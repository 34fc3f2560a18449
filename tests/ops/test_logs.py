"""JSON log lines (parsed back): context fields, state changes and beats at INFO, officials' words only
at DEBUG, the token masked."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from taskbot.cli import bot as run_cli
from taskbot.domain.values import Beat
from taskbot.ops.logs import ContextFilter, formatter_for, log_context
from taskbot.runtime import Runtime
from taskbot.schedule.service import ReminderService
from tests.bot.conftest import GROUP, OFFICIAL, TOKEN
from tests.ops.conftest import OpsHarness

SECRET = TOKEN.split(":", 1)[1]


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """A root handler writing to a buffer; the root logger restored afterwards."""
    root = logging.getLogger()
    saved = (root.level, {n: logging.getLogger(n).level for n in run_cli.QUIET_LOGGERS})
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    root.addHandler(handler)
    yield buffer
    root.removeHandler(handler)
    root.setLevel(saved[0])
    for name, level in saved[1].items():
        logging.getLogger(name).setLevel(level)
    for h in root.handlers:
        if isinstance(h.formatter, run_cli.RedactingFormatter):
            h.setFormatter(None)


def lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


async def test_a_done_logs_who_did_what_to_which_task_as_json(
    ops_bot: OpsHarness, captured: io.StringIO
) -> None:
    run_cli.configure_logging("INFO", secrets=[TOKEN], fmt="json")
    bot = ops_bot
    bot.add_group(GROUP)
    bot.add_official()
    task_id = bot.add_task("统筹推进", chat_id=GROUP, assignees=[OFFICIAL])
    captured.truncate(0)
    captured.seek(0)
    await bot.send(GROUP, OFFICIAL, f"/done {task_id} 私密的完成说明")
    await bot.settle()
    entries = lines(captured)  # every line is one JSON object
    assert entries and all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    change = next(e for e in entries if e["logger"] == "taskbot.services.tasks")
    assert change["level"] == "INFO"
    assert change["message"] == f"task {task_id}: done by {OFFICIAL} (status done, progress 100%)"
    assert change["task_id"] == task_id
    assert change["chat_id"] == GROUP and change["user_id"] == OFFICIAL
    assert isinstance(change["update_id"], int)
    assert change["time"].endswith("+00:00")
    assert "私密的完成说明" not in captured.getvalue()  # officials' words: DEBUG only
    assert SECRET not in captured.getvalue()


async def test_at_debug_the_words_appear_and_the_token_never(
    ops_bot: OpsHarness, captured: io.StringIO
) -> None:
    run_cli.configure_logging("DEBUG", secrets=[TOKEN], fmt="json")
    logging.getLogger("httpx").setLevel(logging.DEBUG)  # the URL logger, token in every line
    bot = ops_bot
    bot.add_group(GROUP)
    bot.add_official()
    task_id = bot.add_task("统筹推进", chat_id=GROUP, assignees=[OFFICIAL])
    await bot.send(GROUP, OFFICIAL, f"/done {task_id} 私密的完成说明")
    await bot.settle()
    text = captured.getvalue()
    assert SECRET not in text
    ours = [e for e in lines(captured) if e["logger"].startswith("taskbot.")]
    words = [e for e in ours if "私密的完成说明" in e["message"]]
    assert words and all(e["level"] == "DEBUG" and e["task_id"] == task_id for e in words)


async def test_a_beat_logs_what_it_planned_sent_and_failed(runtime: Runtime, captured: io.StringIO) -> None:
    run_cli.configure_logging("INFO", secrets=[], fmt="json")
    service = ReminderService(runtime)
    at = service.next_fire(Beat.WEEKLY, runtime.clock())
    await service.run_beat(Beat.WEEKLY, at)
    summary = [
        e for e in lines(captured) if e["message"].startswith("weekly beat of") and "sent" in e["message"]
    ]
    assert len(summary) == 1
    entry = summary[0]
    assert entry["beat"] == "weekly" and entry["level"] == "INFO"
    assert "planned 0, sent 0, failed 0 in " in entry["message"]
    planned = [e for e in lines(captured) if e["logger"] == "taskbot.schedule.service"]
    assert all(e.get("beat") == "weekly" for e in planned)  # the context follows into the worker thread


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_context_is_the_one_where_the_line_was_written(fmt: str) -> None:
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(ContextFilter())
    handler.setFormatter(formatter_for(fmt))
    logger = logging.getLogger(f"taskbot.test_context_{fmt}")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        with log_context(chat_id=-100, task_id=3):
            logger.info("hello %s", "you")
            with log_context(beat="weekly"):
                try:
                    raise ValueError("boom")
                except ValueError:
                    logger.exception("failed")
        logger.info("plain")
    finally:
        logger.removeHandler(handler)
    written = buffer.getvalue().splitlines()
    if fmt == "text":
        assert written[0].endswith(" INFO taskbot.test_context_text: hello you [chat_id=-100 task_id=3]")
        assert written[1].endswith("failed [chat_id=-100 task_id=3 beat=weekly]")
        assert "ValueError: boom" in buffer.getvalue()
        assert written[-1].endswith("plain")
        return
    entries = [json.loads(line) for line in written]
    assert len(entries) == 3
    assert (
        entries[0]["message"] == "hello you" and entries[0]["chat_id"] == -100 and entries[0]["task_id"] == 3
    )
    assert entries[1]["beat"] == "weekly" and "ValueError: boom" in entries[1]["exc"]
    assert "chat_id" not in entries[2] and entries[2]["message"] == "plain"
