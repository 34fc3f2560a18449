"""General rules found on the blind batch (issue 10 §5), each on text of its own, not a fixture's."""

from __future__ import annotations

import datetime as dt

from taskbot.bulletin.parser import parse

DAY = dt.date(2024, 7, 1)


def orders(source: str, width: int = 10) -> list[tuple[str, list[str]]]:
    return [(d.text[:width], d.responsible) for d in parse(source, DAY).directives]


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


def test_a_later_sentence_opening_another_partys_order_splits_a_list_item() -> None:
    source = (
        "二、压实责任抓落实。各分管领导要靠前指挥，及时协调解决问题。各牵头单位要制定工作方案，"
        "明确时间表、路线图。\n"
    )
    assert orders(source, 11) == [
        ("压实责任抓落实。各分管", ["各分管领导"]),
        ("各牵头单位要制定工作方", ["各牵头单位"]),
    ]


def test_a_party_order_after_a_topic_clause_and_a_partys_announced_work_are_orders() -> None:
    source = (
        "各部门要细化任务，逐项列出清单。涉及多个部门的工作，各配合单位要主动对接牵头单位。"
        "区督查室将对任务完成情况进行跟踪督办，每季度通报一次。\n"
    )
    assert orders(source, 11) == [
        ("各部门要细化任务，逐项", ["各部门"]),
        ("涉及多个部门的工作，各", ["各配合单位"]),
        ("区督查室将对任务完成情", ["区督查室"]),
    ]


def test_a_named_unit_after_another_partys_clause_is_its_own_order_but_their_leaders_are_not() -> None:
    two = "各责任单位要于每月5日前报送进展，区督查室将对落实情况进行督办。\n"
    assert [parties for _, parties in orders(two)] == [["各责任单位"], ["区督查室"]]
    one = "各单位要落实整改责任，主要负责同志要亲自抓、负总责。\n"
    assert len(orders(one)) == 1


def test_bare_yao_orders_after_a_partys_order_in_one_paragraph_are_that_partys() -> None:
    source = (
        "3月2日，全区防汛工作会议召开。\n"
        "王明要求，各镇街要压实防汛责任，落实巡查值守；要加快水毁工程修复；要做好物资储备。\n"
        "要加强宣传引导。\n"
    )
    assert [parties for _, parties in orders(source)] == [["各镇街"], ["各镇街"], ["各镇街"], []]


def test_clauses_of_other_parties_inside_a_list_item_are_their_own_orders() -> None:
    source = (
        "三、下步要求\n"
        "一是加快整改。各责任村要落实专人负责，加快推进整改，9月10日前东坪村、西岭村要完成河道清淤。"
        "二是加强协作。需要多村协作的事项，要主动对接，各村要积极配合。\n"
    )
    got = orders(source, 12)
    assert got == [
        ("一是加快整改。各责任村要", ["各责任村"]),
        ("9月10日前东坪村、西岭", ["东坪村", "西岭村"]),
        ("二是加强协作。需要多村协", []),
        ("各村要积极配合。", ["各村"]),
    ]
    assert parse(source, DAY).directives[1].deadline == dt.date(2024, 9, 10)


def test_measures_closed_by_their_parties_notes_are_one_order_each() -> None:
    source = (
        "一、深化重点领域信息公开\n"
        "（一）强化规划信息公开。做好总体规划实施信息公开，及时发布专项规划。（市规划委、市住建委分别负责落实）"
        "做好重大项目建设信息公开，按季度发布进展。（市发展改革委负责落实）\n"
    )
    got = parse(source, DAY).directives
    assert [d.responsible for d in got] == [["市规划委", "市住建委"], ["市发展改革委"]]
    assert got[1].text.startswith("做好重大项目建设信息公开")


def test_a_circumstance_then_a_bare_yao_clause_opens_a_new_order_inside_a_paragraph() -> None:
    source = (
        "王明强调，各镇街要做好人员转移，组织船只进港避风。汛期与假日返程高峰重叠，要千方百计保障道路通畅，"
        "加强监测预警。\n"
    )
    assert orders(source, 8) == [("各镇街要做好人员", ["各镇街"]), ("要千方百计保障道", ["各镇街"])]


def test_a_named_unit_after_an_order_that_opened_mid_sentence_is_its_own_order() -> None:
    source = (
        "三、从2024年第一季度开始，各责任单位要在每季度末将进展情况报区政府办公室，"
        "区政府办公室将对落实情况进行跟踪督办。\n"
    )
    assert [parties for _, parties in orders(source)] == [["各责任单位"], ["区政府办公室"]]


def test_a_list_items_heading_clause_keeps_its_party_clause() -> None:
    source = "会议要求：一是压实责任，各村要签订责任书；二是严管火源，镇执法队要联合派出所设卡巡查。\n"
    assert [parties for _, parties in orders(source)] == [["各村"], ["镇执法队", "派出所"]]


def test_conditional_clauses_naming_who_must_act_are_orders_of_their_own() -> None:
    source = (
        "三、承办\n"
        "承办人员要认真研读材料，及时分解督办事项。对紧急事项的要特事特办，及时报告结果，"
        "确需延长办理时间的，要及时报告原因。逾期未办结的要及时催办。\n"
    )
    got = [d.text[:8] for d in parse(source, DAY).directives]
    assert got == ["承办人员要认真研", "对紧急事项的要特", "确需延长办理时间", "逾期未办结的要及"]


def test_what_a_meeting_requires_is_an_order_whatever_its_form_but_not_a_reported_figure() -> None:
    required = "会议要求，按照会议研究的意见，进一步修改完善方案后，尽快印发实施。\n"
    assert len(orders(required)) == 1
    figure = "会议要求，各街道去年上升2位，企业满意度达到93.5%。\n"
    assert orders(figure) == []


def test_listed_parties_after_yaoqiu_and_listed_matters_with_douyao_are_orders() -> None:
    parties = "会议传达了上级部署，要求水务、交通、应急等防汛相关部门全部立即到岗，随时待命。\n"
    assert len(orders(parties)) == 1
    matters = (
        "二、登记\n（一）立项内容要统一编号登记；\n（二）任务来源、收文时间、办理要求等内容都要认真登记。\n"
    )
    assert len(orders(matters)) == 2


def test_a_party_that_requires_is_a_reporter_not_a_subject_of_yao() -> None:
    source = "市安委办要求，各地区、各企业要深刻吸取事故教训，立即组织全面排查。\n"
    assert orders(source, 6) == [("各地区、各企", ["各地区", "各企业"])]


def test_a_short_lead_of_two_clauses_after_a_list_adverbial_keeps_its_partys_sentence() -> None:
    source = (
        "会议要求，一方面要高度重视，精心组织。市级相关部门、各县(区)及高新区要高度重视此次工作，全力以赴组织实施。"
        "另一方面要通力协作，注重成效。\n"
    )
    got = parse(source, DAY).directives
    assert [d.text[:8] for d in got] == ["一方面要高度重视", "另一方面要通力协"]


def test_a_list_words_heading_sentence_and_its_partys_order_are_one_order_but_the_next_item_is_not() -> None:
    source = (
        "魏明提出三点要求：\n"
        "一是端正工作态度，强化责任担当。各部门、各社区要深刻反思不足，切实提升工作质量。\n"
        "会议强调，一是要压实防汛责任，全面落实值守制度。二是要备足抢险物资，7月20日前完成仓库检查。\n"
    )
    got = parse(source, DAY).directives
    assert [d.text[:8] for d in got] == ["一是端正工作态度", "一是要压实防汛责", "二是要备足抢险物"]
    assert got[0].responsible == ["各部门", "各社区"]


def test_a_condition_after_a_partys_order_is_that_partys_order() -> None:
    source = "二、区督查室要加强日常调度，建立任务台账。对推进缓慢或不按时报送的要加大通报力度。\n"
    got = parse(source, DAY).directives
    assert [(d.text[:6], d.responsible) for d in got] == [
        ("区督查室要加", ["区督查室"]),
        ("对推进缓慢或", ["区督查室"]),
    ]
