"""Pure parts of the bot: command arguments, button data, rendering, message splitting, error wording."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from taskbot.bot import args
from taskbot.bot.args import BadArguments
from taskbot.bot.errors import describe
from taskbot.bot.render import (
    MESSAGE_LIMIT,
    confirmation,
    deadline_label,
    history_line,
    mention,
    report_buttons,
    split_message,
    status_label,
    task_detail,
    task_line,
)
from taskbot.i18n import catalog
from taskbot.services.tasks import InvalidInput, NotAllowed, TaskNotFound
from taskbot.store.models import Party, Person, Report, Task

TZ = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 10, 5, 1, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 10, 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/done 3 note", "3 note"),
        ("/done@taskbot_bot 3 note", "3 note"),
        ("/status   3  50%  x y ", "3  50%  x y"),
        ("/done", ""),
        ("/done\n3\n已完成", "3\n已完成"),
        ("/status\u30003 50% 文字", "3 50% 文字"),  # a full-width space after the command
        ("plain words", "plain words"),
    ],
)
def test_command_args(text: str, expected: str) -> None:
    assert args.command_args(text) == expected


@pytest.mark.parametrize(
    ("rest", "expected"),
    [
        ("3 50% 已完成摸底", args.TaskReport(3, "已完成摸底", 50)),
        ("3 50％ 已完成摸底", args.TaskReport(3, "已完成摸底", 50)),
        ("3 50 % 已完成摸底", args.TaskReport(3, "已完成摸底", 50)),
        ("#3 0% 刚开始", args.TaskReport(3, "刚开始", 0)),
        ("３ 100%", args.TaskReport(3, "", 100)),
        ("3 150% x", args.TaskReport(3, "x", 150)),  # the service refuses the range, with the number
        ("3 正在推进，完成50%", args.TaskReport(3, "正在推进，完成50%", None)),
        ("3", args.TaskReport(3, "", None)),
    ],
)
def test_parse_status(rest: str, expected: args.TaskReport) -> None:
    assert args.parse_status(rest) == expected


@pytest.mark.parametrize("rest", ["", "abc", "abc 50% x", "3.5 x", "-1 x", "50% 3 x"])
def test_parse_status_usage(rest: str) -> None:
    with pytest.raises(BadArguments) as err:
        args.parse_status(rest)
    assert err.value.key == "bot.usage.status"


@pytest.mark.parametrize(
    ("parser", "rest", "expected"),
    [
        (args.parse_done, "3", args.TaskReport(3, "")),
        (args.parse_done, "3 70个社区已全覆盖", args.TaskReport(3, "70个社区已全覆盖")),
        (args.parse_done, "3 50% 不是进度", args.TaskReport(3, "50% 不是进度")),
        (args.parse_blocked, "3 等待 资金批复", args.TaskReport(3, "等待 资金批复")),
        (args.parse_blocked, "3", args.TaskReport(3, "")),
    ],
)
def test_parse_done_and_blocked(parser: object, rest: str, expected: args.TaskReport) -> None:
    assert parser(rest) == expected  # type: ignore[operator]


@pytest.mark.parametrize(
    ("parser", "usage"), [(args.parse_done, "bot.usage.done"), (args.parse_blocked, "bot.usage.blocked")]
)
@pytest.mark.parametrize("rest", ["", "abc", "3abc note"])
def test_parse_done_and_blocked_usage(parser: object, usage: str, rest: str) -> None:
    with pytest.raises(BadArguments) as err:
        parser(rest)  # type: ignore[operator]
    assert err.value.key == usage


@pytest.mark.parametrize(("rest", "ok"), [("3", 3), ("#12", 12), ("3 4", None), ("", None), ("x", None)])
def test_parse_task_number(rest: str, ok: int | None) -> None:
    if ok is None:
        with pytest.raises(BadArguments):
            args.parse_task_number(rest, "bot.usage.task")
    else:
        assert args.parse_task_number(rest, "bot.usage.task") == ok


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("done:3", ("done", 3)),
        ("progress:12", ("progress", 12)),
        ("blocked:7", ("blocked", 7)),
        ("done:", None),
        ("done:x", None),
        ("done:３", None),
        ("import:confirm", None),
        ("done3", None),
    ],
)
def test_parse_button(data: str, expected: tuple[str, int] | None) -> None:
    assert args.parse_button(data) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50% 已完成", (50, "已完成")),
        ("已完成 50%", (None, "已完成 50%")),
        ("  100％", (100, "")),
        ("", (None, "")),
    ],
)
def test_split_progress(text: str, expected: tuple[int | None, str]) -> None:
    assert args.split_progress(text) == expected


# --- rendering ---


def _task(**fields: object) -> Task:
    values: dict[str, object] = {
        "id": 3,
        "title": "抓目标节点",
        "text": "要以非常之力抓目标节点<b>",
        "status": "open",
        "progress": 0,
        "cadence": [],
        "deadline": None,
        "created_at": T0,
        "updated_at": T0,
    }
    values.update(fields)
    task = Task(**values)
    task.parties = [Party(name="各镇街"), Party(name="市、区领导")]
    return task


@pytest.mark.parametrize(
    ("status", "progress", "lang", "expected"),
    [
        ("open", 0, "zh", "待办"),
        ("in_progress", 50, "zh", "进行中 50%"),
        ("in_progress", 0, "zh", "进行中"),
        ("blocked", 20, "en", "blocked 20%"),
        ("done", 100, "zh", "已完成"),
        ("cancelled", 30, "en", "closed"),
        ("weird<", 0, "zh", "weird&lt;"),
    ],
)
def test_status_label(status: str, progress: int, lang: str, expected: str) -> None:
    assert status_label(status, progress, lang) == expected


@pytest.mark.parametrize(
    ("deadline", "status", "expected"),
    [
        (None, "open", ""),
        (dt.date(2026, 12, 31), "open", "截止 2026-12-31"),
        (TODAY, "open", "截止 2026-10-05"),
        (dt.date(2026, 10, 2), "open", "已逾期 3 天"),
        (dt.date(2026, 10, 2), "done", "截止 2026-10-02"),  # a finished task is not overdue
    ],
)
def test_deadline_label(deadline: dt.date | None, status: str, expected: str) -> None:
    assert deadline_label(_task(deadline=deadline, status=status), TODAY, "zh") == expected


def test_task_line_escapes_and_clips() -> None:
    line = task_line(_task(title="<script>" + "很长" * 60, status="in_progress", progress=40), TODAY, "zh")
    assert line.startswith("<b>#3</b> &lt;script&gt;")
    assert "…" in line and line.endswith("进行中 40%")


def test_task_detail_in_both_languages() -> None:
    task = _task(cadence=["weekly", "monthly"], deadline=dt.date(2026, 12, 31), target="70个社区")
    person = Person(display_name="张三", telegram_user_id=1)
    task.assignees = [person, Person(username="lisi", display_name="")]
    task.reports = [
        Report(actor="督查室", at=T0, kind="created", status="open", text="抓目标节点"),
        Report(
            actor="张三",
            person=person,
            at=T0 + dt.timedelta(days=1),
            kind="status",
            status="in_progress",
            progress=50,
            text="完成<摸底>",
        ),
    ]
    (zh,) = task_detail(task, TODAY, TZ, "zh")
    assert "责任单位: 各镇街、市、区领导" in zh
    assert "责任人: 张三、@lisi" in zh
    assert "频次: 每周、每月" in zh
    assert "目标: 70个社区" in zh
    assert "原文: 要以非常之力抓目标节点&lt;b&gt;" in zh
    assert "2026-10-05 09:00 督查室 创建" in zh
    assert "2026-10-06 09:00 张三 汇报进展 50%：完成&lt;摸底&gt;" in zh
    assert zh.endswith("回复本消息即可汇报进展。")
    (en,) = task_detail(task, TODAY, TZ, "en")
    assert "Cadence: weekly, monthly" in en and "Status: to do · due 2026-12-31" in en


def test_task_detail_shows_only_the_latest_history() -> None:
    task = _task(status="done", progress=100)
    task.reports = [
        Report(
            actor="x", at=T0 + dt.timedelta(minutes=i), kind="status", status="in_progress", text=f"第{i}次"
        )
        for i in range(40)
    ]
    (text,) = task_detail(task, TODAY, TZ, "zh")
    assert "（更早的 25 条记录略）" in text
    assert "第39次" in text and "第24次" not in text
    assert "回复本消息" not in text  # a done task asks for no more reports


def test_history_line_without_actor_names_the_person() -> None:
    report = Report(
        actor="",
        person=Person(username="lisi", display_name=""),
        at=T0,
        kind="done",
        status="done",
        progress=100,
    )
    assert history_line(report, TZ, "en") == "2026-10-05 09:00 @lisi done"


def test_confirmations() -> None:
    task = _task()
    done = Report(task=task, kind="done", status="done", progress=100, text="", at=T0)
    assert confirmation(done, "张<三>", "zh") == "✅ 张&lt;三&gt; 已将任务 <b>#3</b> 抓目标节点 标记为完成"
    status = Report(task=task, kind="status", status="in_progress", progress=None, text="推进", at=T0)
    assert confirmation(status, "Li", "en") == "📝 Recorded Li's progress on <b>#3</b> 抓目标节点: 推进"


def test_mention_prefers_the_username() -> None:
    assert mention(Person(username="zhang_san", display_name="张三"), 5) == "@zhang_san"
    assert mention(Person(display_name="张<三>"), 5) == '<a href="tg://user?id=5">张&lt;三&gt;</a>'


def test_report_buttons_carry_the_callback_contract() -> None:
    markup = report_buttons(12, "zh")
    assert [b.callback_data for b in markup.inline_keyboard[0]] == ["done:12", "progress:12", "blocked:12"]
    assert [b.text for b in markup.inline_keyboard[0]] == ["✅ 完成", "📝 汇报进展", "⛔ 受阻"]


@pytest.mark.parametrize("lines", [1, 10, 500, 3000])
def test_split_message_keeps_lines_whole_and_under_the_limit(lines: int) -> None:
    text = "\n".join(f"<b>#{i}</b> 任务标题" * 3 for i in range(lines))
    parts = split_message(text)
    assert all(len(p) <= MESSAGE_LIMIT for p in parts)
    assert "\n".join(parts) == text


def test_split_message_cuts_an_overlong_line() -> None:
    parts = split_message("x" * (MESSAGE_LIMIT * 2 + 5))
    assert [len(p) for p in parts] == [MESSAGE_LIMIT, MESSAGE_LIMIT, 5]


# --- wording of refusals ---


def test_every_service_error_code_has_wording_in_both_languages() -> None:
    import re
    from pathlib import Path

    source = (Path(__file__).parents[2] / "src" / "taskbot" / "services" / "tasks.py").read_text(
        encoding="utf-8"
    )
    codes = set(re.findall(r'(?:TaskNotFound|NotAllowed|InvalidInput|InvalidTransition)\("(\w+)"', source))
    assert codes, "the service raises coded errors"
    for code in codes:
        assert set(catalog()[f"error.{code}"]) == {"zh", "en"}, code


def test_describe_escapes_and_falls_back() -> None:
    assert describe(TaskNotFound("not_found", task_id=9), "en") == "There is no task 9."
    assert "&lt;x&gt;" in describe(InvalidInput("not_bound", party="<x>"), "zh")
    assert describe(NotAllowed("no_such_code", task_id=1), "zh") == describe(NotAllowed(task_id=1), "zh")
    assert describe(BadArguments("bot.usage.done"), "en").startswith("Usage: /done")


def test_catalog_has_both_languages_for_every_bot_key() -> None:
    for key, texts in catalog().items():
        if key.startswith(("bot.", "error.")):
            assert set(texts) == {"zh", "en"}, key
