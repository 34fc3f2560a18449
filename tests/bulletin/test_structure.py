"""How layout and wording become directives: reflow, lists, tables, labels, sections, dates."""

from __future__ import annotations

import datetime as dt

from taskbot.bulletin import parse_bulletin
from taskbot.bulletin.layout import PKind, paragraphs
from taskbot.bulletin.parser import parse

DAY = dt.date(2024, 5, 20)


def texts(source: str) -> list[str]:
    return [d.text for d in parse(source, DAY).directives]


def test_pdf_lines_broken_mid_sentence_with_blank_lines_are_reflowed() -> None:
    source = "要加快推进老旧小区改造，\n\n年底前完成 30 个小区\n\n改造任务。\n\n"
    source += "要强化督导检查，确保\n\n按期完成。\n"
    paras = [p.text for p in paragraphs(source) if p.kind is PKind.BODY]
    assert paras == ["要加快推进老旧小区改造，年底前完成30个小区改造任务。", "要强化督导检查，确保按期完成。"]
    first, second = parse(source, DAY).directives
    assert (first.deadline, first.target) == (dt.date(2024, 12, 31), "30个小区")
    assert second.title == "强化督导检查"


def test_justified_spaces_vanish_but_latin_words_keep_one() -> None:
    source = "要 推 广 应 用 智 慧 平 台，接入 Open Data 接口。"
    assert texts(source) == ["要推广应用智慧平台，接入Open Data接口。"]


def test_a_detached_bullet_rejoins_its_text_and_owns_the_body() -> None:
    source = "●\n\n要加强队伍建设。\n\n配齐专职人员，\n\n开展业务培训。\n\n"
    source += "●\n\n要完善工作机制。\n\n建立周例会制度。\n"
    got = parse(source, DAY).directives
    assert [d.text for d in got] == [
        "要加强队伍建设。配齐专职人员，开展业务培训。",
        "要完善工作机制。建立周例会制度。",
    ]
    assert got[1].cadence == ["weekly"]


def test_orphan_numerals_end_an_item_and_yield_nothing() -> None:
    source = "●要加强宣传。\n广泛宣传政策。\n一\n 三\n四\n是坚持问题导向，推动整改落实。\n"
    assert texts(source) == ["要加强宣传。广泛宣传政策。", "是坚持问题导向，推动整改落实。"]


def test_a_paragraph_that_names_its_own_subject_ends_the_item_before_it() -> None:
    source = (
        "●要培养骨干。\n培养党员骨干。\n注重发挥乡贤作用。\n各镇街要成立工作专班。\n各相关部门要落实职责。\n"
    )
    got = parse(source, DAY).directives
    assert [d.responsible for d in got] == [[], ["各镇街"], ["各相关部门"]]
    assert got[0].text == "要培养骨干。培养党员骨干。注重发挥乡贤作用。"


def test_quoted_slogans_and_news_narrative_are_not_orders() -> None:
    source = (
        "6月19日，省委召开专题会议，认真学习“疫情要防住、经济要稳住”重要指示要求。省委书记王某出席会议并讲话。\n"
        "会议指出，今年以来全省经济运行总体平稳。\n"
    )
    assert texts(source) == []


def test_a_reported_order_starts_after_the_reporting_verb() -> None:
    source = "6月14日，全市项目建设大会召开。市委书记李某出席会议，强调要拿出超常规举措，全力推进项目建设。\n"
    parsed = parse(source, DAY)
    assert texts(source) == ["要拿出超常规举措，全力推进项目建设。"]
    section = parsed.sections[0]
    assert (section.date, section.speaker) == (dt.date(2024, 6, 14), "市委书记李某")


def test_titles_start_sections_with_date_and_speaker() -> None:
    source = (
        "区委召开安全生产工作会议\n"
        "3月2日上午，区委召开安全生产工作会议。区委书记张立新在会上强调，要压实安全责任，守牢安全底线。\n"
        "要深化隐患排查，4月底前完成一轮全覆盖排查。\n"
    )
    parsed = parse(source, dt.date(2024, 3, 5))
    assert parsed.title == "区委召开安全生产工作会议"
    assert [(s.title, s.date, s.speaker) for s in parsed.sections] == [
        ("区委召开安全生产工作会议", dt.date(2024, 3, 2), "区委书记张立新")
    ]
    assert [d.section for d in parsed.directives] == ["区委召开安全生产工作会议"] * 2
    assert parsed.directives[1].deadline == dt.date(2024, 4, 30)


def test_inline_lists_split_into_one_order_each() -> None:
    source = (
        "会议要求，一要提高站位，强化认识；二要压实责任，各乡镇要逐项落实；三要加强督查，每月通报一次。\n"
    )
    got = parse(source, DAY).directives
    assert [d.title for d in got] == ["提高站位", "压实责任", "加强督查"]
    assert got[1].responsible == ["各乡镇"] and got[2].cadence == ["monthly"]


def test_two_targets_joined_by_bing_are_two_tasks() -> None:
    source = "今年，全区要实现70个城市社区全覆盖，并进一步向农村延伸，选取10个农村社区开展试点。\n"
    got = parse(source, DAY).directives
    assert [(d.target, d.deadline) for d in got] == [
        ("70个城市社区", dt.date(2024, 12, 31)),
        ("10个农村社区", None),
    ]


def test_task_division_labels_attach_to_their_item() -> None:
    source = (
        "一、提升服务效能\n"
        "1.深化“一网通办”改革，年底前实现网上可办率达到98%以上。\n"
        "责任单位：区政务服务数据管理局，各镇（街道）\n"
        "完成时限：2024年9月底前\n"
        "2.规范窗口设置。\n"
        "牵头单位：区政务服务数据管理局；配合单位：区财政局\n"
    )
    first, second = parse(source, DAY).directives
    assert first.responsible == ["区政务服务数据管理局", "各镇（街道）"]
    assert first.deadline == dt.date(2024, 9, 30)  # the label's time wins over 年底前 in the text
    assert first.section == "提升服务效能"
    assert second.responsible == ["区政务服务数据管理局", "区财政局"]


def test_headings_over_sub_items_and_descriptive_headings_are_not_orders() -> None:
    source = (
        "一、总体要求\n（一）指导思想\n坚持以人民为中心，统筹推进各项工作。\n"
        "（二）工作目标\n到2025年底，建成便民生活圈60个。\n"
        "二、重点任务\n（一）完善服务业态\n1.引导连锁企业进社区，年内新增网点不少于150个。（牵头单位：市商务局）\n"
    )
    got = parse(source, DAY).directives
    assert [(d.title, d.responsible, d.target) for d in got] == [
        ("引导连锁企业进社区", ["市商务局"], "不少于150个")
    ]


def test_flattened_table_rows_become_tasks() -> None:
    source = (
        "序号\n工作任务\n责任单位\n完成时限\n"
        "1\n完成12个行政村污水治理设施建\n设\n县生态环境局、县水务局、\n各乡镇\n2024年10月底前\n"
        "2\n推进河道清理，每周巡河一次\n县水务局\n每周\n附件：考评细则\n"
    )
    first, second = parse(source, DAY).directives
    assert first.text == "完成12个行政村污水治理设施建设"
    assert first.responsible == ["县生态环境局", "县水务局", "各乡镇"]
    assert first.deadline == dt.date(2024, 10, 31)
    assert (second.responsible, second.cadence, second.deadline) == (["县水务局"], ["weekly"], None)


def test_tab_separated_table_rows_become_tasks() -> None:
    source = (
        "序号\t重点任务\t牵头单位\t配合单位\t完成时限\n"
        "1\t开展专项行动，整治问题不少于50处\t县水利局\t各镇（街道）\t2024年11月底前\n"
    )
    (row,) = parse(source, DAY).directives
    assert (row.text, row.responsible, row.deadline, row.target) == (
        "开展专项行动，整治问题不少于50处",
        ["县水利局", "各镇（街道）"],
        dt.date(2024, 11, 30),
        "不少于50处",
    )


def test_closing_formula_of_a_notice_is_not_a_task() -> None:
    source = "现将方案印发给你们，请认真贯彻执行。\n请各单位于12月10日前将完成情况报送县河长办。\n"
    assert texts(source) == ["请各单位于12月10日前将完成情况报送县河长办。"]


def test_the_bulletin_date_comes_from_the_caller_the_text_or_today() -> None:
    source = "要加强管理，年底前完成整改。\n某某区人民政府\n2023年8月16日\n"
    given = parse_bulletin(source, dt.date(2024, 1, 2))
    from_text = parse_bulletin(source, today=dt.date(2030, 1, 1))
    from_today = parse_bulletin("要加强管理，年底前完成整改。", today=dt.date(2030, 1, 1))
    assert (given.date, given.date_source, given.directives[0].deadline) == (
        dt.date(2024, 1, 2),
        "given",
        dt.date(2024, 12, 31),
    )
    assert (from_text.date, from_text.date_source, from_text.directives[0].deadline) == (
        dt.date(2023, 8, 16),
        "text",
        dt.date(2023, 12, 31),
    )
    assert (from_today.date, from_today.date_source) == (dt.date(2030, 1, 1), "today")


def test_to_json_has_exactly_the_contract_keys() -> None:
    data = parse_bulletin("要健全调度机制，实行“每周一调度”。", DAY).to_json()
    assert set(data) == {"bulletin", "directives"}
    assert set(data["bulletin"]) == {"date", "date_source", "title", "sections"}
    (directive,) = data["directives"]
    assert list(directive) == [
        "text",
        "title",
        "responsible",
        "cadence",
        "deadline",
        "target",
        "section",
        "keywords",
        "confidence",
        "cues",
        "roles",
    ]
    assert directive["cadence"] == ["weekly"] and directive["deadline"] is None


def test_one_line_paragraphs_separated_by_blank_lines_stay_apart() -> None:
    source = (
        "某区人民政府办公室文件\n\n某府办〔2024〕12号\n\n关于印发《重点任务分工方案》的通知\n\n"
        "各镇人民政府、街道办事处：\n\n现将方案印发给你们，请认真组织实施。\n\n一、提升服务效能\n\n"
        "1.推行“综合窗口”受理模式。\n\n责任单位：区政务服务数据管理局\n"
    )
    parsed = parse(source, DAY)
    assert [s.title for s in parsed.sections] == ["某区人民政府办公室文件"]
    (directive,) = parsed.directives
    assert (directive.text, directive.section) == ("推行“综合窗口”受理模式。", "提升服务效能")


def test_a_subtitle_run_into_its_title_is_left_out_of_the_section_title() -> None:
    source = (
        "县委召开乡村振兴工作推进会\n\n以“三个聚焦”推动乡村振兴\n\n"
        "3 月 28 日，县委召开乡村振兴工作推进会。县委书记孙立平出席会议并讲话。\n\n"
        "要聚焦粮食安全，严格落实耕地保护制度，\n\n今年完成高标准农田建设 3.5 万亩，确保\n\n粮食稳产。\n"
    )
    parsed = parse(source, DAY)
    assert [(s.title, s.speaker) for s in parsed.sections] == [
        ("县委召开乡村振兴工作推进会", "县委书记孙立平")
    ]
    assert [d.target for d in parsed.directives] == ["3.5万亩"]


def test_the_closing_block_ends_the_last_item() -> None:
    source = (
        "（三）强化督导考核。将工作纳入年度综合考核。\n\n附件：评价指标\n\n"
        "某市人民政府办公室\n\n2024年4月18日\n"
    )
    (directive,) = parse(source, DAY).directives
    assert (directive.text, directive.deadline) == ("强化督导考核。将工作纳入年度综合考核。", None)


def test_requirements_announced_by_a_colon_are_orders_each() -> None:
    source = "办理要求：\n1．立即组织排查；\n2．6月30日前制定整改方案；\n3．办理结果书面报区委督查室。\n"
    got = parse(source, DAY).directives
    assert [(d.title, d.deadline) for d in got] == [
        ("立即组织排查", None),
        ("6月30日前制定整改方案", dt.date(2024, 6, 30)),
        ("办理结果书面报区委督查室", None),
    ]


def test_an_assessment_before_the_orders_is_not_an_order() -> None:
    source = (
        "但是，我们也要清醒地看到，部分领域风险隐患依然不少。这是必须坚守的红线。"
        "这些问题必须引起我们高度重视。\n各镇街要加强排查。\n"
    )
    assert texts(source) == ["各镇街要加强排查。"]


def test_a_table_with_a_requirements_column_after_the_deadline() -> None:
    source = (
        "序号\n督办事项\n责任单位\n办理时限\n办理要求\n"
        "1\n加快推进城东片区征地拆迁\n工作，完成剩余47户签约\n腾退\n市自然资源局\n城东街道\n5月31日前\n"
        "每周五报送签约进展，\n确保按期交地\n"
        "2\n落实稳岗返还政策，全年\n发放稳岗返还资金不少于1200\n万元\n市人社局\n市财政局\n年底前\n"
        "每季度通报资金发放\n情况\n\n"
        "请各责任单位高度重视，按照时限要求抓好落实，并于每月25日前将办理进展情况报送市政府督查室。\n\n"
        "联系人：张某    电话：0750－8881234\n"
    )
    first, second, closing = parse(source, DAY).directives
    assert first.text == "加快推进城东片区征地拆迁工作，完成剩余47户签约腾退"
    assert (first.responsible, first.cadence, first.deadline) == (
        ["市自然资源局", "城东街道"],
        ["weekly"],
        dt.date(2024, 5, 31),
    )
    assert first.title == "加快推进城东片区征地拆迁工作"
    assert second.text == "落实稳岗返还政策，全年发放稳岗返还资金不少于1200万元"
    assert (second.responsible, second.cadence, second.target) == (
        ["市人社局", "市财政局"],
        ["quarterly"],
        "不少于1200万元",
    )
    assert closing.text.startswith("请各责任单位高度重视") and closing.cadence == ["monthly"]


def test_a_closing_requirements_section_gives_its_orders() -> None:
    source = (
        "一、扩大有效投资\n\n1.全年完成固定资产投资50亿元以上。（责任单位：县发展改革局）\n\n"
        "二、工作要求\n\n"
        "各乡镇、各部门要把工作要点落实情况纳入年度目标考核。全年工作总结于12月10日前报送县政府办公室。"
        "县政府督查室每半年开展一次专项督查，督查结果在全县通报。\n"
    )
    got = parse(source, DAY).directives
    assert [d.text[:8] for d in got] == [
        "全年完成固定资产",
        "各乡镇、各部门要",
        "全年工作总结于1",
        "县政府督查室每半",
    ]
    assert got[0].deadline == dt.date(2024, 12, 31)
    assert got[2].deadline == dt.date(2024, 12, 10)
    assert got[3].responsible == ["县政府督查室"]


def test_an_order_after_an_inline_list_and_after_the_meeting_stand_alone() -> None:
    source = (
        "三、压实各方责任\n\n"
        "一是要压实属地责任。各镇要定期研究。二是要压实部门责任。各部门要制定计划。"
        "同时，大家还要高度重视防汛工作，县水利局要在汛期前完成排查。\n\n"
        "会后，各镇、各部门要迅速传达会议精神。\n"
    )
    got = [d.text[:6] for d in parse(source, DAY).directives]
    assert got == ["一是要压实属", "二是要压实部", "同时，大家还", "会后，各镇、"]


def test_a_closing_quote_on_the_next_line_keeps_a_remark_quoted() -> None:
    story = (
        "近年来，村里依托高山云雾的自然优势发展茶叶种植，面积达到三千多亩，村民收入逐年增加。"
        "“我们要把茶叶卖到全国去。"
    )
    # a PDF column: every line 14 characters wide, the closing quote wrapped onto the next line
    source = "\n".join(story[k : k + 14] for k in range(0, len(story), 14))
    source += "\n”村党支部书记陈某说。\n\n各镇要加强技术指导和服务。\n"
    assert texts(source) == ["各镇要加强技术指导和服务。"]


def test_minutes_topics_give_their_decisions_and_orders() -> None:
    source = (
        "三、研究了县供销合作社关于申请仓储设施建设补助资金的请示\n\n"
        "会议同意给予补助资金50万元，由县财政局按程序拨付。县供销合作社要严格资金管理，专款专用。\n"
    )
    first, second = parse(source, DAY).directives
    assert first.text == "会议同意给予补助资金50万元，由县财政局按程序拨付。"
    assert (first.responsible, first.target) == (["县财政局"], "50万元")
    assert second.text == "县供销合作社要严格资金管理，专款专用。"
    assert second.responsible == ["县供销合作社"]


def test_a_paged_table_with_a_leader_column_and_a_closing_note() -> None:
    header = "序号\n任务内容\n牵头领导\n责任单位\n完成时间\n"
    source = (
        header + "1\n建成标准厂房12万平方米并投入\n使用\n张某某\n区科技局、区住房和城乡建设\n局\n2024年12月\n"
        "—3—\n" + header + "2\n完成河道综合治理一期工程\n李某\n区水务局 区农业农村局\n2024年10月\n"
        "注：1.责任单位排名第一的为牵头单位。2.各责任单位于每季度最后一个月25日前将进展报区政府督查室。\n"
    )
    first, second, note = parse(source, DAY).directives
    assert (first.text, first.responsible, first.deadline) == (
        "建成标准厂房12万平方米并投入使用",
        ["区科技局", "区住房和城乡建设局"],
        dt.date(2024, 12, 31),
    )
    assert (second.text, second.responsible, second.deadline) == (
        "完成河道综合治理一期工程",
        ["区水务局", "区农业农村局"],
        dt.date(2024, 10, 31),
    )
    assert (note.responsible, note.cadence) == (["各责任单位"], ["quarterly"])


def test_a_semicolon_before_a_party_and_its_modal_opens_another_order() -> None:
    source = (
        "会议指出，部分问题依然存在，必须引起高度重视。\n"
        "会议要求，镇应急办要设置检查卡点;各村要每天开展一次巡山;镇安监站要在11月15日前完成排查。\n"
    )
    assert texts(source) == [
        "镇应急办要设置检查卡点;",
        "各村要每天开展一次巡山;",
        "镇安监站要在11月15日前完成排查。",
    ]


def test_items_labelled_with_a_time_limit_and_bullet_headings() -> None:
    source = (
        "现将有关事项通知如下:\n▲ 缴费时间\n2024年9月1日至12月31日，标准为每人每年400元。\n"
        "▲ 工作任务\n◆ 各乡镇要成立工作专班。\n◆ 县税务局要每周通报进度。\n"
        "1.目标：创建示范村6个；责任单位：农村社会事业股；时限：2024年11月30日\n"
    )
    orders = parse(source, DAY).directives
    assert [d.text[:6] for d in orders] == ["各乡镇要成立", "县税务局要每", "目标：创建示"]
    assert orders[-1].deadline == dt.date(2024, 11, 30)


def test_an_order_starting_mid_paragraph_does_not_take_the_next_paragraph() -> None:
    source = (
        "会议指出，成效明显，但短板仍在，务必抓紧补齐。\n会议强调，各村要组织抢收抢种，确保10月20日前完成。\n"
    )
    orders = texts(source)
    assert orders[-1] == "各村要组织抢收抢种，确保10月20日前完成。"
    assert all("各村" not in o for o in orders[:-1])


def test_a_comma_between_two_parties_each_with_its_must_splits_two_orders() -> None:
    source = (
        "会议要求，镇综治中心要牵头建立排查机制，各村要在每月25日前上报排查情况。\n"
        "会议同意改造计划，由区住建局牵头，各街道配合，6月底前全面开工。\n"
    )
    assert texts(source) == [
        "镇综治中心要牵头建立排查机制，",
        "各村要在每月25日前上报排查情况。",
        "会议同意改造计划，由区住建局牵头，各街道配合，6月底前全面开工。",
    ]


def test_a_quoted_slogan_contacts_and_reader_counts_end_the_last_item() -> None:
    source = (
        "③ 及时报送. 各乡镇每月5日前将参保进度报县医保局.\n\n"
        '"参医保、保健康!" 💪\n\n咨询电话:0318-5123456\n\n阅读 2.1万  在看 86\n'
    )
    (order,) = parse(source, DAY).directives
    assert (order.text, order.target) == ("及时报送.各乡镇每月5日前将参保进度报县医保局.", None)


def test_a_rate_after_a_date_starts_at_its_measure() -> None:
    (order,) = parse("各乡镇要逐户摸排，确保12月20日前全县参保率达到95%以上。\n", DAY).directives
    assert order.target == "全县参保率达到95%以上"
