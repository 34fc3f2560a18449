"""Each directive's confidence comes from the cues that made it; the plainest orders score highest."""

from __future__ import annotations

import datetime as dt

import pytest

from taskbot.bulletin.confidence import LOW_CONFIDENCE, score
from taskbot.bulletin.model import ParsedBulletin
from taskbot.bulletin.parser import parse

DAY = dt.date(2024, 5, 20)


@pytest.mark.parametrize(
    ("text", "kind", "cue"),
    [
        ("各镇街要健全督查督办机制。", "free", "party + modal"),
        ("要加快推进老旧小区改造。", "free", "modal"),
        ("月牙塘社区于10个工作日内完成入户宣传。", "free", "party + time"),
        ("所需资金由市财政局按程序拨付。", "free", "assignment"),
        ("加强组织领导。", "item", "imperative verb"),
        ("县指挥办周调度会后印发议定事项。", "item", "party + verb"),
        ("周调度机制参照县里执行。", "item", "listed item"),
        ("一是要压实责任；", "free", "modal"),
        ("第二，各镇街要强化调度。", "free", "party + modal"),
        ("完成排查", "row", "table row"),
    ],
)
def test_the_opening_cue_is_named(text: str, kind: str, cue: str) -> None:
    assert score(text, kind, labelled=False, parties=False, when=False)[1][0] == cue


def test_stronger_cues_and_more_fields_score_higher() -> None:
    def value(text: str, **kw: bool) -> float:
        return score(text, "free", **{"labelled": False, "parties": False, "when": False, **kw})[0]

    assert value("各镇街要健全督查督办机制。") > value("要健全督查督办机制。") > value("健全督查督办机制。")
    assert value("要健全督查督办机制。", parties=True, when=True) > value("要健全督查督办机制。")
    assert value("要健全机制") < value("要健全督查督办机制。")  # too short to be sure
    assert value("参照执行。") < LOW_CONFIDENCE <= value("要健全督查督办机制。")


def test_parsed_directives_carry_their_confidence() -> None:
    got = parse(
        "各镇街要健全督查督办机制，6月30日前完成。\n\n周调度工作机制如下：\n1.周调度机制参照县里执行。", DAY
    )
    assert [(d.confidence >= LOW_CONFIDENCE, d.cues[0]) for d in got.directives] == [
        (True, "party + modal"),
        (False, "listed item"),
    ]
    assert got.to_json()["directives"][0]["confidence"] == got.directives[0].confidence


def test_without_drops_the_numbered_directives() -> None:
    got = parse("要加强宣传。\n\n要强化督导。\n\n要压实责任。", DAY)
    assert isinstance(got, ParsedBulletin)
    assert [d.text for d in got.without([2]).directives] == ["要加强宣传。", "要压实责任。"]
    assert len(got.directives) == 3  # the parsed bulletin itself is unchanged
