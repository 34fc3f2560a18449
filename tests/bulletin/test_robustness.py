"""Any text gives a result: properties over random and bulletin-like text, pathological inputs,
and work that grows linearly with the input (counted in calls, never timed)."""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taskbot.bulletin import parse_bulletin
from taskbot.bulletin.parser import parse

DAY = dt.date(2024, 6, 24)
CADENCES = {"daily", "weekly", "fortnightly", "monthly", "quarterly", "yearly"}

# Pieces of real bulletins, so that generated text reaches the deep paths of the parser.
PIECES = [
    "要",
    "各镇街",
    "各相关部门",
    "全市上下",
    "区住建局",
    "市、区领导",
    "一把手",
    "负责同志",
    "会同",
    "加强",
    "健全工作调度机制",
    "推进",
    "确保",
    "坚持",
    "抓",
    "是",
    "一是",
    "二要",
    "第一，",
    "（一）",
    "1.",
    "2、",
    "●",
    "一、",
    "①",
    "，",
    "。",
    "；",
    "：",
    "、",
    "“",
    "”",
    "《",
    "》",
    "(",
    ")",
    ",",
    ":",
    "\n",
    "\n\n",
    " ",
    "\t",
    "|",
    "每周一调度",
    "半月一通报",
    "每季度",
    "年底前",
    "9月底前",
    "6月30日前",
    "10个工作日内",
    "今年",
    "上半年",
    "三季度",
    "清明节前",
    "2024年",
    "3月8日",
    "70个城市社区",
    "至少1个",
    "98%以上",
    "责任单位：",
    "完成时限：",
    "牵头单位:",
    "序号",
    "工作任务",
    "责任单位",
    "完成时限",
    "1",
    "2",
    "会议强调",
    "强调",
    "6 月 14 日，",
    "召开",
    "会议",
    "书记",
    "李明",
    "请各单位",
    "认真贯彻执行",
    "指导思想",
    "并",
    "同时",
    "\x00",
    "\u200b",
    "\ufeff",
    "　",
]

bulletin_text = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)
any_text = st.text(max_size=400)


def squeezed(text: str) -> str:
    """The input with whitespace and invisible characters removed: what directive texts come from."""
    return "".join(ch for ch in text if not (ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf")))


def check(text: str, result: Any) -> None:
    flat = squeezed(text)
    assert result.date_source in ("given", "text", "today")
    json.dumps(result.to_json(), ensure_ascii=False)
    for d in result.directives:
        assert d.text and squeezed(d.text) in flat
        assert d.title and squeezed(d.title) in flat
        assert d.target is None or squeezed(d.target) in squeezed(d.text)
        assert set(d.cadence) <= CADENCES and len(set(d.cadence)) == len(d.cadence)
        assert d.deadline is None or dt.date(1900, 1, 1) <= d.deadline <= dt.date(2200, 12, 31)
        assert all(p and squeezed(p) == p.replace(" ", "") for p in d.responsible)
        assert len(d.keywords) <= 5 and all(k in d.text for k in d.keywords)
    for s in result.sections:
        assert s.title
        assert s.date is None or isinstance(s.date, dt.date)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bulletin_text)
def test_bulletin_like_text_never_breaks_the_parser(text: str) -> None:
    check(text, parse(text, DAY))


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_any_unicode_never_breaks_the_parser(text: str) -> None:
    check(text, parse(text, None, today=DAY))


@settings(max_examples=100, deadline=None)
@given(bulletin_text, st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_any_bulletin_date_gives_valid_deadlines(text: str, day: dt.date) -> None:
    check(text, parse(text, day))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t\r\n",
        "\x00\x01\x02\x1b[31m\x7f\x85\u2028\u2029",
        "\ud7ff\uffff\U0010ffff",
        "●\n" * 2000,
        "一\n二\n三\n" * 500,
        "序号\n工作任务\n责任单位\n完成时限\n",
        "责任单位：" * 500,
        "“" * 5000 + "要加强",
        "要" * 5000,
    ],
)
def test_degenerate_text_gives_a_result(text: str) -> None:
    check(text, parse(text, DAY))


def test_parse_bulletin_never_raises_even_on_a_non_string() -> None:
    result = parse_bulletin(None, DAY)  # type: ignore[arg-type]
    assert (result.directives, result.date) == ([], DAY)


PATHOLOGICAL = {
    "one character repeated": "各" * 400_000,
    "modal after every comma": "，要" * 200_000,
    "open brackets": "（" * 400_000,
    "labels only": "责任单位：" * 80_000,
    "row numbers under a header": "序号\n工作任务\n责任单位\n完成时限\n" + "1\n" * 100_000,
    "one endless line of orders": "要健全机制，各镇街要落实，每周一调度，年底前完成70个社区。" * 10_000,
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_text_completes(name: str) -> None:
    text = PATHOLOGICAL[name]
    result = parse(text, DAY)
    flat = squeezed(text)
    assert all(squeezed(d.text) in flat for d in result.directives[:50])


def test_ten_megabytes_complete() -> None:
    rng = random.Random(7)
    chunk = "".join(rng.choice(PIECES) for _ in range(20_000))
    text = chunk * (10_000_000 // len(chunk.encode()) + 1)
    assert len(text.encode()) >= 10_000_000
    result = parse(text, DAY)
    assert isinstance(result.directives, list)


def count_calls(fn: Callable[[], Any]) -> int:
    """How many Python and C functions FN calls: a measure of work that does not depend on time."""
    calls = 0

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return calls


@pytest.mark.parametrize(
    "unit",
    [
        "要健全工作调度机制，实行“每周一调度、半月一通报”。各镇街要在9月底前完成70个社区改造。\n",
        "序号\n工作任务\n责任单位\n完成时限\n1\n完成污水治理设施建\n设\n县水务局、\n各乡镇\n2024年10月底前\n",
        "一、总体要求\n（一）加强组织领导。各区要落实属地责任，于30日内报市商务局备案。\n",
        "会议强调，一要提高站位；二要压实责任；三要加强督查，每月通报一次。\n",
    ],
)
def test_work_grows_linearly_with_the_text(unit: str) -> None:
    parse(unit, DAY)  # load the dictionaries first: a one-off cost
    small = count_calls(lambda: parse(unit * 50, DAY))
    large = count_calls(lambda: parse(unit * 400, DAY))
    assert 7.0 <= large / small <= 9.0, (small, large)
