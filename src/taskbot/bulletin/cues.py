"""The words that tell an order from a report: modal verbs, imperative openers, parties, labels.

Every function here works on the *matching* view (see normalize) and knows nothing of layout.
The word lists are vocab's (and ``bulletin/data/*.txt``); this module builds the patterns.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from taskbot.bulletin import vocab
from taskbot.bulletin.normalize import split_outside_brackets

_YAO = vocab.YAO
_MUSTS = vocab.MODALS.alt  # 必须|务必|应当
MODAL = re.compile(
    rf"{_YAO}|{_MUSTS}|亟须|须(?=[在于按将把对做完进加])|要求(?=各|全|相关|有关|[省市区县镇]直)"
    # 要求水利、交通、应急等防汛相关部门全部到岗: the parties listed up to their 等…部门
    r"|(?<=[，：])要求(?=[\u4e00-\u9fff、]{2,40}?等[\u4e00-\u9fff]{0,8}?(?:部门|单位))"
    r"|请(?=各|全|相关|有关|你|贵|[省市区县镇乡]直?[\u4e00-\u9fff]{0,6}(?:局|委|办|部|单位|部门|政府|街道))"
    # 由区住建局牵头 / 由区教育局会同… / 由…负责: an assignment
    r"|由(?=[^，。；：]{2,24}?(?:牵头|负责|会同|组织实施|承办|主办))"
)
_MODAL_AT_START = re.compile(rf"^(?:不要|{_YAO}|{_MUSTS}|请(?=各|全|相关|有关))")
REPORTING = re.compile(rf"(?:{vocab.REPORTING.alt})[，：]?")

# The last word of a party: who can be held responsible for a task.
PARTY_HEAD = vocab.PARTY_HEADS.alt
_PARTY_HEAD = PARTY_HEAD
# A character of a party's name; a bracketed note like （街道） or （市、区） counts as one.
_MIDDLE = r"(?:[\u4e00-\u9fff]|（[^（）。，；]{1,8}）|\([^()。，；]{1,8}\)|“[^“”。，；]{1,10}”)"
# Words that end a party's name in running text (a verb or a preposition follows the name).
_NOT_MIDDLE = "要将把对在以为是的和与及并从向于按给让使被都也还"
_NOT_IN_NAME = "要将把对在以为是的并从向于按给让使被"
# Words that never stand inside a party's name: 各镇(街)指挥办周调度机制参照县 is 各镇(街)指挥办 and
# the matter it acts on, not one party.
_NOT_NAME_WORDS = rf"(?!{vocab.NOT_IN_NAME.alt})"
_PARTY_BODY = rf"(?:(?![{_NOT_IN_NAME}]){_NOT_NAME_WORDS}{_MIDDLE}){{0,12}}?(?:{_PARTY_HEAD})"
# 各镇街 / 各相关部门 / 各地各部门一把手 / 各镇（街道）: 各 + at most 12 characters + a party head.
_EACH = re.compile(
    rf"(?=[全各省市区县])(?:全[省市区县镇乡国]|[省市区县](?:直|属))?各(?![项类种个自方面环节领域阶段]|位(?![\u4e00-\u9fff]{{0,6}}(?:成员|同志|领导|干部)))(?:(?![{_NOT_MIDDLE}]){_NOT_NAME_WORDS}{_MIDDLE}){{0,12}}(?:{_PARTY_HEAD})"
    # 各地 / 各地区: the places themselves
    r"|(?:全[省市区县镇乡国])?各地区?"
)
_ALL = re.compile(r"全(?:省|市|区|县|镇|乡|街|国|体)(?:上下|党员干部|党员|干部|人员)")
# 市、区领导 / 县级领导 / 市领导
_LEADERS = re.compile(
    r"(?=[省市区县镇乡])(?<![全本该])[省市区县镇乡](?:、[省市区县镇乡])*(?:两级|三级|级)?(?:主要领导|分管领导|领导干部|领导)"
)
# 县督查室将对…进行督查 / 区政府办公室将适时通报: what a party announces it will do is its order
WILL = r"将(?=对|适时|定期|不定期|持续|加大|进一步|严格|全程)"
# 8月7日前金元村要…: a deadline before the party of a clause
DATED = re.compile(r"(?:\d{4}年)?\d{1,2}月(?:\d{1,2}[日号]|底|末)(?:之?前|以前)，?")
# The party in subject position: "区住建局要…", "一把手要…", "市发改局牵头，…".
_SUBJECT = re.compile(
    rf"({_PARTY_BODY}(?:、{_PARTY_BODY})*)(?=(?:{_YAO}|{_MUSTS}|应|须|负责(?!同志|人)|牵头|会同|配合|统筹|切实|进一步|全力|要对|要把|{WILL}))"
)

_TIME_LABELS = "|".join(w for w in vocab.TIME_LABELS.words if w != "时限")
LABELS = re.compile(rf"(?P<label>{vocab.PARTY_LABELS.alt}|{_TIME_LABELS}|(?<![\u4e00-\u9fff])时限)[：:]")
PARTY_LABELS = frozenset(vocab.PARTY_LABELS.words)

TITLE_WORDS = re.compile(
    r"召开|举行|会议|大会|推进会|座谈会|部署会|动员会|调度会|现场会|常委会|专题会|通知|方案|意见|办法|规定|"
    r"细则|要点|纪要|通报|公告|决定|讲话|调研|督导|考察|视察|简报|快报|专报|工作动态|分工|清单|计划"
)
# A news lead starts with its date ("6 月 14 日，", "6月24日下午，") or with 近日/日前.
LEAD = re.compile(
    r"^(?:(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:[至到\-—~]\d{1,2}日)?(?:上午|下午|晚上|晚间|早上|晚)?(?:，|在)"
    r"|(?:近日|日前|近期|连日来|昨天|今天|本周|上周)[，])"
)
# A time that may open an order before its verb: "6月30日前制定…", "年内完成…", "整改期间每日…".
LEAD_TIME = re.compile(
    r"(?:(?:\d{4}年)?\d{1,2}月(?:\d{1,2}[日号]|底|末|中旬|上旬|下旬)?(?:之?前|以前|底前)?"
    r"|今年|年内|年底前|本月|近期|下一步|每(?:日|天|周|月|季度|半年|年)|[^，。；]{1,8}期间)[，]?"
)
ADVERBIAL = re.compile(rf"^(?:{vocab.ADVERBIALS.alt})[，,]?")


# Headings of a plan's closing part whose paragraphs do give orders (各部门要…).
ORDER_HEADINGS = re.compile(
    r"^(?:工作要求|保障措施|职责分工|责任分工|工作职责|组织保障|有关要求|相关要求)(?![\u4e00-\u9fff])"
)

# Headings that name a part of a plan rather than order anything, though they open with a verb
# (指导思想 opens with 指导).
HEADING_NOUNS = re.compile(
    r"^(?:指导思想|基本原则|工作原则|总体要求|总体目标|工作目标|主要目标|发展目标|建设目标|目标任务|主要任务|"
    r"重点任务|实施范围|适用范围|实施步骤|实施时间|时间安排|进度安排|工作步骤|组织机构|保障措施|工作要求|"
    r"职责分工|责任分工|工作职责|资金来源|建设内容|建设规模|考核办法|监督管理|附则|背景|现状)(?![\u4e00-\u9fff])"
)


@functools.cache
def _word_file(name: str) -> frozenset[str]:
    text = resources.files("taskbot.bulletin").joinpath("data", name).read_text(encoding="utf-8")
    words = set()
    for line in text.splitlines():
        if not line.startswith("#"):
            words.update(line.split())
    return frozenset(words)


def verbs() -> frozenset[str]:
    return _word_file("verbs.txt")


def stopwords() -> frozenset[str]:
    return _word_file("stopwords.txt")


def starts_with_verb(matching: str) -> bool:
    """Whether the clause opens with an imperative verb (加强…, 抓…, 坚定不移…)."""
    if HEADING_NOUNS.match(matching):
        return False
    lexicon = verbs()
    return any(matching[:n] in lexicon for n in (4, 3, 2, 1) if len(matching) > n)


# "以钉钉子精神抓好…", "以项目建设为抓手推动…": a manner phrase before the verb.
_MANNER = re.compile(
    r"以[^，。；：]{2,10}?(?:精神|作风|态度|力度|标准|为抓手|为重点|为引领|为统领|为核心|为目标|为导向)"
)


def starts_with_manner_and_verb(matching: str) -> bool:
    m = _MANNER.match(matching)
    return m is not None and starts_with_verb(matching[m.end() :])


def starts_with_modal(matching: str) -> bool:
    return bool(_MODAL_AT_START.match(matching))


def subject_modal(matching: str) -> re.Match[str] | None:
    """A party followed by a modal at the start: "各镇街要…", "全市上下要…", "区住建局牵头…"."""
    m = _SUBJECT.match(matching)
    if m is None:
        m = _EACH.match(matching) or _ALL.match(matching)
        if m is None or not MODAL.match(matching, m.end()):
            return None
    return m


# A subject, then when, then the verb: "全年工作总结于12月10日前报送…", "县督查室每半年开展一次督查",
# "区住建局、燃气公司利用10个工作日展开…", "月牙塘社区于10个工作日内完成…".
_DUE_BY = re.compile(
    r"[^，。；：]{2,24}?(?:(?:于|在)(?:\d{1,2}月\d{1,2}[日号]|\d{1,2}月(?:底|末)|年底|年末"
    # 于每季度最后一个月25日前 / 于每月5日前
    r"|每(?:季度|月|周|年|半年)[^，。；：]{0,8}?\d{1,2}[日号])(?:之?前|以前)"
    r"|(?:利用|用|于|在)\d{1,3}个?(?:工作日|自然日|天|日|周|星期|月)(?:之?内|以内)?)"
)
_EVERY = re.compile(rf"{_PARTY_BODY}(?:每(?:日|天|周[一二三四五六日]?|月|季度|半年|年)|定期)(?:[一两]次)?")


def timed_order(matching: str) -> bool:
    """Whether the sentence opens with a subject, a deadline or a period, and then a verb."""
    head = matching[:26]
    if "于" not in head and "在" not in head and "利用" not in head and "每" not in matching[:30]:
        return False
    m = _DUE_BY.match(matching) or _EVERY.match(matching)
    # …25日前将工作进展报…: a disposal 将/把 opens the action as a verb would
    return m is not None and (
        starts_with_verb(matching[m.end() :]) or matching.startswith(("将", "把"), m.end())
    )


def is_strong_start(matching: str) -> bool:
    """A clause that opens a new order even in the middle of another item's body."""
    return starts_with_modal(matching) or subject_modal(matching) is not None


def opens_order(matching: str) -> bool:
    """A strong start, maybe after an adverbial: "会后，各乡镇要…", "同时，各部门要…"."""
    if is_strong_start(matching):
        return True
    adv = ADVERBIAL.match(matching)
    return adv is not None and is_strong_start(matching[adv.end() :])


# 由X牵头，Y、Z等单位参加 / 县长李明主持: who attended or chaired a meeting, not an order.
_ATTENDANCE = re.compile(rf"(?:{vocab.ATTENDANCE.alt})(?:会议|会议并讲话|并讲话)?[。；！]?$")
_ORDER_WORD = re.compile(rf"{_YAO}|{_MUSTS}")


def gives_order(matching: str) -> bool:
    """Whether the text holds an order word (要, 必须, 务必, 应当)."""
    return _ORDER_WORD.search(matching) is not None


def attendance(matching: str) -> bool:
    """Whether the sentence only says who attended or chaired (…等单位参加。), giving no order."""
    return _ATTENDANCE.search(matching) is not None and _ORDER_WORD.search(matching) is None


# 会议明确， / 会议强调， / 王洪波要求，: who said it, before what is to be done
_SAID = re.compile(rf"^[^，。；：]{{0,12}}?(?:{vocab.REPORTING.alt}|{vocab.DECIDED.alt})[，：]")


def said_lead(matching: str, *, adverbial: bool = True) -> int:
    """The length of a "会议明确，" / "会议明确，按照职能分工，" lead-in (0 when there is none);
    ADVERBIAL=False: of the "会议明确，" part alone."""
    end = 0
    m = _SAID.match(matching)
    if m:
        end = m.end()
    if not adverbial:
        return end
    adv = ADVERBIAL.match(matching[end:])
    if adv and matching[end + adv.end() - 1 : end + adv.end()] == "，":
        end += adv.end()
    return end


def first_modal(masked: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
    return MODAL.search(masked, start, len(masked) if end is None else end)


_OBJECT_MARKERS = vocab.OBJECT_MARKERS.words


def _object_of(masked: str, start: int) -> bool:
    return masked[max(0, start - 2) : start].endswith(_OBJECT_MARKERS)


# …各成员单位分管负责同志参加: an attendee, not a party that answers for the work
_ATTENDED = "|".join(w for w in vocab.ATTENDANCE.words if w != "主持")  # the chair may answer for it
_ATTENDS = re.compile(rf"(?:等(?:单位|部门)?)?(?:{_ATTENDED})")


def _attends(masked: str, end: int) -> bool:
    return _ATTENDS.match(masked, end) is not None


def parties_in(masked: str) -> list[tuple[int, str]]:
    """Parties named in running text, with their offsets: 各…, 全…上下, 市、区领导, subjects of 要."""
    found: list[tuple[int, str]] = []
    for pattern in (_EACH, _ALL, _LEADERS):
        found.extend(
            (m.start(), m.group(0))
            for m in pattern.finditer(masked)
            if not _object_of(masked, m.start()) and not _attends(masked, m.end())
        )
    found.extend(_clause_subjects(masked))
    if "会同" in masked or "联合" in masked or "协同" in masked or "商请" in masked:
        for m in _partners().finditer(masked):
            found.extend(_split_names(m.start(1), m.group(1)))
    if "由" in masked:
        for m in _assigned().finditer(masked):
            found.extend(_split_names(m.start(1), m.group(1)))
    return found


# Subjects at the start of a clause, right before its modal: "区市场监管局、区商务局要…".
# 被通报单位 / 被约谈部门: the one named in a notice, the subject of what follows
_NAME = (
    rf"(?:被(?=[\u4e00-\u9fff]{{2,4}}(?:单位|部门|对象)))?"
    rf"(?:(?![{_NOT_IN_NAME}]){_NOT_NAME_WORDS}{_MIDDLE}){{0,16}}?(?:{_PARTY_HEAD})"
)
_NAMES = re.compile(rf"{_NAME}(?:、{_NAME})*")
_SUBJECT_TRIGGER = re.compile(
    rf"要|{_MUSTS}|{WILL}|负责(?!同志|人)|牵头|会同|联合|配合|协助|每(?=日|天|周|月|季度|半年|年)|于(?=\d|每)|利用(?=\d)"
)
# 一是县财政局要… / 第二，市水务局要…: the list word before the subject
LIST_WORD = re.compile(rf"[{vocab.CN_DIGITS}]{{1,2}}是|第[{vocab.CN_DIGITS}]{{1,2}}[、，]?")
_CLAUSE_MARKS = "，。；：！？）"
# Partners named after 会同/联合/协同: "各镇（街道）要会同区住建局，…"
LONG_NAME = rf"(?:(?![{_NOT_IN_NAME}]){_NOT_NAME_WORDS}{_MIDDLE}){{0,12}}(?:{_PARTY_HEAD})"
_PARTNERS_PATTERN = rf"(?:会同|联合|协同|商请)((?:各|全)?{LONG_NAME}(?:、(?:各|全)?{LONG_NAME})*)"


# 工作由县自然资源局负责 / 由县财政局按程序拨付 / 由县住建局根据会议意见修改: who is assigned
_ASSIGNED_PATTERN = (
    rf"由((?:各|全)?{LONG_NAME}(?:、(?:各|全)?{LONG_NAME})*)"
    r"(?=负责|牵头|会同|根据|依照|依据|按|对|向|在|于|将|把|组织|统筹|结合|做好|抓好|承担|具体|跟进|督办|办理|拨付|，)"
)


@functools.cache
def _assigned() -> re.Pattern[str]:
    return re.compile(_ASSIGNED_PATTERN)  # compiled on first use, like _partners


# 会议原则同意…，要求市医保局会同…: a decision that orders a named party
_REQUIRED = re.compile(rf"(?:^|[，：])要求(?:各|全)?{LONG_NAME}")


def requires_party(masked: str) -> bool:
    """Whether the text requires a named party to act (…，要求市医保局加大…)."""
    return _REQUIRED.search(masked) is not None


_HEAD_LAST = frozenset(head[-1] for head in _PARTY_HEAD.split("|") if head)
_THEN = re.compile(r"[^，。；：]{1,6}?(?:后|前)")


# 对地质灾害点进行监测: the object the party acts on, before its verb
_ACTS_ON = re.compile(r"对[^，。；：]{2,20}?(?:进行|开展|实行|实施|加强)")


def leading_subjects(masked: str) -> list[str]:
    """The parties an order opens with when no modal follows them: 县指挥办周调度会后印发… → 县指挥办;
    after a list word, or before the object its verb acts on: 二是城建专班对镇村街道进行巡逻 → 城建专班."""
    listed = LIST_WORD.match(masked)
    if listed:
        return leading_subjects(masked[listed.end() :])
    for end in range(min(len(masked), 24), 2, -1):
        if masked[end - 1] not in _HEAD_LAST:
            continue  # a name ends with a party head (…局, …办, …公司): skip the other cuts cheaply
        if not _NAMES.fullmatch(masked, 0, end) or any(len(n) < 3 for n in masked[:end].split("、")):
            continue
        rest = masked[end:]
        then = _THEN.match(rest)
        if starts_with_verb(rest) or (then and starts_with_verb(rest[then.end() :])) or _ACTS_ON.match(rest):
            return [name for _, name in _split_names(0, masked[:end])]
    return []


def assigned_parties(masked: str) -> list[str]:
    """The parties a 由X… assignment names (由县财政局按程序拨付 → 县财政局)."""
    m = _assigned().search(masked)
    return [] if m is None else [name for _, name in _split_names(m.start(1), m.group(1))]


def assigned(masked: str) -> bool:
    """Whether the text assigns the work to a party with 由 (由县财政局按程序拨付)."""
    return _assigned().search(masked) is not None


@functools.cache
def _partners() -> re.Pattern[str]:
    return re.compile(_PARTNERS_PATTERN)  # compiled on first use: most texts name no partners


def _clause_subjects(masked: str) -> list[tuple[int, str]]:
    """Parties standing between the start of a clause and its modal."""
    found: list[tuple[int, str]] = []
    for trigger in _SUBJECT_TRIGGER.finditer(masked):
        end = trigger.start()
        low = max(0, end - 40)
        start = max(masked.rfind(mark, low, end) for mark in _CLAUSE_MARKS) + 1
        if start == 0 and low > 0:
            continue  # no clause start within reach: not a subject
        segment = masked[start:end]
        by = segment.rfind("由")  # 由X负责 / 认定工作由X负责: the party comes after 由
        if by >= 0:
            start, segment = start + by + 1, segment[by + 1 :]
        elif segment.startswith(("要求", "请")):  # 要求市医保局会同… / 请X会同…: the party asked to act
            cut = 2 if segment.startswith("要求") else 1
            start, segment = start + cut, segment[cut:]
        listed = LIST_WORD.match(segment) or DATED.match(segment)
        if listed:
            start, segment = start + listed.end(), segment[listed.end() :]
        if segment and segment[0] not in "各全" and _NAMES.fullmatch(segment):
            found.extend(_split_names(start, segment))
    return found


_DUN = re.compile("、")


def _split_names(start: int, group: str) -> list[tuple[int, str]]:
    out = []
    pos = start
    for name in split_outside_brackets(_DUN, group):
        out.append((pos, name))
        pos += len(name) + 1
    return out


_LEADER = re.compile(rf"[^，。；：]{{0,12}}?(?:{vocab.LEADERS.alt})(?=要|{_MUSTS}|应|须)")


def is_leader(matching: str) -> bool:
    """Whether the clause opens with a unit's leaders and their modal (主要负责同志要亲自抓…)."""
    return _LEADER.match(matching) is not None


# 对特殊要求的要特事特办 / 逾期未办结的，要及时催办: whoever the condition names must act
_CONDITIONAL = re.compile(rf"[^，。；：]{{2,32}}?的，?(?:{_YAO}|{_MUSTS})")


def conditional_must(matching: str) -> bool:
    """Whether the clause opens with a condition naming who must act (…未办结的要及时催办)."""
    return _CONDITIONAL.match(matching) is not None
