"""Parsing the arguments of the admins' commands (pure functions, no Telegram)."""

from __future__ import annotations

import datetime as dt

import pytest

from taskbot.bot.admin_args import (
    NewTask,
    parse_add,
    parse_cadence,
    parse_deadline,
    parse_deadline_or_none,
    parse_parties,
    parse_party_name,
)
from taskbot.bot.args import BadArguments, parse_task_id, split_task_id
from taskbot.domain.values import Cadence

TODAY = dt.date(2026, 10, 5)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("推进创熟", NewTask("推进创熟")),
        (
            "推进创熟 | 各镇街 | 每周 | 2026-12-31",
            NewTask("推进创熟", ["各镇街"], Cadence.WEEKLY, dt.date(2026, 12, 31)),
        ),
        ("推进创熟｜各镇街｜每月", NewTask("推进创熟", ["各镇街"], Cadence.MONTHLY)),
        ("推进创熟 | 市、区领导, 各镇街", NewTask("推进创熟", ["市、区领导", "各镇街"])),
        ("推进创熟 | 各镇街 | 12月31日", NewTask("推进创熟", ["各镇街"], None, dt.date(2026, 12, 31))),
        ("推进创熟 | | weekly", NewTask("推进创熟", [], Cadence.WEEKLY)),
        (
            "推进创熟 | 各镇街 | 2027-01-15 | 半月",
            NewTask("推进创熟", ["各镇街"], Cadence.FORTNIGHTLY, dt.date(2027, 1, 15)),
        ),
        ("  推进   创熟  |各镇街|", NewTask("推进 创熟", ["各镇街"])),
    ],
)
def test_parse_add(args: str, expected: NewTask) -> None:
    assert parse_add(args, TODAY) == expected


@pytest.mark.parametrize(
    ("args", "key"),
    [
        ("", "admin.add_no_title"),
        (" | 各镇街", "admin.add_no_title"),
        ("a | b | 每周 | 2026-12-31 | extra", "admin.add_too_many_fields"),
        ("a | b | sometimes", "admin.add_bad_field"),
        ("a | b | 2026-13-40", "admin.bad_deadline"),
        ("a | b | 2026-12-31 | 2026-12-30", "admin.add_bad_field"),
        ("a | b | 每周 | 每月", "admin.add_bad_field"),
        ("x" * 501, "admin.title_too_long"),
    ],
)
def test_parse_add_rejects(args: str, key: str) -> None:
    with pytest.raises(BadArguments) as caught:
        parse_add(args, TODAY)
    assert caught.value.key == key


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("每日", Cadence.DAILY),
        ("daily", Cadence.DAILY),
        ("每周", Cadence.WEEKLY),
        ("Weekly", Cadence.WEEKLY),
        ("每周一次", Cadence.WEEKLY),
        ("每两周", Cadence.FORTNIGHTLY),
        ("半月", Cadence.FORTNIGHTLY),
        ("fortnightly", Cadence.FORTNIGHTLY),
        ("每月", Cadence.MONTHLY),
        ("monthly", Cadence.MONTHLY),
        ("每季度", Cadence.QUARTERLY),
        ("quarterly", Cadence.QUARTERLY),
        ("每年", Cadence.YEARLY),
        ("yearly", Cadence.YEARLY),
        ("none", None),
        ("无", None),
    ],
)
def test_parse_cadence(word: str, expected: Cadence | None) -> None:
    assert parse_cadence(word) == expected


@pytest.mark.parametrize("word", ["sometimes", "", "每", "weeklyish"])
def test_parse_cadence_rejects(word: str) -> None:
    with pytest.raises(BadArguments) as caught:
        parse_cadence(word)
    assert caught.value.key == "admin.bad_cadence"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("2026-12-31", dt.date(2026, 12, 31)),
        ("2026/1/5", dt.date(2026, 1, 5)),
        ("2026.03.01", dt.date(2026, 3, 1)),
        ("2026年6月30日", dt.date(2026, 6, 30)),
        ("2026年6月30日前", dt.date(2026, 6, 30)),
        ("２０２６－１２－３１", dt.date(2026, 12, 31)),
        ("12月31日", dt.date(2026, 12, 31)),
        ("10月5日", dt.date(2026, 10, 5)),  # today still counts as this year
        ("6月30日前", dt.date(2027, 6, 30)),  # already past this year: next year's
        ("年底前", dt.date(2026, 12, 31)),
        # forms only the bulletin parser's resolver knows
        ("年底", dt.date(2026, 12, 31)),
        ("11月底前", dt.date(2026, 11, 30)),
        ("10个工作日内", dt.date(2026, 10, 20)),  # National Day week is not workdays
        ("下月底", dt.date(2026, 11, 30)),
        ("明年上半年", dt.date(2027, 6, 30)),
    ],
)
def test_parse_deadline(word: str, expected: dt.date) -> None:
    assert parse_deadline(word, TODAY) == expected


@pytest.mark.parametrize("word", ["2026-13-40", "2026-02-30", "2月30日", "tomorrow", "31/12/2026", ""])
def test_parse_deadline_rejects(word: str) -> None:
    with pytest.raises(BadArguments) as caught:
        parse_deadline(word, TODAY)
    assert caught.value.key == "admin.bad_deadline"


@pytest.mark.parametrize("word", ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01", "2101年1月1日"])
def test_parse_deadline_refuses_dates_outside_the_window(word: str) -> None:
    with pytest.raises(BadArguments) as caught:
        parse_deadline(word, TODAY)
    assert caught.value.key == "admin.deadline_out_of_range"
    assert caught.value.params == {"first": "2000-01-01", "last": "2100-12-31"}


@pytest.mark.parametrize("word", ["99999个工作日内", "99999天内", "1000个工作日内"])
def test_parse_deadline_refuses_a_count_it_cannot_read_whole(word: str) -> None:
    """Never a clamp: 99999个工作日内 is not read as its last three digits."""
    with pytest.raises(BadArguments):
        parse_deadline(word, TODAY)


@pytest.mark.parametrize("word", ["none", "NONE", "无", "取消"])
def test_deadline_none_clears(word: str) -> None:
    assert parse_deadline_or_none(word, TODAY) is None


@pytest.mark.parametrize(("word", "expected"), [("3", 3), ("#3", 3), ("＃12", 12), ("３", 3)])
def test_parse_task_id(word: str, expected: int) -> None:
    assert parse_task_id(word, "admin.usage.close") == expected


@pytest.mark.parametrize("word", ["abc", "-1", "3.5", "1234567890", "#"])
def test_parse_task_id_rejects(word: str) -> None:
    with pytest.raises(BadArguments) as caught:
        parse_task_id(word, "admin.usage.close")
    assert caught.value.key == "admin.usage.close"


def test_split_task_id() -> None:
    assert split_task_id("3 @zhangsan", "admin.assign_usage").rest == "@zhangsan"
    assert split_task_id(" 7 ", "admin.close_usage").rest == ""
    with pytest.raises(BadArguments) as caught:
        split_task_id("  ", "admin.assign_usage")
    assert caught.value.key == "admin.assign_usage"
    # A malformed number is answered with the usage too: it shows what a task number looks like.
    with pytest.raises(BadArguments) as caught:
        split_task_id("abc @zhangsan", "admin.assign_usage")
    assert caught.value.key == "admin.assign_usage"


def test_parse_parties_keeps_enumeration_commas_inside_names() -> None:
    assert parse_parties("市、区领导；各镇街，各镇街,  各相关部门 ") == ["市、区领导", "各镇街", "各相关部门"]
    assert parse_parties(" , ") == []


def test_parse_party_name() -> None:
    assert parse_party_name("  各 镇街 ") == "各 镇街"
    with pytest.raises(BadArguments) as caught:
        parse_party_name("   ")
    assert caught.value.key == "admin.usage.bind"
    with pytest.raises(BadArguments):
        parse_party_name("x" * 201)
