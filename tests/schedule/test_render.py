"""Rendering: wording per beat and language, messages under 4096 characters, bounded keyboards."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from taskbot.domain.beats import BeatRules
from taskbot.domain.calendar import WorkCalendar
from taskbot.domain.digest import RedBlackRules, TaskFacts, UnitFacts
from taskbot.domain.values import Beat
from taskbot.schedule.planner import Audience, Fire, PlanRules
from taskbot.schedule.render import (
    MAX_KEYBOARD_TASKS,
    MESSAGE_LIMIT,
    Line,
    Part,
    RenderContext,
    render_fire,
    split_message,
)
from taskbot.services.digest import ChatInfo, StoreView

SH = ZoneInfo("Asia/Shanghai")
GROUP = -1001
CREATED = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)


def at(m: int, d: int, hh: int = 9) -> dt.datetime:
    return dt.datetime(2026, m, d, hh, tzinfo=SH)


def facts(i: int, **kw: object) -> TaskFacts:
    base: dict[str, object] = {"id": i, "title": f"任务{i}", "status": "open", "created_at": CREATED}
    base.update(kw)
    return TaskFacts(**base)  # type: ignore[arg-type]


def context(tasks: list[TaskFacts], language: str | None = None) -> RenderContext:
    view = StoreView(
        tasks={t.id: t for t in tasks},
        routes={t.id: (GROUP,) for t in tasks},
        chats={GROUP: ChatInfo(1, GROUP, "测试群", language, True)},
    )
    rules = PlanRules(BeatRules(tz=SH), leaders_chat_id=-100999)
    return RenderContext(view, rules, RedBlackRules(), WorkCalendar())


def test_split_keeps_every_line_in_order_under_the_limit() -> None:
    lines = [Line(f"#{i} " + "很长的任务标题" * 14, i) for i in range(1, 301)]
    parts = split_message(lines, "zh")
    assert len(parts) > 1
    assert all(len(p.text) <= MESSAGE_LIMIT for p in parts)
    assert parts[1].text.startswith(f"（续 2/{len(parts)}）")
    body = [ln for p in parts for ln in p.text.split("\n") if not ln.startswith("（续")]
    assert body == [line.text for line in lines]
    for part in parts:
        assert 0 < len(part.buttons) <= MAX_KEYBOARD_TASKS
        first_task = int(part.buttons[0][0].data.split(":")[1])
        assert part.text.split("\n")[1 if part is not parts[0] else 0].startswith(f"#{first_task} ")


def test_a_line_longer_than_a_message_is_cut() -> None:
    parts = split_message([Line("字" * 10_000)], "en")
    assert [len(p.text) <= MESSAGE_LIMIT for p in parts] == [True, True, True]
    assert "".join(p.text.split("\n", 1)[-1] if i else p.text for i, p in enumerate(parts)) == "字" * 10_000


def test_weekly_dispatch_message_in_chinese() -> None:
    tasks = [
        facts(1, title="抓目标节点", parties=("各镇街",), deadline=dt.date(2026, 12, 31), progress=30),
        facts(2, title="健全督查督办机制", parties=("各相关部门",), last_report_at=at(10, 1)),
        facts(3, title="受阻任务", status="blocked", parties=("各镇街",)),
    ]
    fire = Fire(at(10, 8), Beat.WEEKLY, GROUP, (1, 2, 3))
    [part] = render_fire(fire, context(tasks))
    assert part.text.split("\n") == [
        "【每周调度】2026年10月8日",
        "在办任务 3 项，请汇报本周进展：",
        "#1 抓目标节点（截止 2026年12月31日，进度 30%）",
        "#2 健全督查督办机制",
        "#3 受阻任务（受阻）",
        "",
        "自上次调度以来尚未汇报：各镇街",
        "请点击下方按钮，或回复本消息，或发送 /done 编号、/status 编号 进展、/blocked 编号 原因。",
    ]
    assert [[b.data for b in row] for row in part.buttons] == [
        [f"done:{i}", f"progress:{i}", f"blocked:{i}"] for i in (1, 2, 3)
    ]
    assert Part.from_json(part.to_json()) == part


def test_chat_language_picks_english() -> None:
    fire = Fire(at(10, 8), Beat.WEEKLY, GROUP, (1,))
    [part] = render_fire(fire, context([facts(1, parties=("A",), last_report_at=at(10, 7))], "en"))
    assert part.text.startswith("[Weekly dispatch] 2026-10-08\n1 open tasks")
    assert "Every responsible party has reported" in part.text
    assert part.buttons[0][0].text == "✅ #1 done"


def test_many_tasks_one_message_with_a_bounded_keyboard() -> None:
    tasks = [facts(i, parties=("甲",)) for i in range(1, 41)]
    fire = Fire(at(10, 8), Beat.WEEKLY, GROUP, tuple(t.id for t in tasks))
    ctx = context(tasks)
    ctx.max_items = 30
    parts = render_fire(fire, ctx)
    assert len(parts) == 1
    assert len(parts[0].buttons) == MAX_KEYBOARD_TASKS
    assert "按钮只列前 20 项" in parts[0].text


def test_the_weekly_dispatch_fits_a_phone_overdue_first() -> None:
    tasks = [facts(i, parties=("甲",)) for i in range(1, 16)]
    tasks[11] = facts(12, parties=("甲",), deadline=dt.date(2026, 10, 1))  # 7 days overdue
    tasks[13] = facts(14, parties=("甲",), deadline=dt.date(2026, 9, 28))  # 10 days overdue
    fire = Fire(at(10, 8), Beat.WEEKLY, GROUP, tuple(t.id for t in tasks))
    [part] = render_fire(fire, context(tasks))  # reminders.max_items: 10
    lines = part.text.split("\n")
    assert lines[1] == "在办任务 15 项，请汇报本周进展："
    assert lines[2].startswith("⚠️逾期 10 天 #14 任务14")
    assert lines[3].startswith("⚠️逾期 7 天 #12 任务12")
    assert [ln.split()[0] for ln in lines[4:12]] == [f"#{i}" for i in range(1, 9)]
    assert lines[12] == "另有 5 项，发送 /tasks 查看"
    # buttons only for what it shows
    assert [row[0].data for row in part.buttons] == [f"done:{i}" for i in (14, 12, *range(1, 9))]
    assert "按钮只列前" not in part.text


def unit_facts(name: str, chat_id: int, **kw: object) -> UnitFacts:
    return UnitFacts(chat_id=chat_id, name=name, **kw)  # type: ignore[arg-type]


def test_fortnightly_bulletin_for_the_leaders() -> None:
    done = {"status": "done", "progress": 100, "completed_at": at(10, 9), "completion": "on_time"}
    tasks = [
        facts(
            1,
            status="done",
            done_at=at(10, 9),
            parties=("甲镇",),
            last_report_at=at(10, 9),
            progress=100,
            units=(unit_facts("甲镇", -1, last_report_at=at(10, 9), **done),),
        ),
        facts(
            2,
            deadline=dt.date(2026, 10, 2),
            parties=("乙局",),
            last_report_at=at(10, 9),
            units=(unit_facts("乙局", -2, last_report_at=at(10, 9)),),
        ),
        facts(3, parties=("丙街道",), units=(unit_facts("丙街道", -3),)),  # silent since creation on 9-1
        facts(
            4,
            parties=("甲镇",),
            last_report_at=at(10, 10),
            progress=50,
            units=(unit_facts("甲镇", -1, status="in_progress", progress=50, last_report_at=at(10, 10)),),
        ),
        facts(5, parties=("各责任单位",), last_report_at=at(10, 10)),  # no group answers for it yet
    ]
    fire = Fire(at(10, 12), Beat.FORTNIGHTLY, -100999, (1, 2, 3, 4, 5), Audience.LEADERS)
    [part] = render_fire(fire, context(tasks))
    assert part.text.split("\n") == [
        "【半月通报】2026年10月12日",
        "全部任务 5 项：",
        "已完成 1 · 正常推进 2 · 逾期 1 · 受阻 0 · 未汇报 1",
        "逾期：",
        "  #2 任务2（逾期 10 天）",
        "14 天以上未汇报：",
        "  #3 任务3（从未汇报）",
        "本期完成：",
        "  #1 任务1",
        "",
        "红榜：",
        "  1. 甲镇：按期办结 1 项，本期汇报 1 项，平均进度 75%",
        "黑榜：",
        "  1. 乙局：逾期未完成 1 项（最长 10 天）",
        "  2. 丙街道：1 项超过 14 天未汇报",
        "以下为统称，不参与排名，请在各单位的工作群中分别发送 /bind 绑定：各责任单位",
    ]
    assert "0 项" not in part.text  # no zero clauses
    assert part.buttons == ()


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (at(10, 8), "#1 任务1 — 距截止还有 1 天（2026年10月9日）"),
        (at(10, 12), "#1 任务1 — 已逾期 3 天（截止 2026年10月9日）"),
    ],
)
def test_deadline_reminder(day: dt.datetime, expected: str) -> None:
    fire = Fire(day, Beat.DEADLINE, GROUP, (1,))
    [part] = render_fire(fire, context([facts(1, deadline=dt.date(2026, 10, 9))]))
    assert part.text.split("\n")[1] == expected
    assert part.buttons[0][0].data == "done:1"


def test_escalation_names_parties_and_days() -> None:
    fire = Fire(at(10, 13), Beat.ESCALATION, -100999, (1, 2), Audience.LEADERS)
    tasks = [
        facts(1, deadline=dt.date(2026, 10, 9), parties=("甲镇", "乙局"), progress=20),
        facts(2, deadline=dt.date(2026, 10, 9)),
    ]
    [part] = render_fire(fire, context(tasks))
    assert part.text.split("\n")[1:] == [
        "以下任务逾期超过 3 天仍未完成，提请领导督办：",
        "#1 任务1（甲镇、乙局；逾期 4 天，进度 20%）",
        "#2 任务2（未指定责任单位；逾期 4 天，进度 0%）",
    ]


def test_monthly_agenda_gives_reasons() -> None:
    tasks = [facts(1, status="blocked", deadline=dt.date(2026, 9, 30), progress=10)]
    fire = Fire(at(10, 8), Beat.MONTHLY, GROUP, (1,))
    [part] = render_fire(fire, context(tasks))
    assert part.text.split("\n")[1:] == [
        "以下 1 项任务提请本月会商研究：",
        "#1 任务1（受阻，逾期 8 天，上次会商以来无进展）",
    ]


def test_monthly_agenda_names_the_units_and_the_reason_they_gave() -> None:
    units = (
        unit_facts(
            "乙镇群",
            -2,
            status="blocked",
            progress=10,
            last_report_at=at(9, 28),
            last_report_text="资金未到位",
        ),
        unit_facts("甲镇群", -1, status="done", progress=100, completed_at=at(9, 20), completion="on_time"),
        unit_facts("丙镇群", -3),
    )
    tasks = [facts(1, status="blocked", deadline=dt.date(2026, 9, 30), progress=37, units=units)]
    fire = Fire(at(10, 8), Beat.MONTHLY, -100999, (1,), Audience.LEADERS)
    [part] = render_fire(fire, context(tasks))
    assert part.text.split("\n")[1:] == [
        "以下 1 项任务提请本月会商研究：",
        "#1 任务1（受阻，逾期 8 天，上次会商以来无进展）",
        "  乙镇群受阻：资金未到位",
        "  涉及单位：乙镇群、丙镇群",  # 甲镇 has done its share
    ]


def test_escalation_carries_the_blocked_reason_and_the_latest_report() -> None:
    units = (
        unit_facts(
            "甲镇群",
            -1,
            status="in_progress",
            progress=60,
            last_report_at=at(10, 9),
            last_report_text="已摸底",
        ),
        unit_facts("乙镇群", -2, status="blocked", last_report_at=at(10, 10), last_report_text="资金未到位"),
        unit_facts("丙局", -3, role="partner"),
    )
    tasks = [facts(1, deadline=dt.date(2026, 10, 9), parties=("各镇街",), progress=30, units=units)]
    fire = Fire(at(10, 13), Beat.ESCALATION, -100999, (1,), Audience.LEADERS)
    [part] = render_fire(fire, context(tasks))
    assert part.text.split("\n")[2:] == [
        "#1 任务1（甲镇群（牵头）、乙镇群（牵头）、丙局；逾期 4 天，进度 30%）",  # the lead units first
        "  乙镇群受阻：资金未到位",
        "  最新汇报：甲镇群：已摸底",
    ]
