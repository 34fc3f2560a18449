"""The fields of one directive: who, how often, how much, and a short title.

All functions take the *masked* matching view (quotes blanked, see normalize.mask_quotes) where they
look for grammar, and slice the clean text where they return words as written.
"""

from __future__ import annotations

import functools
import re

from taskbot.bulletin import cues, vocab
from taskbot.bulletin.normalize import for_matching, split_outside_brackets

_CADENCE = re.compile(
    r"(?=[半每两双隔一周月按逐日季年])(?:"
    + "|".join(
        (
            r"(?P<fortnightly>半月一|每半月|每半个月|半个月一|两周一|每两周|双周|隔周|每两个星期)",
            r"(?P<weekly>每周|每星期|每个星期|每一周|一周一|周调度|周例会|周通报|周报告|按周|逐周)",
            r"(?P<monthly>(?<!半)一月一|每月|每个月|每一个月|月调度|月例会|月通报|月报告|按月|逐月|月度调度|月度通报|月度会商|月度例会)",
            r"(?P<daily>每日|每天|每一天|一日一|一天一|日调度|日报告|日通报|逐日|日报制|日清)",
            r"(?P<quarterly>每季度|每季|一季一|按季度|按季|季度通报|季度调度|季度会商|季度考核|季度例会"
            r"|(?<=[、“])季(?:通报|调度|会商|考核|讲评|分析))",
            r"(?P<yearly>每年|一年一|按年度|按年|年度考核|年度评估|年度述职)",
        )
    )
    + ")"
)


# “日分析、周调度、月考核”: a slogan list whose items open with their period.
_SLOGAN_PERIOD = re.compile(r"(?<=[“、])([日周月季年])(?=[\u4e00-\u9fff]{1,3}[、”])")
_PERIOD_CADENCE = {"日": "daily", "周": "weekly", "月": "monthly", "季": "quarterly", "年": "yearly"}


# 每年不超过1次 / 每月最多两次: a limit on how often, not a cadence
_LIMIT_AFTER = re.compile(r"(?:原则上)?(?:不超过|不得超过|最多|至多|不多于|限)")


def cadence(matching: str) -> list[str]:
    """Cadences in the order the text names them: 每周一调度、半月一通报 → weekly, fortnightly."""
    hits = [
        (m.start(), m.lastgroup)
        for m in _CADENCE.finditer(matching)
        if not _LIMIT_AFTER.match(matching, m.end())
    ]
    hits += [(m.start(), _PERIOD_CADENCE[m.group(1)]) for m in _SLOGAN_PERIOD.finditer(matching)]
    found: list[str] = []
    for _pos, name in sorted(hits, key=lambda h: h[0]):
        if name and name not in found:
            found.append(name)
    return found


_MEASURE = (
    r"个百分点|万平方米|平方公里|平方米|万千瓦|千瓦时|千瓦|兆瓦|公顷|公里|千米|万吨|万元|亿元|万人次|人次|万人|万户|"
    r"万亩|万辆|万家|万个|万件|个|家|项|所|条|座|处|台|辆|名|人|户|亩|米|吨|元|件|次|场|批|套|间|张|栋|幢|宗|例|"
    r"位|份|期|类|种|块|床|艘|盏|棵|株|册|篇|门|组|支|班|%"
)
# 70个城市社区 / 至少1个“…”阵地 / 不低于95% / 新增就业1.2万人
TARGET = re.compile(
    r"(?P<lead>至少|不少于|不低于|不超过|不高于|超过|力争|新增|累计|完成|达到|突破|控制在|保持在)?"
    r"(?<![\d.第年月])(?P<num>\d+(?:\.\d+)?)(?:多|余)?(?P<unit>(?:万|亿|千|百)?(?:" + _MEASURE + r")|万|亿)"
    r"(?P<noun>(?:“[^”]{1,12}”)?[\u4e00-\u9fff]{0,10})?"
)
# Quantities that are times, not targets.
_NOTTARGET_UNIT = re.compile(r"^(?:个工作日|个月|个星期|个小时|个季度|个百分点)")
_NOUN_STOPS = re.compile(
    r"开展|实现|全覆盖|覆盖|创建|打造|完成|达到|以上|以下|以内|左右|的|和|与|及|等|进行|推进|推动|实施|纳入|试点|"
    r"示范|改造|提升|新建|建成|建设|培育|建立|参与|参加|签约|落地|开工|投产|竣工|整治|清理|招引|引进|培训|覆盖率|"
    r"实行|推行|组织|举办|召开|安排|落实|加快|加强|开放|投用|运行|之间|之内|之前|前|内|上|中|里|后|为|是|在|到|由|向|要|将|并|同时|确保|力争|争取|合计|共|其中|每"
)


_TIME_TAIL = re.compile(r"(?:个)?(?:工作日|小时|天|日|分钟)?(?:以内|之内|内)?")


def target(masked: str, clean: str) -> str | None:
    """The first quantity the directive aims at, as written (numbers with their thing counted)."""
    for m in TARGET.finditer(masked):
        unit = m.group("unit")
        after = masked[m.end("unit") :]
        if _SHORTENED.search(masked, max(0, m.start() - 6), m.start()):
            # 压缩至1个工作日以内: a time that is itself the target
            tail = _TIME_TAIL.match(after)  # all of it optional: it always matches, maybe empty
            end = m.end("unit") + (tail.end() if tail else 0)
            return clean[m.start("num") : end]
        if _NOTTARGET_UNIT.match(unit + after[:3]) or after.startswith(
            ("工作日", "小时", "月", "日", "天", "年", "周岁", "岁")
        ):
            continue
        if unit == "个" and after.startswith(("月", "星期", "小时", "季度", "工作日", "百分点")):
            continue
        noun = "" if unit in ("%", "个百分点", "万", "亿") else m.group("noun") or ""
        start_noun = m.start("noun") if m.group("noun") is not None else m.end("unit")
        keep = _trim_noun(noun)
        end = start_noun + len(keep)
        suffix = re.match(r"以上|以内|左右", masked[end : end + 2])
        if suffix:
            end += 2
        if unit in ("%", "个百分点") or not keep:
            start = m.start("lead") if m.group("lead") else m.start("num")
            start = _metric_start(masked, start)
            return clean[start:end] or None
        start = (
            m.start("lead")
            if m.group("lead") in ("至少", "不少于", "不低于", "不超过", "超过")
            else m.start("num")
        )
        return clean[start:end]
    return None


_SHORTENED = re.compile(r"(?:压缩|缩短|压减|减少|控制)(?:至|到|在)$")


def _trim_noun(noun: str) -> str:
    if noun.startswith("“"):
        close = noun.find("”")
        head, rest = noun[: close + 1], noun[close + 1 :]
    else:
        head, rest = "", noun
    if re.match(r"以上|以下|以内|左右", rest):
        return head
    m = _NOUN_STOPS.search(rest, 1 if not head else 0)
    rest = rest[: m.start()] if m else rest
    # 42家重大危险源企业专家会诊…: the counted thing ends at its last head noun, not mid-word
    ends = [h.end() for h in _HEAD_NOUN.finditer(rest)]
    if ends and ends[-1] < len(rest):
        rest = rest[: ends[-1]]
    return head + rest


_HEAD_NOUN = re.compile(
    r"企业|单位|项目|路段|小区|社区|村|户|学校|医院|园区|基地|场所|设施|站点|机构|平台|农田|工程"
)


def _metric_start(masked: str, start: int) -> int:
    """For a rate, include the measure before it: 覆盖率达到95%."""
    window = masked[max(0, start - 12) : start]
    m = re.search(
        # the measure does not start with the tail of a time before it (三季度末前新开工项目开工率)
        r"(?![前底末内后]|[日月][前底末内])[\u4e00-\u9fff]{2,8}(?:率|比例|占比|比重|增速|增长)"
        r"(?:达到|达|提高到|提升至|保持在|不低于|超过|为)?$",
        window,
    )
    return start - len(window) + m.start() if m else start


_LABEL_SPLIT = re.compile(r"[、，；/]|及(?=[\u4e00-\u9fff]{2,}(?:局|委|办|部|中心|单位|部门))")
# 区住建局（牵头） / 各镇（街道）配合: a role noted beside a party, not part of its name
_ROLE_NOTE = re.compile(rf"[（(](?:{vocab.ROLES.alt})[）)]")
_ROLE_AFTER = re.compile(rf"(?<=.{{2}})(?:{vocab.ROLES.alt})$")


def without_role(piece: str) -> str:
    """PIECE without a role noted in brackets or after it: 区住建局（牵头） / 各镇（街道）配合 → the party."""
    return _ROLE_AFTER.sub("", _ROLE_NOTE.sub("", piece).strip(" 等")).strip(" 等")


def label_values(masked: str, clean: str) -> list[tuple[str, str]]:
    """(label, value) pairs of text like 责任单位：A、B 完成时限：6月底前 (values as written)."""
    found = list(cues.LABELS.finditer(masked))
    pairs = []
    for k, m in enumerate(found):
        end = found[k + 1].start() if k + 1 < len(found) else len(masked)
        value_end = _value_end(masked, m.end(), min(end, m.end() + 200))
        pairs.append((m.group("label"), clean[m.end() : value_end].strip("，、 ")))
    return pairs


def _value_end(masked: str, start: int, end: int) -> int:
    """Where a label's value ends: at 。 or ；, or at a bracket that closes one opened before it."""
    depth = 0
    for i in range(start, end):
        ch = masked[i]
        if ch == "（":
            depth += 1
        elif ch == "）":
            if depth == 0:
                return i
            depth -= 1
        elif ch in "。；":
            return i
    return end


def split_parties(value: str) -> list[str]:
    """The parties a label value names, without their roles: 县水利局牵头，各镇（街道）配合 → both."""
    out: list[str] = []
    for piece in split_outside_brackets(_LABEL_SPLIT, _ROLE_NOTE.sub("", value)):
        piece = without_role(piece)
        if piece and piece not in out:
            out.append(piece)
            if len(out) >= MAX_PARTIES:
                break
    return out


# No real directive names more parties than this; the cap bounds the work on pathological text.
MAX_PARTIES = 30

# The note that closes a measure of a State Council-style notice and names who carries it out:
# （A、B按职责分工负责） / （A牵头，B、C等按职责分工负责） / （A负责）.
# （A、B分别负责落实）: the note closes the measure whatever follows it, so it may stand mid-item.
NOTE = r"（(?P<body>[^（）：。]{2,120}?(?:负责|牵头|配合)(?:落实|实施)?)）[。；]?"
_CLOSING_NOTE = re.compile(NOTE + "$")
_NOTE_ROLE = _ROLE_AFTER


def closing_note(masked: str, clean: str) -> list[str]:
    """The parties of a closing （…负责） note at the end of the directive, as written."""
    if not masked.endswith(("）", "）。", "）；")):
        return []
    m = _CLOSING_NOTE.search(masked[-130:])
    if m is None:
        return []
    offset = len(masked) - len(masked[-130:]) + m.start("body")
    body = clean[offset : offset + len(m.group("body"))]
    out: list[str] = []
    for piece in re.split(r"[、，,]", body):
        piece = _NOTE_ROLE.sub("", piece.strip()).rstrip("等").strip()
        if 2 <= len(piece) <= 20 and piece not in out:
            out.append(piece)
    return out[:MAX_PARTIES]


_ROLE_AFTER_PARTY = re.compile(
    rf"(?:（[^（）。，；：]{{1,8}}）)?[（(]?(?:(?P<lead>{vocab.LEAD_ROLES.alt})(?!同志|人)|(?P<partner>{vocab.PARTNER_ROLES.alt}))"
)
_ROLE_LABEL = re.compile(rf"(?P<lead>{vocab.LEAD_LABELS.alt})|(?P<partner>{vocab.PARTNER_LABELS.alt})")
LEAD, PARTNER = "lead", "partner"


def roles(masked: str, parties: list[str]) -> dict[str, str]:
    """Which of PARTIES lead the task and which partner in it, where the text says so: a role word
    after the party (县水利局牵头，各镇（街道）配合 / 区住建局（牵头）) or the label before it
    (牵头单位：…；配合单位：…). Parties the text gives no role are left out."""
    found: dict[str, str] = {}
    for party in parties:
        at = masked.find(for_matching(party))
        if at < 0:
            continue
        after = _ROLE_AFTER_PARTY.match(masked, at + len(party))
        if after is not None:
            found[party] = LEAD if after.group("lead") else PARTNER
            continue
        value_start = max(masked.rfind(mark, 0, at) for mark in "。；") + 1
        labels = list(_ROLE_LABEL.finditer(masked, value_start, at))
        if labels:
            found[party] = LEAD if labels[-1].group("lead") else PARTNER
    return found


def responsible(masked: str, clean: str) -> list[str]:
    """Parties named in running text, in the order written, without repeats or fragments of others."""
    out: list[str] = []
    seen: set[str] = set()
    reach = -1  # the furthest end of a party kept so far: a span inside it is a fragment
    for start, text in sorted(cues.parties_in(masked), key=lambda p: (p[0], -len(p[1]))):
        end = start + len(text)
        if end <= reach:
            continue
        reach = end
        # the matching view spells both bracket widths （）: 各镇(街) keeps its note like 各县（市、区）
        if masked.count("（", start, end) > masked.count("）", start, end) and masked[end : end + 1] == "）":
            end += 1
        else:
            note = _NOTE_AFTER.match(masked, end)
            if note:
                end = note.end()  # 各县（市、区）: the note belongs to the name
        reach = max(reach, end)
        party = clean[start:end]
        if party not in seen:
            seen.add(party)
            out.append(party)
            if len(out) >= MAX_PARTIES:
                break
    return out


_NOTE_AFTER = re.compile(r"（[^（）。，；：]{1,8}）(?:[\u4e00-\u9fff]{0,4}(?:政府|党委|部门|单位))?")

_TITLE_STOP = re.compile(r"[，。；！？：,;!?:]")
_TITLE_MAX = 24


def title(masked: str, clean: str) -> str:
    """A short imperative summary: the directive's first clause without its modal or subject."""
    n = len(masked)
    pos = 0
    m = _LIST_WORD.match(masked)
    if m:
        pos = m.end()
    for _ in range(5):
        clause_end = _clause_end(masked, pos)
        clause = masked[pos:clause_end]
        adv = cues.ADVERBIAL.match(clause)
        rep = _REPORTED.match(clause) or (_MEETING_DID.match(clause) if clause_end < n else None)
        who = (
            _assignment().match(clause)
            if "由" in clause or "配合" in clause or "协助" in clause or "参与" in clause
            else None
        )
        if adv:
            pos = clause_end + 1 if adv.end() >= len(clause) else pos + adv.end()
        elif rep:
            pos = clause_end + 1 if rep.end() >= len(clause) else pos + rep.end()
        elif who:
            pos = clause_end + 1 if who.end() >= len(clause) else pos + who.end()
        elif len(clause) < 3 and clause_end < n:
            pos = clause_end + 1
        else:
            break
        if pos >= n:
            pos = 0
            break
    clause_end = _clause_end(masked, pos)
    modal = cues.MODAL.search(masked, pos, min(clause_end, pos + 14))
    if modal and modal.group(0) != "要求":
        pos = modal.end()
    text = clean[pos:clause_end].strip()
    if len(text) > _TITLE_MAX:
        cut = text.rfind("、", 0, _TITLE_MAX)
        text = text[:cut] if cut >= 6 else text[:_TITLE_MAX]
    return text or clean[:_TITLE_MAX]


# 一是 / 二要 (the 要 stays: it is the modal) / 第一， / a 是 left by a detached 一
_LIST_WORD = re.compile(
    rf"[{vocab.CN_DIGITS}]+是|[{vocab.CN_DIGITS}]+(?=要)|第[{vocab.CN_DIGITS}]+[，、：]?|是(?=[\u4e00-\u9fff]{{2}})"
)
# "会议强调，" / "他指出" / "强调要…": who said it, not what to do
_REPORTED = re.compile(
    r"[\u4e00-\u9fff□“”]{0,16}?(?:{vocab.REPORTING.alt}|{vocab.DECIDED.alt}|研究)(?:$|(?=要|各|全|由))"
)
# Who does it, not what is done: "由区住建局牵头", "各街道配合", "由区教育局会同区公安分局、…"
_PARTY_LIST = rf"(?:各|全)?{cues.LONG_NAME}(?:、(?:各|全)?{cues.LONG_NAME})*"


@functools.cache
def _assignment() -> re.Pattern[str]:
    # compiled on first use: a large pattern that most texts never need
    return re.compile(rf"由{_PARTY_LIST}(?:牵头|负责|会同{_PARTY_LIST})|{_PARTY_LIST}(?:配合|协助|参与)$")


# What the meeting did, said before what it decided: "会议同意改造计划，…"
_MEETING_DID = re.compile(r"(?:会议|会上|会议上)[^，]{0,14}$")


def _clause_end(masked: str, pos: int) -> int:
    m = _TITLE_STOP.search(masked, pos)
    return m.start() if m else len(masked)
