"""Paragraphs to directive candidates: which spans of text are orders, and what travels with them.

Three shapes carry orders:
- list items (●, 一、, （一）, 1.): the item with its body paragraphs, up to the next item or a
  paragraph that plainly starts another order ("各镇街要…", "要…");
- free paragraphs: a paragraph that opens with an imperative verb, or any sentence whose modal
  (要/必须/务必…) comes right after its subject, an adverbial or a reporting verb (会议强调，要…);
- table rows and task-division items with their 责任单位/完成时限 labels.
Inline lists (一是…二是…, 一要…二要…, 第一，…第二，…) are then split into one order each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from taskbot.bulletin import cues, vocab
from taskbot.bulletin.fields import MAX_PARTIES, NOTE, TARGET, label_values, roles, split_parties
from taskbot.bulletin.layout import TITLE_END, Para, PKind
from taskbot.bulletin.lines import LEVEL_BULLET, LEVEL_CN, LEVEL_INLINE, cn_number
from taskbot.bulletin.normalize import for_matching, join_clean, mask_quotes

_SENTENCE_END = re.compile(r"[。！？!?][”’」』）)]*")
_HEADING_MAX = 40
_SHORT_LEAD = 16


@dataclass(slots=True)
class Article:
    """A meeting or article being read: its title, the lead that dates it, who spoke."""

    title: str | None = None
    lead: str | None = None
    has_directives: bool = False


@dataclass(slots=True)
class Candidate:
    texts: list[str]
    hidden: list[str]  # the masked matching view of each text
    kind: str  # "item", "free" or "row"
    article: Article | None = None
    heading: str | None = None
    parties: list[str] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)  # roles its label paragraphs give (牵头单位：…)
    time_texts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how to report (a table's 办理要求): cadence only
    title_hint: str | None = None
    heading_only: bool = False
    level: int = 0
    body: list[Para] = field(default_factory=list)  # an item's paragraphs after its first
    # A bare 要… after an order of the same paragraph: the subject of X要…；要…；要… carries over
    continues: bool = False

    @property
    def text(self) -> str:
        return join_clean(self.texts)

    @property
    def masked(self) -> str:
        return join_clean(self.hidden)


@dataclass(slots=True)
class Extraction:
    articles: list[Article]
    candidates: list[Candidate]


def masked(text: str) -> str:
    return mask_quotes(for_matching(text))


def _is_heading(para: Para) -> bool:
    return bool(para.marker) and not para.ends_sentence and len(para.text) <= _HEADING_MAX


# 听取了… / 研究了… / 审议并原则通过了…: what a meeting did, a topic of the minutes, not an order.
_PERFECTIVE = re.compile(r"^[\u4e00-\u9fff]{1,8}?(?<![为除])了(?![解结])")


def directive_like(m: str) -> bool:
    """Whether a list item's text reads as an order rather than a heading of facts: it opens
    with an imperative (after a time: "6月30日前制定…"), or one of its first two sentences gives
    an order (（一）倒排工期抓进度。各牵头单位要…)."""
    if _PERFECTIVE.match(m) and "要" not in m[:10]:
        return False
    if (
        cues.starts_with_verb(m)
        or cues.is_strong_start(m)
        or _list_start(m)
        or cues.starts_with_manner_and_verb(m)
    ):
        return True
    when = cues.LEAD_TIME.match(m)
    if when and cues.starts_with_verb(m[when.end() :]):
        return True
    adv = cues.ADVERBIAL.match(m)
    if adv and (cues.is_strong_start(m[adv.end() :]) or cues.starts_with_verb(m[adv.end() :])):
        return True
    if cues.leading_subjects(m):
        return True  # 县指挥办周调度会后印发议定事项: a party, then what it does
    for k, (s, e) in enumerate(sentences(m[:200])[:2]):
        if sentence_start(m[s:e], first=False, inside=k > 0) is not None:
            return True
    return False


def _list_start(m: str) -> bool:
    return bool(
        re.match(r"[一二三四五六七八九十]{1,2}(?:是|要)[\u4e00-\u9fff]|是(?=[\u4e00-\u9fff])", m)
    ) and (not m.startswith("是") or cues.starts_with_verb(m[1:]))


def sentence_start(m: str, *, first: bool, inside: bool = False) -> int | None:
    """Where an order starts in sentence M (masked), or None when the sentence gives none.

    FIRST: the sentence opens its paragraph, where an imperative verb alone is enough.
    INSIDE: an order is already running in this paragraph; then only a sentence that plainly
    opens a new one (its own subject and modal, a list word, a reported order) starts another.
    """
    if cues.attendance(m):
        return None  # 由X牵头，Y、Z等单位参加: who attended, not an order
    if first and (cues.starts_with_verb(m) or _list_start(m) or cues.starts_with_manner_and_verb(m)):
        return 0
    number = _NOTE_NUMBER.match(m)
    if number:  # 注：1.…。2.各责任单位于…: a numbered point of a note
        rest = sentence_start(m[number.end() :], first=first, inside=inside)
        return None if rest is None else number.end() + rest
    when = cues.LEAD_TIME.match(m) if first else None
    if when and cues.starts_with_verb(m[when.end() :]):
        return 0
    if cues.is_strong_start(m) or _LIST_WORD_START.match(m) or cues.timed_order(m) or _TURN_AT.match(m):
        return 0
    adv = cues.ADVERBIAL.match(m)
    if adv and cues.is_strong_start(m[adv.end() :]):
        return 0
    topic = _TOPIC.match(m)
    if topic and _subject_must(m[topic.end() :]):
        return 0  # 由多个单位共同落实的工作，各责任单位要…: the matter, then a party's order
    if _DECISION.match(m) and (("由" in m and cues.assigned(m)) or ("要求" in m and cues.requires_party(m))):
        # 会议同意给予补助资金50万元，由县财政局按程序拨付 / 会议原则同意…，要求市医保局…:
        # the decision with its assignment
        return 0
    said = cues.said_lead(m)
    if said and _REQUIRED_LEAD.match(m) and not _FACT.match(m, said):
        # 会议要求，按照会议意见修改完善方案后，尽快印发: what is required is an order, whatever its form
        return cues.said_lead(m, adverbial=False)
    if said and _LIST_WORD_START.match(m, said):
        # 会议要求，一是X…；二是Y…: the orders of an inline list, reported
        return cues.said_lead(m, adverbial=False)
    if said and (cues.timed_order(m[said:]) or cues.subject_modal(m[said:]) is not None):
        # 会议明确，按照职能分工，区住建局、燃气公司利用10个工作日展开…: an assignment without 要
        return cues.said_lead(m, adverbial=False)
    modal = cues.first_modal(m)
    if modal is None or _COMMENT.match(m, modal.end()):
        return None  # …等问题依然存在，必须引起高度重视: a comment on what was said, not an order
    before = m[: modal.start()]
    reported = None
    for rep in cues.REPORTING.finditer(before):
        reported = rep
    if (
        reported is not None
        and modal.start() - reported.end() <= 12
        # 强调，… / 强调要…: said before the order; not 提出的整治方案，请… (a word of the matter)
        and (
            reported.group(0)[-1] in "，："
            or reported.end() == modal.start()
            or m[reported.end()] in "各全由"
        )
    ):
        return reported.end()
    clause_start = max(before.rfind("，"), before.rfind("；"), before.rfind("：")) + 1
    if inside:
        # …。台风登陆与返程高峰重叠，要千方百计保障…: a circumstance, then an order of its own
        one_clause_before = "，" not in before[: clause_start - 1]
        if clause_start == modal.start() and 0 < clause_start <= 30 and one_clause_before:
            # …需要延长时间的，要及时报告: the condition belongs to its order
            return 0 if cues.conditional_must(m) else clause_start
        return None
    # 督查内容、任务来源、办复要求等内容都要认真登记: matters listed up to 等…都要, each to be done
    listed = m[modal.start() - 1 : modal.start()] in ("都", "均") and "等" in m[clause_start : modal.start()]
    far = modal.start() - clause_start > 12 and not listed
    if far or m[clause_start : clause_start + 1] in ("这", "那"):
        # 这是必须坚守的红线 / 这些问题必须引起重视: a comment on what was said, not an order
        return None
    return 0 if clause_start <= 20 else clause_start


_REQUIRED_LEAD = re.compile(r"^[^，。；：]{0,12}?要求[，：]")
# 各街道去年上升2位: a figure reported, not a requirement (a column break can glue one after 要求，)
_FACT = re.compile(r"[^，。；：]{0,16}?(?:上升|下降|增长|减少|排名|位列|同比|环比)[^，。；：]{0,6}?\d")
_NOTE_NUMBER = re.compile(r"(?:注：)?\d{1,2}[.、](?!\d)")
_DECISION = re.compile(r"(?:会议|会上)?(?:原则)?(?:审议)?(?:同意|决定|议定|明确|通过)")
_ORDERED_LIST = re.compile(r"(?:要求|任务|措施|事项|工作|如下)[^，。；]{0,4}：$")
_LIST_WORD_START = re.compile(rf"[{vocab.CN_DIGITS}]{{1,2}}(?:是|要)|第[{vocab.CN_DIGITS}][，、]")


_COMMENT = re.compile(r"引起[^，。；]{0,4}(?:重视|警惕|关注|注意)")
# "…；镇安监站要在…前…": a semicolon before a party and its modal ends one order and opens the next.
_SEMICOLON = re.compile("[；，]")


def sentences(m: str) -> list[tuple[int, int]]:
    """The spans of M's sentences (M: a block's masked text), a sentence cut again where a clause
    opens an order of its own: …；要… / …；X于10个工作日内… / X要…，Y要… (see _opens_parallel)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for end in _SENTENCE_END.finditer(m):
        if "；" in m[pos : end.end()] or "，" in m[pos : end.end()]:
            _semicolon_spans(m, pos, end.end(), spans)
        else:
            spans.append((pos, end.end()))
        pos = end.end()
    if pos < len(m):
        if "；" in m[pos:] or "，" in m[pos:]:
            _semicolon_spans(m, pos, len(m), spans)
        else:
            spans.append((pos, len(m)))
    return spans


def _semicolon_spans(m: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    pos = start
    clause = start
    clauses: list[int] = []  # the starts of the current span's clauses before the last comma
    for semi in _SEMICOLON.finditer(m, start, end - 1):
        if semi.group(0) == "，":
            # two clauses each with a party and its modal: two orders (镇综治中心要…，各村要…)
            clauses.append(clause)
            before_at, clause = clause, semi.end()
            after = _undated(m[semi.end() : semi.end() + 50])
            if not (_subject_must(after) or cues.conditional_must(after)):
                continue  # the common case, decided cheaply
            before = m[before_at : semi.start()]
            if not _comma_opens(m, pos, clauses, before, after):
                continue
        else:
            clause = semi.end()
            clauses = []
        if _opens_parallel(_undated(m[semi.end() : semi.end() + 50])):
            spans.append((pos, semi.end()))
            pos = semi.end()
            clauses = []
    spans.append((pos, end))


def _comma_opens(m: str, pos: int, clauses: list[int], before: str, after: str) -> bool:
    """Whether the clause AFTER a comma (its own party or condition and must) opens an order of its
    own, BEFORE being the clause ahead of it and CLAUSES the starts of its span's clauses so far."""
    if _named_subject(before):
        return True
    head = m[pos : pos + 80]
    topic = _TOPIC.match(head)
    if topic:
        head = m[pos + topic.end() : pos + topic.end() + 80]
    # a clause of the span so far has its own party and modal (…，要…；要… restart the count)
    ordered = (
        _subject_must(head)
        or cues.starts_with_modal(head)
        or cues.conditional_must(head)
        or any(_subject_must(m[c : c + 60]) for c in clauses)
    )
    if not ordered or cues.is_leader(after):
        return False
    # 各责任单位要…，区政府办公室将对… / X要…，8月7日前Y要… / 需要协作的事项，要…，各村要…: another
    # party's own clause after an order (not 各单位要…，主要负责同志要亲自抓: the units' own leaders;
    # not 要压实责任抓落实，全省各级…要…: a lead and its party); 对特殊要求的要…，…延长时间的，要…
    return (
        _named_subject(after)
        or (topic is not None and cues.starts_with_modal(before))
        or cues.conditional_must(after)
    )


def _undated(clause: str) -> str:
    """CLAUSE without the deadline it opens with, when a party follows it (8月7日前金元村要…)."""
    when = cues.DATED.match(clause)
    return clause[when.end() :] if when and cues.subject_modal(clause[when.end() :]) else clause


def _opens_parallel(clause: str) -> bool:
    """Whether a clause after ；/， opens an order of its own: its own party and modal (镇安监站要…),
    its own modal (…；要…；要…), or its own party and time (…；月牙塘社区于10个工作日内完成…)."""
    return (
        cues.subject_modal(clause) is not None
        or cues.starts_with_modal(clause)
        or cues.timed_order(clause)
        or cues.conditional_must(clause)
    )


def _named_subject(clause: str) -> bool:
    """Whether CLAUSE opens with a named unit and its modal (镇综治中心要…), not 全镇上下 or 各地."""
    return _subject_must(clause) and clause[:1] not in "全各"


def _subject_must(clause: str) -> bool:
    """Whether CLAUSE opens with a party and a must (各村要…), not a role (由…牵头，各街道配合)."""
    m = cues.subject_modal(clause)
    return m is not None and _MUST.match(clause, m.end()) is not None


# A must, or a party's own charge (X负责…，Y负责…: two parties, two orders)
_MUST = re.compile(rf"要|{vocab.MODALS.alt}|须|负责(?!同志|人)|{cues.WILL}")


@dataclass(slots=True)
class Scope:
    """What the items being read stand under."""

    heading: str | None = None  # the current 一、… heading
    parties: dict[int, list[str]] = field(default_factory=dict)  # parties named by headings, by level
    # The items that follow were announced as requirements ("办理要求：", "具体任务如下："):
    # each is an order, whatever its first word.
    ordered_list: bool = False
    # Items deeper than an order (（一）深化排查整治。 over （1）（2）) are orders too.
    order_level: int | None = None

    def enter_block(self, *, new_article: bool) -> None:
        """A title or a news lead: no heading, no announced list; a new article forgets its parties."""
        self.heading = None
        self.ordered_list = False
        if new_article:
            self.parties.clear()


class Walker:
    """Reads the paragraphs once, left to right, keeping the item being built."""

    def __init__(self, paras: list[Para]) -> None:
        self.paras = paras
        self.articles: list[Article] = []
        self.article: Article | None = None
        self.subtitle_allowed = False
        self.scope = Scope()
        self.out: list[Candidate] = []
        self.cur: Candidate | None = None
        self.last: Candidate | None = None

    # -- the item being built --------------------------------------------------------------
    def close(self) -> None:
        cur, self.cur = self.cur, None
        if cur is None:
            return
        scope = self.scope
        ordered = scope.ordered_list or (scope.order_level is not None and cur.level > scope.order_level)
        if ordered and len(cur.hidden) > 1 and not any(directive_like(h) for h in cur.hidden):
            ordered = False  # ▲ 缴费时间 over a paragraph of facts: information, not an order
        if cur.kind == "item" and not (
            directive_like(cur.hidden[0]) or cur.parties or cur.time_texts or ordered
        ):
            # Not an order but a topic (一、关于…工作): its body may still give orders.
            if cur.level == LEVEL_CN and len(cur.texts[0]) <= _HEADING_MAX:
                self.scope.heading = _strip_note(cur.texts[0])
            if not cues.HEADING_NOUNS.match(cur.hidden[0]) or cues.ORDER_HEADINGS.match(cur.hidden[0]):
                for para in cur.body:
                    self.free(para, lead=True)  # only plain orders count here, not bare verbs
                    self.close()
            return
        if cur.kind == "item" and self.scope.order_level is None:
            self.scope.order_level = cur.level  # its sub-items, if any, are orders too
        self.emit(cur)

    def emit(self, cand: Candidate) -> None:
        if not cand.parties:
            for level in sorted(self.scope.parties, reverse=True):
                if level < cand.level or cand.kind == "free":
                    cand.parties = list(self.scope.parties[level])
                    break
        self.out.append(cand)
        self.last = cand
        if self.article is not None:
            self.article.has_directives = True

    def new(self, texts: list[str], kind: str, level: int = 0, *, hidden: list[str]) -> Candidate:
        return Candidate(
            texts=texts,
            hidden=hidden,
            kind=kind,
            article=self.article,
            heading=self.scope.heading,
            level=level,
        )

    # -- paragraphs ------------------------------------------------------------------------
    def run(self) -> Extraction:
        for k, para in enumerate(self.paras):
            if para.kind is not PKind.TITLE:
                self.subtitle_allowed = False
            handler = getattr(self, f"on_{para.kind.value}")
            handler(k, para)
        self.close()
        return Extraction(self.articles, self.out)

    def on_break(self, k: int, para: Para) -> None:
        self.close()

    def on_title(self, k: int, para: Para) -> None:
        self.close()
        title = para.text
        if para.lines > 1 and TITLE_END.search(para.matching[: para.first_line]):
            title = para.text[: para.first_line]  # the title, without the subtitle run into it
        self.scope.enter_block(new_article=False)
        if (
            self.article is not None
            and (self.article.title is None or self.subtitle_allowed)
            and not self.article.has_directives
        ):
            if self.article.title is None:
                self.article.title = title
            self.subtitle_allowed = False
            return
        self.article = Article(title=title)
        self.articles.append(self.article)
        self.subtitle_allowed = True
        self.scope.enter_block(new_article=True)

    def on_lead(self, k: int, para: Para) -> None:
        self.close()
        self.subtitle_allowed = False
        new_article = self.article is None or self.article.lead is not None or self.article.has_directives
        self.scope.enter_block(new_article=new_article)
        if new_article or self.article is None:
            self.article = Article()
            self.articles.append(self.article)
        self.article.lead = para.text
        self.free(para, lead=True)

    def on_label(self, k: int, para: Para) -> None:
        target = self.cur or self.last
        parties, times = _item_labels(para)
        if target is None:
            return
        target.parties = list(dict.fromkeys([*target.parties, *parties]))[:MAX_PARTIES]
        target.roles.update(roles(para.hidden, parties))
        target.time_texts = [*target.time_texts, *times][:4]
        if target is self.cur:
            self.close()

    def on_row(self, k: int, para: Para) -> None:
        self.close()
        row = para.row
        assert row is not None
        cand = self.new([row.text], "row", hidden=[masked(row.text)])
        cand.parties = list(row.parties)
        cand.time_texts = [row.time_text] if row.time_text else []
        cand.title_hint = row.title_hint
        cand.notes = list(row.notes)
        self.emit(cand)

    def on_body(self, k: int, para: Para) -> None:
        m = para.hidden
        if para.marker and para.level != LEVEL_INLINE:
            self.on_item(k, para, m)
            return
        cur = self.cur
        if cur is not None and cur.kind == "item" and (cur.heading_only or not cues.opens_order(m)):
            cur.texts.append(para.text)
            cur.hidden.append(m)
            cur.body.append(para)
            cur.heading_only = False
            return
        self.scope.ordered_list = bool(_ORDERED_LIST.search(m))
        self.free_or_carry(para)

    def free_or_carry(self, para: Para) -> None:
        """A paragraph outside list items: a heading-only order before it takes its first sentences."""
        m = para.hidden
        cur = self.cur
        if (
            cur is not None
            and cur.kind == "free"
            and cur.heading_only
            and not para.marker
            and not cues.is_strong_start(m)
            and not _list_start(m)
        ):
            self.cur = None
            self.free(para, carry=cur)
            return
        self.close()
        self.free(para)

    def on_item(self, k: int, para: Para, m: str) -> None:
        self.close()
        if self.scope.order_level is not None and para.level <= self.scope.order_level:
            self.scope.order_level = None
        nxt = self.paras[k + 1] if k + 1 < len(self.paras) else None
        heading = _is_heading(para)
        label_parties, label_times = _item_labels(para)
        # A heading over items of a lower level (一、 over （一）; ★ over 1.) is a context.
        if (
            heading
            and nxt is not None
            and nxt.marker
            and (
                nxt.level > para.level
                or para.level == LEVEL_BULLET != nxt.level
                # ▲ 工作任务 over ◆ items: a bullet glyph of its own makes another level
                or (
                    para.level == LEVEL_BULLET == nxt.level
                    and _glyph(para) != _glyph(nxt)
                    and not _is_heading(nxt)
                )
            )
            and nxt.kind is PKind.BODY
        ):
            # A heading over sub-items: a context, not an order of its own.
            if directive_like(m):
                self.scope.order_level = para.level
            if para.level == LEVEL_CN:
                self.scope.heading = _strip_note(para.text)
            for level in [lv for lv in self.scope.parties if lv >= para.level]:
                del self.scope.parties[level]
            if label_parties:
                self.scope.parties[para.level] = label_parties
            return
        cand = self.new([para.text], "item", para.level, hidden=[m])
        cand.heading_only = heading or (len(para.text) <= _SHORT_LEAD and para.ends_sentence)
        if label_parties:
            cand.parties = label_parties
        cand.time_texts = label_times
        self.cur = cand

    def free(self, para: Para, *, lead: bool = False, carry: Candidate | None = None) -> None:
        """Orders in a paragraph outside any list item, sentence by sentence.

        CARRY: a heading-only order from the paragraph before, which takes this paragraph's
        sentences up to the next order.
        """
        m = para.hidden
        current: Candidate | None = carry
        start_of_current = 0
        end_of_current = 0
        first = not lead and carry is None

        def finish(cand: Candidate) -> None:
            cand.texts.append(para.text[start_of_current:end_of_current])
            cand.hidden.append(m[start_of_current:end_of_current])

        lead_sentence = False  # the current order is so far one short sentence: a bold lead
        for s, e in sentences(m):
            sentence = m[s:e]
            start = sentence_start(sentence, first=first, inside=current is not None)
            first = False
            if (
                lead_sentence
                and start is not None
                and not cues.starts_with_modal(sentence)
                and not _LIST_WORD_START.match(sentence)  # …。四是…: the next item of the list
            ):
                # "要加快建设进度。各市县要倒排工期…": the lead's own elaboration, not a new order
                start = None
            lead_sentence = False
            if start is not None and not (current is carry and carry is not None and end_of_current == 0):
                continues = current is not None
                if current is not None:
                    finish(current)
                    self.emit(current)
                current = self.new([], "free", hidden=[])
                start_of_current = s + start
                while start_of_current < e and m[start_of_current] in "，：；":
                    start_of_current += 1
                current.continues = continues and cues.starts_with_modal(m[start_of_current:e])
                end_of_current = e
                opening = m[start_of_current:e]
                # 一方面要高度重视，精心组织。X要…: a short lead of its own may hold two clauses;
                # 一是端正工作态度，强化责任担当。各部门要…: a list item's heading and its party's order
                short_lead = len(opening) <= _SHORT_LEAD and (
                    "，" not in opening or cues.ADVERBIAL.match(opening) is not None
                )
                listed_lead = len(opening) <= 2 * _SHORT_LEAD and _LIST_WORD_START.match(opening) is not None
                lead_sentence = (
                    not lead
                    and m[e - 1] != "；"  # a clause of a run of orders, not a bold lead
                    and (short_lead or listed_lead)
                )
            elif current is not None:
                end_of_current = e
        if current is None:
            return
        finish(current)
        text = current.masked
        # only a whole paragraph can head the next one: an order that starts mid-paragraph
        # (…问题依然存在，必须…) ends with it
        current.heading_only = (
            not lead
            and carry is None
            and start_of_current == 0
            and (len(text) <= _SHORT_LEAD or "，" not in text)
        )
        self.cur = current


def _item_labels(para: Para) -> tuple[list[str], list[str]]:
    """The parties and the time values an item's own 责任单位：…；时限：… labels name."""
    parties: list[str] = []
    times: list[str] = []
    for label, value in label_values(para.hidden, para.text):
        if label in cues.PARTY_LABELS:
            parties.extend(p for p in split_parties(value) if p not in parties)
        elif value:
            times.append(value)
    return parties, times[:4]


def _glyph(para: Para) -> str:
    return para.marker.strip()[:1]


def _strip_note(text: str) -> str:
    return re.sub(r"[（(][^（）()]*[）)]$", "", text) or text


# -- splitting candidates ---------------------------------------------------------------------
_INLINE = re.compile(
    rf"(?:^|(?<=[。；！？：，]))(?:(?P<cn>[{vocab.CN_DIGITS}]{{1,2}})(?:是|要)(?=[\u4e00-\u9fff“])"
    rf"|第(?P<ord>[{vocab.CN_DIGITS}]{{1,2}})[，、：]"
    r"|[（(](?P<par>\d{1,2})[）)]|(?P<circ>[①-⑩]))"
)


def split_inline(cand: Candidate) -> list[Candidate]:
    """One candidate per item of an inline list 一是…二是… (at least two, numbered in order)."""
    text = cand.text
    m = cand.masked
    if not any(ch in m for ch in "是要第（(①"):
        return [cand]
    starts: list[int] = []
    expected = 1
    for hit in _INLINE.finditer(m):
        if hit.group("cn") or hit.group("ord"):
            number = cn_number(hit.group("cn") or hit.group("ord"))
        elif hit.group("par"):
            number = int(hit.group("par"))
        else:
            number = ord(hit.group("circ")) - ord("①") + 1
        if number == expected:
            starts.append(hit.start())
            expected += 1
    if len(starts) < 2:
        return [cand]
    pieces: list[Candidate] = []
    preamble = text[: starts[0]]
    pm = m[: starts[0]]
    if len(preamble) >= 8 and pm[-1:] == "。" and directive_like(pm):
        pieces.append(_piece(cand, preamble, pm))
    turn = _TURN.search(m, starts[-1])
    if turn is not None:
        starts.append(turn.start())  # 第四，…。同时，大家还要…: a further order after the list
    bounds = [*starts, len(text)]
    for a, b in pairwise(bounds):
        pieces.append(_piece(cand, text[a:b], m[a:b]))
    return pieces


# After the last item of an inline list, a sentence turning to another matter with its own modal.
_TURN_WORDS = rf"(?:{vocab.TURNS.alt})，?[^，。；]{{0,8}}?(?:{vocab.YAO}|{vocab.MODALS.alt})"
_TURN = re.compile(rf"(?<=[。；！]){_TURN_WORDS}")
_TURN_AT = re.compile(_TURN_WORDS)


def _piece(cand: Candidate, text: str, hidden: str) -> Candidate:
    return Candidate(
        texts=[text],
        hidden=[hidden],
        kind=cand.kind,
        article=cand.article,
        heading=cand.heading,
        parties=list(cand.parties),
        time_texts=list(cand.time_texts),
        level=cand.level,
    )


_JOINED_TASK = re.compile(r"[，；](?=并|同时|还要|另外|此外)|；")


def split_targets(cand: Candidate) -> list[Candidate]:
    """A sentence that sets two measurable targets joined by 并/同时/； is two tasks."""
    if cand.kind != "free":
        return [cand]
    text = cand.text
    m = cand.masked
    hits = [h for h in TARGET.finditer(m) if h.group("unit") not in ("%",)]
    if len(hits) < 2:
        return [cand]
    cuts = []
    for first, second in pairwise(hits):
        joint = None
        for j in _JOINED_TASK.finditer(m, first.end(), second.start()):
            joint = j
        if joint is not None:
            cuts.append(joint.start() + 1)
    if not cuts:
        return [cand]
    bounds = [0, *cuts, len(text)]
    return [_piece(cand, text[a:b], m[a:b]) for a, b in pairwise(bounds) if text[a:b]]


# A sentence whose first clause hands the work to a party with 由 (其中，…由综合协调组跟进落实):
_HANDED = re.compile(r"(?<=。)(?:其中|同时|此外|另外)?，?[^，。；：]{0,30}?由")


def split_assignments(cand: Candidate) -> list[Candidate]:
    """An order whose later sentence hands other work to another party (由X跟进落实) is two orders:
    县指挥办周调度会后印发议定事项。…其中，…由综合协调组跟进落实 → 县指挥办's, 综合协调组's."""
    m = cand.masked
    if "由" not in m or "。" not in m:
        return [cand]
    for hit in _HANDED.finditer(m):
        clause_end = len(m)
        for mark in "，。；":
            at = m.find(mark, hit.end())
            if at >= 0:
                clause_end = min(clause_end, at)
        if cues.gives_order(m[hit.start() : hit.end()]):
            continue  # 各市县要建立由…牵头的机制: 由 inside the order, not handing work on
        by = m[hit.end() - 1 : clause_end + 1]
        handed = cues.assigned_parties(by)
        if not handed:
            continue
        before = m[: hit.start()]
        own = [p for _, p in cues.parties_in(before)] or cues.leading_subjects(before)
        if cand.parties and not own:
            own = list(cand.parties)
        if not own or set(handed) & set(own):
            continue
        cut = hit.start()
        first = _piece(cand, cand.text[:cut], m[:cut])
        rest = _piece(cand, cand.text[cut:], m[cut:])
        rest.parties = []
        return [first, *split_assignments(rest)]
    return [cand]


# 对未达到进度的任务，… / 由多个单位共同落实的工作，…: the matter a sentence opens with, before its party
_TOPIC = re.compile(rf"[^，。；：]{{2,24}}的(?:(?!要|{vocab.MODALS.alt})[\u4e00-\u9fff]){{0,6}}，")


def _party_opening(m: str, pos: int) -> str | None:
    """The party whose own order opens the sentence at POS (各责任单位要…; 同时，X要…; 对…的任务，X要…)."""
    rest = m[pos : pos + 80]
    adv = cues.ADVERBIAL.match(rest)
    if adv:
        rest = rest[adv.end() :]
    rest = _undated(rest)
    topic = _TOPIC.match(rest)
    for head in (rest, rest[topic.end() :] if topic else None):
        if head and _subject_must(head):
            hit = cues.subject_modal(head)
            assert hit is not None
            return hit.group(0)
    return None


_SEMICOLON_OR_END = re.compile("[，；。！？]")


def split_subjects(cand: Candidate) -> list[Candidate]:
    """An order whose later sentence opens with another party's own order is two orders:
    各责任单位要加强组织领导，主要领导要亲自研究部署。 → the units', the leaders'. A first sentence
    without a party (a heading, 要加快建设进度。) keeps the party's sentence that elaborates it."""
    if cand.kind == "row":
        return [cand]
    m = cand.masked
    first = _SEMICOLON_OR_END.search(m)
    if first is None or _MUST.search(m, first.end()) is None:
        return [cand]  # every cut opens with a must after a boundary: none here
    cuts = [0]
    conditions: set[int] = set()  # cuts before a condition (…未办结的要…): the order's subject carries on
    for pos, _ in sentences(m)[1:]:
        if len(m) - pos < 6:
            continue
        if m[pos - 1] == "，":  # 镇综治中心要…，各村要…: cut as sentences() cuts a paragraph
            cuts.append(pos)
            continue
        party = _party_opening(m, pos)
        before = m[cuts[-1] : pos]
        if party is None and cues.conditional_must(m[pos : pos + 40]) and cues.gives_order(before):
            cuts.append(pos)  # 逾期未办结的要…: whoever the condition names, after an order
            conditions.add(pos)
            continue
        if party is None:
            continue
        own = {p for _, p in cues.parties_in(before)} | set(cues.leading_subjects(before))
        if own and party not in own:
            cuts.append(pos)
    if len(cuts) == 1:
        return [cand]
    bounds = [*cuts, len(m)]
    pieces = [_piece(cand, cand.text[a:b], m[a:b]) for a, b in pairwise(bounds)]
    for at, piece in zip(cuts[1:], pieces[1:], strict=True):
        piece.parties = []
        piece.continues = at in conditions
    return pieces


_NOTE = re.compile(NOTE)


def split_notes(cand: Candidate) -> list[Candidate]:
    """An item whose measures each close with their parties' note is one order per measure:
    做好A。（市X负责落实）做好B。（市Y负责落实） → A with 市X, B with 市Y."""
    m = cand.masked
    if "）" not in m:
        return [cand]
    cuts = [0] + [hit.end() for hit in _NOTE.finditer(m) if len(m) - hit.end() >= 6]
    if len(cuts) == 1:
        return [cand]
    bounds = [*cuts, len(m)]
    return [_piece(cand, cand.text[a:b], m[a:b]) for a, b in pairwise(bounds)]


# The closing formula of a notice ("请认真贯彻执行。") asks nothing that could be tracked.
_BOILERPLATE = re.compile(
    r"^[^，。]{0,16}?(?:请|要)?(?:结合实际)?[，]?(?:认真|切实)?(?:抓好)?"
    r"(?:贯彻落实|贯彻执行|遵照执行|组织实施|抓好落实|执行|落实|实施)[。！]?$"
)


def extract(paras: list[Para]) -> Extraction:
    result = Walker(paras).run()
    candidates: list[Candidate] = []
    for cand in result.candidates:
        for piece in (p for whole in split_notes(cand) for p in split_inline(whole)):
            for part in split_assignments(piece):
                for own in split_subjects(part):
                    candidates.extend(split_targets(own))
    result.candidates = [
        c for c in candidates if c.text and not (c.kind == "free" and _BOILERPLATE.match(c.masked))
    ]
    return result
