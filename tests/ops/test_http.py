"""/healthz, /readyz and /metrics of a running bot, asked over HTTP."""

from __future__ import annotations

import errno
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from telegram import Update

from taskbot.ops.health import Probe
from taskbot.ops.metrics import STANDING_REFRESH, Metrics, command_of
from taskbot.ops.web import HEALTH_PATH, METRICS_PATH, OpsServer
from taskbot.runtime import Runtime
from taskbot.services import digest as digest_service
from taskbot.services import tasks as task_service
from taskbot.services.people import Actor
from taskbot.store.db import transaction
from tests.bot.conftest import GROUP, OFFICIAL
from tests.ops.conftest import OpsHarness
from tests.support.clock import ManualClock

EXPECTED_METRICS = {
    "taskbot_updates",
    "taskbot_handler_seconds",
    "taskbot_bot_api_requests",
    "taskbot_bot_api_throttled",
    "taskbot_bot_api_seconds",
    "taskbot_ready",
    "taskbot_scheduler_leader",
    "taskbot_ledger_backlog",
    "taskbot_ledger_oldest_pending_timestamp_seconds",
    "taskbot_deliveries",
    "taskbot_tasks",
    "taskbot_beat_last_fire_timestamp_seconds",
    "taskbot_beat_missed",
}


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


async def test_healthz_answers_while_the_bot_runs(ops_bot: OpsHarness) -> None:
    answer = await ops_bot.get(HEALTH_PATH)
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}


async def test_metrics_has_every_name_and_counts_a_done(ops_bot: OpsHarness) -> None:
    bot = ops_bot
    bot.add_group(GROUP)
    bot.add_official()
    task_id = bot.add_task("统筹推进", chat_id=GROUP, assignees=[OFFICIAL])
    answer = await bot.get(METRICS_PATH)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    names = {f.name for f in text_string_to_metric_families(answer.text)}
    assert names >= EXPECTED_METRICS
    before = samples(answer.text)
    done_ok = ("taskbot_updates_total", (("command", "done"), ("outcome", "ok")))
    assert done_ok not in before
    assert before[("taskbot_tasks", (("standing", "on_track"),))] == 1

    await bot.send(GROUP, OFFICIAL, f"/done {task_id} 已完成")
    await bot.settle()
    after = samples((await bot.get(METRICS_PATH)).text)
    assert after[done_ok] == 1
    assert after[("taskbot_handler_seconds_count", (("command", "done"),))] == 1
    assert after[("taskbot_tasks", (("standing", "done"),))] == 1
    assert after[("taskbot_bot_api_requests_total", (("code", "200"), ("method", "sendMessage")))] >= 1
    assert after[("taskbot_scheduler_leader", ())] == 0  # schedule.enabled is false here


async def test_a_handler_that_fails_counts_as_an_error(ops_bot: OpsHarness) -> None:
    bot = ops_bot
    bot.add_official()
    bot.add_private(OFFICIAL)
    bot.api.fail_next("sendMessage", 500, "Internal Server Error")
    await bot.api.user_sends(OFFICIAL, OFFICIAL, "/tasks")
    await bot.settle()
    after = samples((await bot.get(METRICS_PATH)).text)
    assert after[("taskbot_updates_total", (("command", "tasks"), ("outcome", "error")))] == 1
    assert after[("taskbot_bot_api_requests_total", (("code", "500"), ("method", "sendMessage")))] == 1


async def test_throttled_answers_are_counted(ops_bot: OpsHarness) -> None:
    bot = ops_bot
    bot.add_official()
    bot.add_private(OFFICIAL)
    bot.api.fail_next("sendMessage", 429, retry_after=1)
    await bot.api.user_sends(OFFICIAL, OFFICIAL, "/help")
    await bot.settle()
    after = samples((await bot.get(METRICS_PATH)).text)
    assert after[("taskbot_bot_api_throttled_total", (("method", "sendMessage"),))] == 1


def test_standings_are_judged_again_only_after_a_change_or_a_while(
    runtime: Runtime, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    judged: list[int] = []
    real = digest_service.current_digest

    def counting(*args: Any, **kwargs: Any) -> Any:
        judged.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(digest_service, "current_digest", counting)
    metrics = Metrics()
    metrics.watch_store(Probe(runtime, leader=lambda: True))
    with transaction(runtime.sessions) as s:
        task = task_service.add_task(s, Actor.system("test"), clock(), "统筹推进")
    metrics.render()
    metrics.render()
    assert len(judged) == 1
    with transaction(runtime.sessions) as s:
        task_service.mark_done(s, task.id, Actor.system("test"), clock(), "")
    text = metrics.render().decode()
    assert len(judged) == 2 and 'taskbot_tasks{standing="done"} 1.0' in text
    clock.advance(seconds=STANDING_REFRESH.total_seconds())
    metrics.render()
    assert len(judged) == 3


@pytest.mark.parametrize(
    ("update", "label"),
    [
        ({"message": {"text": "/done 3 已完成"}}, "done"),
        ({"message": {"text": "/DONE@taskbot_test_bot 3"}}, "done"),
        ({"message": {"text": "/frobnicate"}}, "unknown_command"),
        ({"message": {"text": "/"}}, "unknown_command"),
        ({"message": {"text": "40% 已完成摸底"}}, "message"),
        ({"message": {"caption": "/import", "document": {"file_id": "f", "file_unique_id": "u"}}}, "message"),
        ({"callback_query": {"id": "q", "chat_instance": "c", "data": "done:1"}}, "callback"),
        ({"my_chat_member": None}, "other"),
    ],
)
def test_update_labels_are_bounded(update: dict[str, Any], label: str) -> None:
    user = {"id": 1, "is_bot": False, "first_name": "张三"}
    chat = {"id": -100, "type": "supergroup", "title": "群"}
    data: dict[str, Any] = {"update_id": 1}
    if "message" in update:
        data["message"] = {"message_id": 1, "date": 0, "chat": chat, "from": user, **update["message"]}
    elif "callback_query" in update:
        data["callback_query"] = {"from": user, **update["callback_query"]}
    assert command_of(Update.de_json(data, None), frozenset({"done", "tasks"})) == label


async def test_a_port_in_use_is_an_error_at_start_not_a_silent_bot() -> None:
    taken = OpsServer("127.0.0.1", 0)
    await taken.start()
    try:
        second = OpsServer("127.0.0.1", taken.port)
        with pytest.raises(OSError) as info:
            await second.start()
        assert info.value.errno == errno.EADDRINUSE
    finally:
        await taken.stop()
