"""General rules found on the blind batch (issue 10 §5), each on text of its own, not a fixture's."""

from __future__ import annotations

import datetime as dt

from taskbot.bulletin.parser import parse

DAY = dt.date(2024, 7, 1)


def orders(source: str) -> list[tuple[str, list[str]]]:
    return [(d.text[:10], d.responsible) for d in parse(source, DAY).directives]


def test_a_reported_inline_list_gives_one_order_per_item_with_its_leading_party() -> None:
    source = (
        "7月1日，镇政府召开防汛调度会。\n"
        "会议要求，一是水务站对沿河堤坝开展拉网排查；二是各村(居)委会做好值班值守，发现险情及时上报；"
        "三是派出所加强夜间巡逻。\n"
    )
    assert orders(source) == [
        ("一是水务站对沿河堤坝", ["水务站"]),
        ("二是各村(居)委会做", ["各村(居)委会"]),
        ("三是派出所加强夜间巡", ["派出所"]),
    ]
