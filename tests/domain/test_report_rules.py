"""Reporting rules as tables: reading them from text, their JSON, and their due moments."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from taskbot.domain.report_rules import (
    ReportRule,
    due_moments,
    previous_moment,
    read_report_rule,
    rule_from_words,
    rules_of,
)

SH = ZoneInfo("Asia/Shanghai")
FRI_17 = {"rhythm": "weekly", "weekday": 5, "due": "17:00"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("请各单位于每周五下午5点前报送进展", FRI_17),
        ("各镇街每周五17:00前报送工作进展。", FRI_17),
        ("每周五 17：00 前将进展情况报市委督查室", FRI_17),
        ("每周二前报送", {"rhythm": "weekly", "weekday": 2, "due": None}),
        ("每周五上午10点半前报告", {"rhythm": "weekly", "weekday": 5, "due": "10:30"}),
        ("请于每月10日、25日前报送工作进展", {"rhythm": "monthly", "days": [10, 25], "due": None}),
        ("每日16时前上报当日排查情况", {"rhythm": "daily", "due": "16:00"}),
        ("每天下午4点前报送", {"rhythm": "daily", "due": "16:00"}),
        ("每季度末前报送推进情况", {"rhythm": "quarterly", "month": 3, "day": 0, "due": None}),
        ("每季度第一个月5日前报送上季度情况", {"rhythm": "quarterly", "month": 1, "day": 5, "due": None}),
        ("实行每周一调度、半月一通报", None),  # the office's own beat, nothing to report
        ("每周五前完成清理", None),  # no reporting verb
        ("请各单位报送进展", None),  # no rhythm
        ("", None),
    ],
)
def test_read_report_rule(text: str, expected: dict | None) -> None:
    rule = read_report_rule(text)
    assert (rule.to_json() if rule else None) == expected
    if rule is not None:
        assert ReportRule.from_json(rule.to_json()) == rule


def test_a_notice_rule_applies_to_every_directive_unless_one_states_its_own() -> None:
    text = "一、排查隐患。\n二、每日16时前上报。\n三、工作要求。请各单位于每周五下午5点前报送进展。"
    common, each = rules_of(text, ["排查隐患。", "每日16时前上报。"])
    assert common is not None and common.to_json() == {"rhythm": "daily", "due": "16:00"}
    assert [r.to_json() if r else None for r in each] == [common.to_json(), common.to_json()]
    common, each = rules_of(
        "一、排查隐患。\n请各单位于每周五下午5点前报送进展。", ["排查隐患。", "每日16时前上报。"]
    )
    assert [r.to_json() if r else None for r in each] == [FRI_17, {"rhythm": "daily", "due": "16:00"}]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("每周五17:00", FRI_17),
        ("每月10日、25日", {"rhythm": "monthly", "days": [10, 25], "due": None}),
        ("每日16时", {"rhythm": "daily", "due": "16:00"}),
        ("每季度末", {"rhythm": "quarterly", "month": 3, "day": 0, "due": None}),
        ("下周", None),
    ],
)
def test_rule_from_words(words: str, expected: dict | None) -> None:
    rule = rule_from_words(words)
    assert (rule.to_json() if rule else None) == expected


def at(m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(2026, m, d, hh, mm, tzinfo=SH)


@pytest.mark.parametrize(
    ("rule", "start", "end", "expected"),
    [
        (FRI_17, at(11, 30), at(12, 7), [at(12, 4, 17)]),
        (FRI_17, at(12, 4, 17), at(12, 11, 17), [at(12, 11, 17)]),  # START excluded, END included
        (
            {"rhythm": "weekly", "weekday": 2, "due": None},
            at(11, 30),
            at(12, 7),
            [at(12, 2)],
        ),
        (
            {"rhythm": "monthly", "days": [10, 31], "due": "12:00"},
            at(11, 1),
            at(12, 1),
            [at(11, 10, 12), at(11, 30, 12)],
        ),
        ({"rhythm": "quarterly", "month": 3, "day": 0, "due": None}, at(10, 1), at(12, 31, 23), []),
        ({"rhythm": "quarterly", "month": 1, "day": 5, "due": "09:00"}, at(9, 1), at(12, 31), [at(10, 5, 9)]),
        ({"rhythm": "daily", "due": "16:00"}, at(12, 1, 16), at(12, 3, 16), [at(12, 2, 16), at(12, 3, 16)]),
    ],
)
def test_due_moments(rule: dict, start: dt.datetime, end: dt.datetime, expected: list[dt.datetime]) -> None:
    parsed = ReportRule.from_json(rule)
    assert parsed is not None
    assert due_moments(parsed, start, end, SH) == expected


def test_previous_moment_starts_the_period() -> None:
    rule = ReportRule.from_json(FRI_17)
    assert rule is not None
    assert previous_moment(rule, at(12, 4, 17), SH) == at(11, 27, 17)
    monthly = ReportRule.from_json({"rhythm": "monthly", "days": [10, 25], "due": None})
    assert monthly is not None
    assert previous_moment(monthly, at(12, 11), SH) == at(11, 26)
