"""Deadlines resolved against the bulletin date, and the bulletin's own date."""

from __future__ import annotations

import datetime as dt

import pytest

from taskbot.bulletin.dates import add_workdays, festival, find_deadline, issue_date
from taskbot.bulletin.normalize import for_matching

ISSUED = dt.date(2022, 6, 24)  # a Friday


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("今年，全区要实现全覆盖", "2022-12-31"),
        ("确保今年各镇创建至少1个阵地", "2022-12-31"),
        ("年底前完成改造", "2022-12-31"),
        ("年内建成投用", "2022-12-31"),
        ("9月底前完成排查", "2022-09-30"),
        ("6月30日前报送", "2022-06-30"),
        ("10月中旬前完成", "2022-10-20"),
        ("本月底前完成", "2022-06-30"),
        ("下月底前完成", "2022-07-31"),
        ("上半年完成", "2022-06-30"),
        ("三季度末前完成", "2022-09-30"),
        ("三季度举办活动", "2022-09-30"),
        ("10个工作日内报送", "2022-07-08"),  # two working weeks, no holiday in between
        ("30日内报备", "2022-07-24"),
        ("两周内完成", "2022-07-08"),
        ("3个月内完成", "2022-09-24"),
        ("2024年12月底前", "2024-12-31"),
        ("2024年6月30日前", "2024-06-30"),
        ("2024年底前", "2024-12-31"),
        ("2024年上半年完成", "2024-06-30"),
        ("到2025年，全市建成", "2025-12-31"),
        ("明年6月底前", "2023-06-30"),
        ("今年9月底前", "2022-09-30"),
        ("5月底前完成", "2023-05-31"),  # already past this year: next year's
        ("国庆节前完成", "2022-10-01"),
        ("清明节前完成", "2023-04-05"),  # already past this year
        ("春节前完成", "2023-01-21"),  # first day of the 2023 Spring Festival holiday
        ("今年以来，全区完成投资", None),
        ("每年年底开展考核", None),
        ("今年改造小区14个，于11月30日前全部开工", "2022-11-30"),  # the named date says more
        ("今年，全区要实现全覆盖", "2022-12-31"),
        ("全年完成投资50亿元以上", "2022-12-31"),
        ("紧盯全年目标任务", "2022-12-31"),
        ("2021年全年完成投资40亿元", None),
        ("全年无休", None),
        ("每年年底前将进展情况报上级", "2022-12-31"),  # a yearly report, first due this year
        ("6月14日，全市召开大会", None),
        ("2023年是关键之年", None),
        ("一季度GDP增长", None),  # a season already past, named bare: a look back
        ("长期坚持", None),
        # out of the window of dates taskbot accepts, or a number cut short: no deadline
        ("99999个工作日内完成", None),
        ("9999年12月31日前完成", None),
        ("1999年底前完成", None),
        ("2101年底前完成", None),
        ("自查阶段（即日起至8月15日）", "2022-08-15"),  # the end of a range
        ("集中检查阶段（8月16日至9月30日）", "2022-09-30"),
        ("", None),
    ],
)
def test_deadline(text: str, want: str | None) -> None:
    got = find_deadline(for_matching(text), ISSUED)
    assert (got.isoformat() if got else None) == want


@pytest.mark.parametrize(
    ("field", "want"),
    [
        ("2024年6月", "2024-06-30"),
        ("2024年", "2024-12-31"),
        ("2024年10月底前", "2024-10-31"),
        ("持续推进", None),
        ("每季度", None),
        ("全年", "2022-12-31"),
        ("上半年", "2022-06-30"),
        ("2024年11月30日", "2024-11-30"),
    ],
)
def test_deadline_from_a_time_field(field: str, want: str | None) -> None:
    got = find_deadline(for_matching(field), ISSUED, field=True)
    assert (got.isoformat() if got else None) == want


@pytest.mark.parametrize(
    ("start", "count", "want"),
    [
        (dt.date(2024, 5, 20), 10, dt.date(2024, 6, 3)),
        (dt.date(2024, 9, 27), 1, dt.date(2024, 9, 29)),  # a Sunday made a workday (调休)
        (dt.date(2024, 9, 27), 3, dt.date(2024, 10, 8)),  # across the National Day holiday
        (dt.date(2024, 2, 8), 2, dt.date(2024, 2, 18)),  # across Spring Festival
    ],
)
def test_add_workdays_skips_rest_days(start: dt.date, count: int, want: dt.date) -> None:
    assert add_workdays(start, count) == want


def test_festivals() -> None:
    assert festival("清明", 2024) == dt.date(2024, 4, 4)
    assert festival("国庆", 2030) == dt.date(2030, 10, 1)
    assert festival("春节", 2024) == dt.date(2024, 2, 10)
    # Years chinese-calendar does not know: the statutory rule, 春节 from 除夕 (lunar 2027 starts 02-06)
    assert festival("春节", 2027) == dt.date(2027, 2, 5)
    assert festival("中秋", 2027) == dt.date(2027, 9, 15)
    assert festival("端午", 2150) is None  # beyond the lunar table


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("某区人民政府办公室\n2024年3月8日", "2024-03-08"),
        ("二〇二三年八月十六日", "2023-08-16"),
        ("2023年工作要点 6月14日召开 6月24日召开", "2023-06-24"),
        ("完成时限：2024年12月31日前\n印发日期：2024年3月8日", "2024-03-08"),
        ("到2025年12月31日，全面建成", None),
        ("6月24日召开会议", None),  # no year anywhere
        ("", None),
    ],
)
def test_issue_date(text: str, want: str | None) -> None:
    got = issue_date(for_matching(text))
    assert (got.isoformat() if got else None) == want
