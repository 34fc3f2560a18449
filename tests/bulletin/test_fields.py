"""Cadence, target, responsible parties and titles of single directives."""

from __future__ import annotations

import pytest

from taskbot.bulletin.fields import (
    cadence,
    closing_note,
    label_values,
    responsible,
    split_parties,
    target,
    title,
)
from taskbot.bulletin.normalize import for_matching, mask_quotes


def views(text: str) -> tuple[str, str]:
    matching = for_matching(text)
    return matching, mask_quotes(matching)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("实行“每周一调度、半月一通报、一月一会商”", ["weekly", "fortnightly", "monthly"]),
        ("建立“日分析、周调度、月考核”工作机制", ["daily", "weekly", "monthly"]),
        ("实行“周调度、月通报”", ["weekly", "monthly"]),
        ("每季度至少组织一次演练", ["quarterly"]),
        ("每日巡山不少于2次", ["daily"]),
        ("每两周召开一次例会", ["fortnightly"]),
        ("每年开展一次评估", ["yearly"]),
        ("实行一日一会商", ["daily"]),
        ("按月报送进展", ["monthly"]),
        ("加强组织领导", []),
        ("半月一通报", ["fortnightly"]),  # not also monthly
        ("建立月调度、季通报工作机制", ["monthly", "quarterly"]),
        ("检查原则上每年不超过1次", []),  # a limit, not a cadence
    ],
)
def test_cadence(text: str, want: list[str]) -> None:
    assert cadence(for_matching(text)) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("今年，全区要实现70个城市社区全覆盖", "70个城市社区"),
        ("选取10个农村社区开展试点", "10个农村社区"),
        ("确保各镇创建至少1个“示范”阵地，以点带面", "至少1个“示范”阵地"),
        ("新推出不少于10个“一件事”集成服务场景", "不少于10个“一件事”集成服务场景"),
        ("网上可办率达到98%以上", "网上可办率达到98%以上"),
        ("三季度末前新开工项目开工率达到90%以上", "新开工项目开工率达到90%以上"),
        ("年底前农村自来水普及率达到95%", "农村自来水普及率达到95%"),
        ("新增绿化面积8万平方米", "8万平方米"),
        ("完成3.5万亩高标准农田建设", "3.5万亩高标准农田"),
        ("保持30人以上的规模", "30人以上"),
        ("于10个工作日内报送", None),
        ("将企业开办时间压缩至1个工作日以内", "1个工作日以内"),  # the time is the target
        ("6月30日前完成", None),
        ("第3季度", None),
        ("实现“三个转变”", None),
        ("严格执行24小时值班", None),
    ],
)
def test_target(text: str, want: str | None) -> None:
    matching, _ = views(text)
    assert target(matching, text) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("各镇街要将工作纳入整体部署，一把手要亲自抓、负总责。", ["各镇街", "一把手"]),
        ("要压实责任，全省各级党委政府要切实担起政治责任", ["全省各级党委政府"]),
        ("要健全责任落实机制，建立市、区领导联系重点项目机制", ["市、区领导"]),
        ("确保各镇（街道）创建至少1个阵地", ["各镇（街道）"]),
        ("全市上下要提高认识", ["全市上下"]),
        ("区市场监管局、区商务局要加强监管", ["区市场监管局", "区商务局"]),
        ("各镇（街道）要会同区住建局，开展排查", ["各镇（街道）", "区住建局"]),
        ("一是要压实责任，各县（市、区）主要负责同志要靠前指挥", ["各县（市、区）主要负责同志"]),
        ("市委组织部要牵头完善考核办法", ["市委组织部"]),
        ("各项工作要落细落实", []),
        ("每季度对各区建设进展进行评估通报", []),
        ("由区住建局牵头，各街道配合，6月底前全面开工", ["区住建局", "各街道"]),
        ("由县住建局牵头，县财政局、城关镇配合，于11月30日前全部开工", ["县住建局", "县财政局", "城关镇"]),
        ("认定工作由县自然资源局负责，城关镇配合", ["县自然资源局", "城关镇"]),
        ("给予补助资金50万元，由县财政局按程序拨付", ["县财政局"]),
        ("一是县发展改革局要牵头建立周调度机制", ["县发展改革局"]),
        ("区优化营商环境工作领导小组办公室要发挥统筹作用", ["区优化营商环境工作领导小组办公室"]),
        ("要积极配合做好排查", []),
        ("由于县城人口增长较快，要扩建学校", []),
        ("县应急管理局、县水务局主要负责同志作了汇报", []),
        ("被通报单位要认真对照问题整改", ["被通报单位"]),
        ("市纪委监委各派驻纪检监察组要强化监督", ["市纪委监委各派驻纪检监察组"]),
        ("他强调，各位班子成员要带头下沉一线", ["各位班子成员"]),
        ("大检查期间，各县（市、区）、市直各有关单位每周五报送进展", ["各县（市、区）", "市直各有关单位"]),
        ("认真落实“疫情要防住”的要求", []),
    ],
)
def test_responsible(text: str, want: list[str]) -> None:
    _, hidden = views(text)
    assert responsible(hidden, text) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("加大支持力度。（财政部、商务部按职责分工负责）", ["财政部", "商务部"]),
        (
            "降低物流成本。（交通运输部牵头，商务部、供销合作总社等按职责分工负责）",
            ["交通运输部", "商务部", "供销合作总社"],
        ),
        ("实现快递服务全覆盖。（国家邮政局负责）", ["国家邮政局"]),
        ("实现全覆盖（含新建小区）。", []),
        ("（财政部负责）后续再研究。", []),
    ],
)
def test_a_closing_note_names_the_parties(text: str, want: list[str]) -> None:
    _, hidden = views(text)
    assert closing_note(hidden, text) == want


def test_labels_give_parties_and_times() -> None:
    text = "牵头单位：区司法局；配合单位：区发展改革局、区市场监管局（配合） 完成时限：2024年10月底前"
    _, hidden = views(text)
    pairs = label_values(hidden, text)
    assert pairs == [
        ("牵头单位", "区司法局"),
        ("配合单位", "区发展改革局、区市场监管局（配合）"),
        ("完成时限", "2024年10月底前"),
    ]
    assert split_parties(pairs[1][1]) == ["区发展改革局", "区市场监管局"]


def test_labels_with_ascii_punctuation() -> None:
    text = "(责任单位:镇应急办、各村(社区))"
    _, hidden = views(text)
    assert split_parties(label_values(hidden, text)[0][1]) == ["镇应急办", "各村(社区)"]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("要健全工作调度机制，加密项目调度频率", "健全工作调度机制"),
        ("今年，全区要实现70个城市社区全覆盖，并进一步探索", "实现70个城市社区全覆盖"),
        ("一是要加强组织领导，成立专班", "加强组织领导"),
        ("二要压实安全责任，严格落实", "压实安全责任"),
        ("是坚持党建引领，推动社区转变", "坚持党建引领"),
        ("会议强调，要提高政治站位", "提高政治站位"),
        ("要锻强“主心骨”。织密网络", "锻强“主心骨”"),
        ("各相关部门要落实各自职责，共同推动工作。", "落实各自职责"),
        ("第二，要聚焦突出问题开展专项整治。", "聚焦突出问题开展专项整治"),
        ("会议同意改造计划，由区住建局牵头，各街道配合，6月底前全面开工。", "6月底前全面开工"),
        ("会议决定，由区教育局会同区公安分局、区市场监管局开展专项整治。", "开展专项整治"),
    ],
)
def test_title(text: str, want: str) -> None:
    _, hidden = views(text)
    assert title(hidden, text) == want


def test_title_of_a_long_clause_is_cut_short() -> None:
    text = "要推动建立覆盖城乡、功能完善、布局合理、运行高效、群众满意的基层综合服务体系和长效管理机制"
    _, hidden = views(text)
    got = title(hidden, text)
    assert 6 <= len(got) <= 24 and text.startswith("要" + got)
