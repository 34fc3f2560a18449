"""Every word list the parser knows, defined once; the patterns of cues, fields, extract and tables
are built from these. Each list carries example phrases (a phrase and the word it must find there)
that tests/bulletin/test_vocab.py runs, so a word added here is a word tested.

Longer data lists (imperative verbs, stopwords, the segmenter's user dictionary) live in
``bulletin/data/*.txt``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Words:
    """A word list: its words, and (phrase, word it finds there) examples."""

    words: tuple[str, ...]
    examples: tuple[tuple[str, str], ...]

    @property
    def alt(self) -> str:
        """The words as one regex alternation, longest first (so 主要负责同志 wins over 负责同志)."""
        return "|".join(re.escape(w) for w in sorted(self.words, key=len, reverse=True))

    def __contains__(self, word: object) -> bool:
        return word in self.words


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# The Chinese numerals of list words and numbered headings (一是, 第二, 三要).
CN_DIGITS = "一二三四五六七八九十"

# 要 as "must", not as part of 重要/需要/要求/要素/纪要/主要 …; 不要 (must not) is an order too.
YAO = (
    r"(?<![重主需必首只纪摘提概险扼显政机想总紧简次权枢冲])"
    r"要(?![求素点闻害件务是领员职案地道旨义略塞冲隘目]|紧(?![盯抓跟扣贴密]))"
    # 但也要清醒看到… / 要认识到…的差距: an assessment before the orders, not an order
    r"(?!(?:清醒|清楚|客观|冷静)?地?看到)"
)

# Modal verbs besides 要 (whose context rules are YAO above).
MODALS = Words(
    ("必须", "务必", "应当"),
    (("各单位必须按时报送", "必须"), ("务必于月底前完成", "务必"), ("各部门应当加强协作", "应当")),
)

# Who does what in an assignment: the lead, the partners, the one in charge.
ROLES = Words(
    (
        "按职责分工负责",
        "按职责分工",
        "分工负责",
        "分别负责落实",
        "负责落实",
        "牵头",
        "配合",
        "负责",
        "主责",
        "协办",
        "协助",
        "参与",
    ),
    (
        ("由县水利局牵头", "牵头"),
        ("（市交通委、市教委分别负责落实）", "分别负责落实"),
        ("各镇（街道）配合", "配合"),
        ("区教育局协助", "协助"),
        ("（A、B按职责分工负责）", "按职责分工负责"),
        ("市医保局主责", "主责"),
    ),
)

# The role words that make a party the lead of a task, or a partner in it (the assignment's role).
LEAD_ROLES = Words(
    ("牵头", "负责", "主责", "主办"),
    (("由县水利局牵头，各镇配合", "牵头"), ("由市住建局负责组织实施", "负责"), ("区住建局（主责）", "主责")),
)
PARTNER_ROLES = Words(
    ("配合", "协助", "参与", "协办"),
    (("各镇（街道）配合做好征迁", "配合"), ("区教育局协助", "协助"), ("市公安局（协办）", "协办")),
)
# Labels whose parties lead, and labels whose parties partner.
LEAD_LABELS = Words(
    ("牵头单位", "牵头部门", "牵头科室", "牵头处室", "主责单位", "主办单位", "牵头领导"),
    (("牵头单位：市商务局", "牵头单位"), ("主责单位：区财政局", "主责单位")),
)
PARTNER_LABELS = Words(
    ("配合单位", "配合部门", "配合科室", "配合处室", "协办单位", "参与单位"),
    (("配合单位：各区政府", "配合单位"), ("协办单位：市税务局", "协办单位")),
)

# The last word of a party: who can be held responsible for a task.
PARTY_HEADS = Words(
    _split(
        "镇（街道） 镇(街道) 村（社区） 村(社区) 镇街 党委政府 党委和政府 党组织书记 党组织 党工委 "
        "党支部 党组 政府 部门 单位 街道 乡镇 社区 领导小组 主要负责同志 主要负责人 负责同志 "
        "主要领导 分管领导 领导干部 领导 干部 成员 书记 主任 局长 部长 镇长 区长 市长 县长 负责人 "
        "责任人 第一责任人 一把手 上下 同志 人员 公司 集团 协会 商会 机关 企业 学校 医院 指挥部 "
        "工作组 专班 办公室 委员会 管委会 居委会 村委会 委会 中心 系统 合作社 总社 供销社 信用社 银行 "
        "局 委 办 厅 署 院 所 站 队 部 室 处 科 股 组 镇 村 区 县 市"
    ),
    (
        ("区住建局要做好", "局"),
        ("各镇（街道）要", "镇（街道）"),
        ("昆仑燃气公司利用", "公司"),
        ("各社区党组织书记要", "党组织书记"),
        ("综合协调组跟进落实", "组"),
        ("各村(居)委会做好值班值守", "委会"),
    ),
)

# The persons at the head of a unit: 各单位要…，主要负责同志要亲自抓 is one order (the units' own leaders).
LEADERS = Words(
    _split("主要负责同志 主要负责人 负责同志 负责人 主要领导 分管领导 一把手 第一责任人 党组织书记"),
    (
        ("主要负责同志要亲自抓", "主要负责同志"),
        ("主要领导要亲自研究部署", "主要领导"),
        ("一把手要带头", "一把手"),
    ),
)

# Words that never stand inside a party's name: 各镇(街)指挥办周调度机制参照县 is 各镇(街)指挥办 and the
# matter it acts on, not one party.
NOT_IN_NAME = Words(
    (
        "机制",
        "参照",
        "按照",
        "依照",
        "对照",
        "执行",
        "落实",
        "开展",
        "召开",
        "利用",
        "会同",
        "协同",
        "商请",
        "请",
    ),
    (
        ("各镇(街)指挥办周调度机制参照县指挥办执行", "机制"),
        ("利用10个工作日", "利用"),
        ("请市场监管局会同市公安局于7月15日前完成", "会同"),
    ),
)

# Labels of a task's parties, in text (责任单位：…) and as table columns.
PARTY_LABELS = Words(
    _split(
        "责任单位 牵头单位 配合单位 协办单位 参与单位 责任部门 牵头部门 配合部门 主办单位 "
        "承办单位 主责单位 承办部门 牵头科室 责任科室 配合科室 牵头处室 责任处室 配合处室 "
        "责任主体 实施主体 责任领导 牵头领导 责任人"
    ),
    (("（牵头单位：市商务局）", "牵头单位"), ("责任单位：各镇街", "责任单位"), ("责任人：张明", "责任人")),
)

# Labels of a task's time (完成时限：6月底前).
TIME_LABELS = Words(
    ("完成时限", "完成时间", "完成期限", "办结时限", "办理时限", "时间节点", "时限要求", "进度安排", "时限"),
    (("完成时限：6月底前", "完成时限"), ("时间节点：2024年9月", "时间节点")),
)

# Who said it, before the order it reports: 会议强调，要… / 王洪波要求，要…
REPORTING = Words(
    ("强调", "指出", "要求", "提出", "表示", "认为", "希望", "寄语", "号召"),
    (("会议强调，要压实责任", "强调"), ("王洪波要求，要一着不让", "要求"), ("他指出，各地要", "指出")),
)

# What a meeting decided, before the assignment it makes: 会议明确，… / 会议议定，…
DECIDED = Words(
    ("明确", "议定", "决定", "研究决定", "部署", "同意", "原则同意"),
    (("会议明确，按照职能分工", "明确"), ("会议原则同意方案", "原则同意"), ("会议议定，由区住建局", "议定")),
)

# Who attended or chaired a meeting: not an order, and not a party answering for one.
ATTENDANCE = Words(
    ("参加", "参会", "列席", "出席", "主持"),
    (("区住建局等单位参加。", "参加"), ("市长李明主持", "主持"), ("各成员单位负责同志列席", "列席")),
)

# Words after which a party is the object of the action, not the one who acts:
# 对各区建设进展进行评估, 明确各社区建设时序, 督促各镇街.
OBJECT_MARKERS = Words(
    _split("对 向 为 给 与 和 及 明确 覆盖 联系 走访 帮扶 支持 指导 督促 检查 考核 通报 约谈 表扬 批评 评估"),
    (("对各区建设进展进行评估", "对"), ("督促各镇街落实", "督促"), ("明确各社区建设时序", "明确")),
)

# Time and linking words that may open a sentence before its order: 今年，… / 同时，各部门要…
ADVERBIALS = Words(
    _split(
        "今年 明年 年内 近期 当前 目前 下一步 下阶段 接下来 同时 此外 另外 其次 首先 最后 再次 一方面 "
        "另一方面 会后 在此基础上 为此 对此 总之 特别是 尤其是 其中 按照职能分工 按照职责分工 "
        "根据职能分工 根据职责分工 按职能分工 按职责分工"
    ),
    (("会后，各乡镇要", "会后"), ("按照职能分工，区住建局", "按照职能分工"), ("其中，涉及跨部门", "其中")),
)

# Words that turn to a further order after an inline list: …第四，…。同时，大家还要…
TURNS = Words(
    ("同时", "此外", "另外", "与此同时", "会后"),
    (("。同时，大家还要", "同时"), ("。与此同时，各地要", "与此同时")),
)

# The columns of a task table (序号 | 工作任务 | 责任单位 | 完成时限 | 办理要求), besides the labels above.
NUMBER_COLUMNS = Words(
    ("序号", "编号", "序"), (("序号 工作任务 责任单位", "序号"), ("编号 任务 时限", "编号"))
)
TASK_COLUMNS = Words(
    _split(
        "工作任务 主要任务 重点任务 任务 任务内容 工作内容 具体任务 工作措施 具体措施 主要措施 主要内容 "
        "工作事项 事项 具体内容 工作要求 目标任务 工作目标 任务目标 重点工作 工作举措 措施 内容 项目名称 "
        "项目 任务名称 工作目标任务 任务事项 具体工作 工作重点 目标要求 推进措施 重点事项 改革事项 "
        "督办事项 交办事项"
    ),
    (("序号 工作任务 责任单位", "工作任务"), ("序号 督办事项 责任单位", "督办事项")),
)
# Columns that name a person (张明远), not a unit: their cell is neither task nor party.
PERSON_COLUMNS = Words(
    ("牵头领导", "责任领导", "分管领导", "包抓领导", "联系领导", "责任人"),
    (("工作任务 牵头领导 责任单位", "牵头领导"), ("任务 包抓领导 时限", "包抓领导")),
)
# Time columns a table may have besides the time labels: 时间 alone is too common in running text.
TIME_COLUMNS = Words(
    ("时间安排", "时间", "办结时间"),
    (("任务 责任单位 时间安排", "时间安排"), ("任务 单位 办结时间", "办结时间")),
)
# Columns after the deadline that say how to report (每周五报送进展…): a source of cadence.
NOTE_COLUMNS = Words(
    ("办理要求", "督办要求", "推进要求", "工作要求及标准"),
    (("完成时限 办理要求", "办理要求"), ("时限 督办要求", "督办要求")),
)
OTHER_COLUMNS = Words(
    ("备注", "类别", "领域", "分类", "说明"), (("完成时限 备注", "备注"), ("类别 任务", "类别"))
)

# Every list, for the tests.
ALL: dict[str, Words] = {
    "MODALS": MODALS,
    "ROLES": ROLES,
    "LEAD_ROLES": LEAD_ROLES,
    "PARTNER_ROLES": PARTNER_ROLES,
    "LEAD_LABELS": LEAD_LABELS,
    "PARTNER_LABELS": PARTNER_LABELS,
    "PARTY_HEADS": PARTY_HEADS,
    "LEADERS": LEADERS,
    "NOT_IN_NAME": NOT_IN_NAME,
    "PARTY_LABELS": PARTY_LABELS,
    "TIME_LABELS": TIME_LABELS,
    "REPORTING": REPORTING,
    "DECIDED": DECIDED,
    "ATTENDANCE": ATTENDANCE,
    "OBJECT_MARKERS": OBJECT_MARKERS,
    "ADVERBIALS": ADVERBIALS,
    "TURNS": TURNS,
    "NUMBER_COLUMNS": NUMBER_COLUMNS,
    "TASK_COLUMNS": TASK_COLUMNS,
    "PERSON_COLUMNS": PERSON_COLUMNS,
    "TIME_COLUMNS": TIME_COLUMNS,
    "NOTE_COLUMNS": NOTE_COLUMNS,
    "OTHER_COLUMNS": OTHER_COLUMNS,
}
