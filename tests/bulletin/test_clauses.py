"""The convention of "one task" (README, 'What is one task'), on the examples of issue 10.

Each test is one rule of the convention: parallel clauses with their own modal or party are
separate orders; assignments without 要 are orders; attendance, chairing, past facts and slogans
are not; parties keep their brackets and lose their role words.
"""

from __future__ import annotations

import datetime as dt

import pytest

from taskbot.bulletin.extract import sentences
from taskbot.bulletin.fields import split_parties
from taskbot.bulletin.parser import parse


def directives(source: str, day: dt.date) -> list[tuple[str, list[str], dt.date | None]]:
    return [(d.text, d.responsible, d.deadline) for d in parse(source, day).directives]


def test_parallel_yao_clauses_in_one_paragraph_are_separate_orders_with_their_own_deadlines() -> None:
    source = (
        "王洪波要求，要一着不让抓好衔接资金项目管理工作，加快资金支出进度，6月30日前支出进度达到60%以上；"
        "要一着不让抓好农村人居环境整治提升，9月底前完成30个村的户厕问题整改；"
        "要一着不让抓好乡村振兴信息宣传工作，每月报送信息不少于2篇。"
    )
    got = parse(source, dt.date(2024, 5, 8)).directives
    assert [d.text[:17] for d in got] == [
        "要一着不让抓好衔接资金项目管理工作",
        "要一着不让抓好农村人居环境整治提升",
        "要一着不让抓好乡村振兴信息宣传工作",
    ]
    assert [d.deadline for d in got] == [dt.date(2024, 6, 30), dt.date(2024, 9, 30), None]
    assert got[2].cadence == ["monthly"]


def test_a_numbered_item_giving_two_parties_two_obligations_is_two_orders() -> None:
    source = (
        "1.县指挥办每周一召开周调度会，县指挥部各成员单位分管负责同志参加，通报上周雨情水情。\n"
        "2.县指挥办周调度会后印发议定事项。每次例会听取上周议定事项落实情况汇报。其中，涉及跨部门协调的"
        "议定事项由综合协调组跟进落实，每周五前反馈办理情况。\n"
    )
    got = directives(source, dt.date(2024, 5, 8))
    assert [(text[:15], parties) for text, parties, _ in got] == [
        ("县指挥办每周一召开周调度会，县", ["县指挥办"]),  # the attendees are not responsible
        ("县指挥办周调度会后印发议定事项", ["县指挥办"]),
        ("其中，涉及跨部门协调的议定事项", ["综合协调组"]),
    ]


def test_one_party_keeps_the_sub_steps_of_its_work_in_one_order() -> None:
    source = "各市县要建立由政府主要负责同志牵头的协调机制。定期研究解决重大问题，形成工作合力。"
    assert len(parse(source, dt.date(2024, 5, 8)).directives) == 1


def test_assignments_without_yao_are_orders_one_per_clause_with_its_parties() -> None:
    source = (
        "会议明确，按照职能分工，区住建局、昆仑燃气公司利用10个工作日展开月牙塘小区燃气管道全面排查，"
        "燃气公司对存在隐患的管段进行先期停气处理，并于7月31日前完成更换；月牙塘社区、伦华物业公司"
        "于10个工作日内完成小区住户入户安全宣传全覆盖。区应急管理局负责对整治工作进行全程督导。"
    )
    got = directives(source, dt.date(2024, 7, 3))
    assert [(parties, deadline) for _, parties, deadline in got] == [
        (["区住建局", "昆仑燃气公司"], dt.date(2024, 7, 17)),  # 10 workdays after 3 July
        (["月牙塘社区", "伦华物业公司"], dt.date(2024, 7, 17)),
        (["区应急管理局"], None),
    ]
    assert got[0][0].startswith("按照职能分工，区住建局")


@pytest.mark.parametrize(
    ("source", "parties"),
    [
        (
            "会议原则同意《医保参保扩面工作方案》，要求市医保局会同各县（市、区）加大宣传动员力度。",
            ["市医保局", "各县（市、区）"],
        ),
        ("会议同意污水管网改造项目实施方案，由市住建局负责组织实施。", ["市住建局"]),
        ("会议同意给予补助资金50万元，由县财政局按程序拨付。", ["县财政局"]),
        (
            "会议同意市场监管局提出的整治方案，请市场监管局会同市公安局于7月15日前完成。",
            ["市场监管局", "市公安局"],
        ),
        ("会议原则通过了《实施方案》，会后由市发改局按程序印发实施。", ["市发改局"]),
    ],
)
def test_minutes_decisions_that_assign_work_are_orders(source: str, parties: list[str]) -> None:
    assert [p for _, p, _ in directives(source, dt.date(2024, 3, 20))] == [parties]


def test_a_second_party_handed_work_in_a_decision_gets_its_own_order() -> None:
    source = "会议同意改造项目实施方案，由市住建局负责组织实施，10月31日前完工。所需资金由市财政局拨付。"
    got = directives(source, dt.date(2024, 3, 20))
    assert [(p, d) for _, p, d in got] == [(["市住建局"], dt.date(2024, 10, 31)), (["市财政局"], None)]


@pytest.mark.parametrize(
    "source",
    [
        # attendance
        "会议由红云街道办牵头，区住建局、区应急管理局、昆仑燃气公司等单位参加。",
        # chairing
        "2024年3月20日，市长李明主持召开市政府第15次常务会议，副市长张华出席会议。",
        # a past fact
        "会议通报了6月28日月牙塘小区燃气泄漏事件的调查情况。",
        "会议听取了市医保局关于参保工作的汇报。",
        # a slogan
        "会议强调，安全生产责任重于泰山，人民至上、生命至上。",
    ],
)
def test_attendance_chairing_past_facts_and_slogans_are_not_orders(source: str) -> None:
    assert directives(source, dt.date(2024, 7, 3)) == []


@pytest.mark.parametrize(
    ("source", "parties"),
    [
        (
            "周调度工作机制如下：\n3.各镇(街)指挥办周调度机制参照县指挥办执行，每周一上午召开本级调度会。",
            ["各镇(街)指挥办"],
        ),
        ("各镇(街)要在6月底前完成排查。", ["各镇(街)"]),
        ("各县（市、区）要严格落实野外用火管理。", ["各县（市、区）"]),
        ("由县水利局牵头，各镇（街道）配合，6月15日前完成水库安全隐患排查。", ["县水利局", "各镇（街道）"]),
    ],
)
def test_parties_keep_brackets_of_either_width_and_lose_their_roles(source: str, parties: list[str]) -> None:
    assert [p for _, p, _ in directives(source, dt.date(2024, 5, 8))] == [parties]


@pytest.mark.parametrize(
    ("value", "parties"),
    [
        ("县水利局牵头，各镇（街道）配合", ["县水利局", "各镇（街道）"]),
        ("各县（市、区）政府负责", ["各县（市、区）政府"]),
        ("各镇(街)、区住建局（牵头）", ["各镇(街)", "区住建局"]),
        ("区教育局协助", ["区教育局"]),
    ],
)
def test_label_values_split_into_parties_without_roles(value: str, parties: list[str]) -> None:
    assert split_parties(value) == parties


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        (
            "要抓好资金管理；要抓好环境整治；要抓好信息宣传。",
            ["要抓好资金管理；", "要抓好环境整治；", "要抓好信息宣传。"],
        ),
        ("镇综治中心要加强排查，各村要落实包户。", ["镇综治中心要加强排查，", "各村要落实包户。"]),
        (
            "区城管局负责清理占道经营，区住建局负责修复破损路面，区交警大队负责疏导交通。",
            ["区城管局负责清理占道经营，", "区住建局负责修复破损路面，", "区交警大队负责疏导交通。"],
        ),
        (
            "由市住建局负责组织实施，各县（市、区）政府配合做好征迁工作。",
            ["由市住建局负责组织实施，各县（市、区）政府配合做好征迁工作。"],
        ),
        (
            "区住建局利用10个工作日排查，燃气公司对管段停气；伦华物业公司于10个工作日内完成宣传。",
            ["区住建局利用10个工作日排查，燃气公司对管段停气；", "伦华物业公司于10个工作日内完成宣传。"],
        ),
        (
            "由县水利局牵头，各镇（街道）配合，6月15日前完成排查。",
            ["由县水利局牵头，各镇（街道）配合，6月15日前完成排查。"],
        ),
        (
            "要加强组织领导，确保各项任务落实。要强化督导。",
            ["要加强组织领导，确保各项任务落实。", "要强化督导。"],
        ),
    ],
)
def test_sentences_are_cut_where_a_clause_opens_its_own_order(text: str, pieces: list[str]) -> None:
    assert [text[a:b] for a, b in sentences(text)] == pieces


@pytest.mark.parametrize(
    ("source", "roles"),
    [
        (
            "由县水利局牵头，各镇（街道）配合，6月15日前完成排查。",
            {"县水利局": "lead", "各镇（街道）": "partner"},
        ),
        (
            "会议同意实施方案，由市住建局负责组织实施，各县（市、区）政府配合做好征迁。",
            {"市住建局": "lead", "各县（市、区）政府": "partner"},
        ),
        (
            "（一）开展社区商业网点摸底调查。（牵头单位：市商务局；配合单位：各区政府）",
            {"市商务局": "lead", "各区政府": "partner"},
        ),
        (
            "1.开展社区商业网点摸底调查。\n牵头单位：市商务局\n配合单位：各区政府",
            {"市商务局": "lead", "各区政府": "partner"},
        ),
        ("各镇街要健全督查督办机制。", {}),  # the text gives no role: none is guessed
    ],
)
def test_roles_split_off_the_parties_go_to_the_roles_field(source: str, roles: dict[str, str]) -> None:
    (directive,) = parse(source, dt.date(2024, 5, 8)).directives
    assert directive.roles == roles
    assert set(roles) <= set(directive.responsible)
