"""Extracted lines back into paragraphs, titles, news leads, labels and table rows.

PDF extraction breaks every line, often puts a blank line after each, pads justified text with
spaces and leaves headings and bullets (●, 一, 三) on lines of their own. The rules here are about
shape only: a paragraph ends at a line that ends a sentence, before a marker, a label or a news lead,
and after a line much shorter than its neighbours that ends without punctuation (a heading).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from taskbot.bulletin import cues
from taskbot.bulletin.lines import LEVEL_BULLET, Kind, Line, classify, split_marker
from taskbot.bulletin.normalize import for_matching, join_clean, mask_quotes
from taskbot.bulletin.tables import Row, header_at, read_table

# A line longer than this is cut into pieces of this size: no pattern ever sees more at once,
# which keeps the work per character bounded whatever the input.
MAX_LINE = 4000
_CELL_SPLIT = re.compile(r"\t+|\s*\|\s*")
_RULE_CELL = re.compile(r"^[-:=|+\s]*$")


class PKind(enum.Enum):
    BODY = "body"  # running text
    TITLE = "title"  # the title of an article or meeting report
    LEAD = "lead"  # the dated first paragraph of a news report
    LABEL = "label"  # 责任单位：… / 完成时限：…
    BREAK = "break"  # detached markers, page furniture: ends whatever came before
    ROW = "row"  # one row of a task table


@dataclass(slots=True)
class Para:
    kind: PKind
    text: str = ""
    marker: str = ""
    level: int = 0
    ordinal: int | None = None
    lines: int = 1
    row: Row | None = None
    first_line: int = 0  # length of the first line's text: where a title ends and its subtitle starts
    matching: str = field(default="", repr=False)
    hidden: str = field(default="", repr=False)  # matching with quotes masked

    def __post_init__(self) -> None:
        if not self.matching:
            self.matching = for_matching(self.text)
        self.hidden = mask_quotes(self.matching)

    @property
    def ends_sentence(self) -> bool:
        return bool(self.matching) and self.matching[-1] in "。！？；"


def read_lines(text: str) -> list[Line]:
    """The physical lines of TEXT; a table row written with tabs or pipes gives one line per cell,
    each cell fenced by empty NOISE lines so that no paragraph runs into or out of a cell."""
    lines: list[Line] = []
    for raw in text.splitlines():
        if len(raw) > MAX_LINE:
            lines.extend(classify(raw[k : k + MAX_LINE]) for k in range(0, len(raw), MAX_LINE))
            continue
        if ("\t" in raw or "|" in raw) and len(_CELL_SPLIT.findall(raw.strip().strip("|"))) >= 2:
            lines.append(Line(Kind.NOISE))
            for cell in _CELL_SPLIT.split(raw.strip().strip("|")):
                if not _RULE_CELL.match(cell):
                    lines.append(classify(cell))
                    lines.append(Line(Kind.NOISE))
            continue
        lines.append(classify(raw))
    _reattach_markers(lines)
    return lines


def _reattach_markers(lines: list[Line]) -> None:
    """A lone marker line (● / （一） / 1.) right before its text belongs to that text."""
    for i, line in enumerate(lines):
        if line.kind is not Kind.MARKS or not _is_single_marker(line.marker):
            continue
        prev = _neighbour(lines, i, -1)
        nxt = _neighbour(lines, i, 1)
        if nxt is None or lines[nxt].kind is not Kind.TEXT or lines[nxt].marker:
            continue
        if prev is not None and lines[prev].kind is Kind.MARKS:
            continue
        after = _neighbour(lines, nxt, 1)
        if after is not None and lines[after].kind is Kind.MARKS:
            continue
        _got, level, ordinal, _rest = split_marker(line.marker + "甲")
        target = lines[nxt]
        target.marker, target.level, target.ordinal = line.marker, level, ordinal
        line.kind = Kind.BLANK


def _is_single_marker(marker: str) -> bool:
    got, _level, _ordinal, rest = split_marker(marker + "甲")
    return bool(got) and rest == "甲"


def _neighbour(lines: list[Line], i: int, step: int) -> int | None:
    j = i + step
    while 0 <= j < len(lines):
        if lines[j].kind is not Kind.BLANK:
            return j
        j += step
    return None


def _double_spaced(lines: list[Line]) -> bool:
    """Whether blank lines are extraction noise (a blank after nearly every line)."""
    gaps = blank_gaps = 0
    previous_text = False
    blank = False
    for line in lines:
        if line.kind is Kind.BLANK:
            blank = True
            continue
        if previous_text:
            gaps += 1
            blank_gaps += blank
        previous_text = line.kind is Kind.TEXT
        blank = False
    return gaps > 0 and blank_gaps * 2 > gaps


def paragraphs(text: str) -> list[Para]:
    """The paragraphs of TEXT in reading order."""
    lines = read_lines(text)
    wrapped = _wrapped(lines)
    # Blank lines after every line are noise in a PDF extraction whose lines are wrapped; in a
    # document of one line per paragraph they separate paragraphs.
    ignore_blanks = wrapped and _double_spaced(lines)
    out: list[Para] = []
    buffer: list[Line] = []

    def flush() -> None:
        if buffer:
            out.append(_make_para(buffer))
            buffer.clear()

    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if line.kind is Kind.BLANK:
            if not ignore_blanks:
                flush()
            i += 1
            continue
        if line.kind is Kind.TEXT and not line.marker:
            columns = header_at(lines, i)
            if columns is not None:
                items, end = read_table(lines, i, columns)
                if any(isinstance(item, Row) for item in items):
                    flush()
                    for item in items:
                        if isinstance(item, Row):
                            out.append(Para(PKind.ROW, text=item.text, row=item))
                        else:
                            out.append(_make_para([item]))
                    i = end
                    continue
        if line.kind is not Kind.TEXT:
            flush()
            out.append(Para(PKind.BREAK, text=""))
            i += 1
            continue
        if buffer and _breaks(buffer, line, wrapped):
            flush()
        buffer.append(line)
        i += 1
    flush()
    return _classify(out)


def _wrapped(lines: list[Line]) -> bool:
    """Whether the extraction broke lines inside sentences. The evidence: a line that ends on a
    comma with the text going on in the next line, two lines of the same width (a column) the
    first of which ends without punctuation, or a short last line of a sentence after an open
    one. Headings and titles end without punctuation too: an open end alone proves nothing."""
    evidence = 0
    previous: Line | None = None
    for line in lines:
        if line.kind is Kind.BLANK:
            continue
        if previous is not None and line.kind is Kind.TEXT and not line.marker:
            end = previous.matching[-1:]
            if end in ("，", "、") or (
                end not in _CLOSED
                and len(previous.text) >= 8
                and abs(len(previous.text) - len(line.text)) <= 1
            ):
                evidence += 1
            elif end not in _CLOSED and line.ends_sentence and len(line.text) <= 8:
                evidence += 1  # the short tail of a paragraph
            if evidence >= 3:
                return True
        previous = line if line.kind is Kind.TEXT else None
    return False


_CLOSED = frozenset("。！？；：”）》")
_CLOSING_MARKS = frozenset("”’」』）》")


def _breaks(buffer: list[Line], line: Line, wrapped: bool) -> bool:
    """Whether LINE starts a new paragraph after the lines in BUFFER."""
    last = buffer[-1]
    if line.matching[:1] in _CLOSING_MARKS and not line.marker:
        return False  # 。 then ”村支书说: the closing quote and its attribution belong to the sentence
    if line.marker or last.ends_sentence:
        return True
    matching_last = last.matching
    head = line.matching[:24]
    if cues.LABELS.match(head) or cues.LEAD.match(head):
        return True
    if cues.LABELS.match(buffer[0].matching[:8]):
        return not matching_last.endswith("：")
    if matching_last.endswith("："):
        return True
    if matching_last.endswith(("，", "、", "“", "（", "—")):
        return False
    if not wrapped:
        return True
    # A line much shorter than the lines around it that ends without punctuation: a heading.
    widths = [len(line.text)] + ([len(buffer[-2].text)] if len(buffer) >= 2 else [])
    return len(last.text) < 0.6 * min(widths)


def _make_para(buffer: list[Line]) -> Para:
    first = buffer[0]
    text = join_clean([line.text for line in buffer])
    matching = join_clean([line.matching for line in buffer])
    if len(matching) != len(text):  # a Latin word break seen differently in the two views
        matching = for_matching(text)
    return Para(
        PKind.BODY,
        text=text,
        marker=first.marker,
        level=first.level,
        ordinal=first.ordinal,
        lines=len(buffer),
        matching=matching,
        first_line=len(first.text),
    )


def _classify(paras: list[Para]) -> list[Para]:
    """Mark titles, news leads, labels and the closing block (attachments, signature, date)."""
    for k, para in enumerate(paras):
        if para.kind is not PKind.BODY:
            continue
        m = para.matching
        nxt = paras[k + 1] if k + 1 < len(paras) else None
        if _CLOSING.match(m) or (
            not para.marker
            and len(m) <= 25
            and m[-1:] not in "。！？；，："
            and nxt is not None
            and _DATE_LINE.match(nxt.matching)
        ):
            para.kind = PKind.BREAK  # nothing after it belongs to the item before
        elif cues.LABELS.match(m.lstrip("（(")):
            para.kind = PKind.LABEL
        elif cues.LEAD.match(m):
            para.kind = PKind.LEAD
        elif _is_title(paras, k):
            para.kind = PKind.TITLE
    return paras


_DATE_LINE = re.compile(
    r"^[（(]?(?:\d{4}年\d{1,2}月\d{1,2}日|[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)[）)]?$"
)
_CLOSING = re.compile(
    r"^(?:附件[\d一二三四五六七八九十]*[：:]|特此通知。?$"
    # the furniture at the foot of a notice or minutes: contacts, copies, attendance
    r"|(?:联系人|联系电话|联系方式|咨询电话|举报电话|服务热线|咨询热线|抄送|抄报|签发人|出席|列席|记录|主持)[：:]"
    # a slogan standing alone in quotes, and an article's reader counts (阅读2.1万在看86)
    r"|[“\"][^“”\"]{2,60}[”\"][^\u4e00-\u9fff]*$|阅读[\d.]+万?(?:在看|赞|$))|" + _DATE_LINE.pattern[1:]
)

# Lines in a title's place that are not titles: attachments, dates, issue and document numbers.
_NOT_TITLE = re.compile(
    r"^(?:附件|[（(]?\d{4}年\d{1,2}月\d{1,2}日[）)]?$|第\d+期$|.*〔\d{4}〕\d+号$|.*编\d{4}年\d{1,2}月\d{1,2}日$)"
)
TITLE_END = re.compile(
    r"(?:会|会议|大会|通知|方案|意见|办法|讲话|通报|纪要|要点|清单|计划|决定|报告|简报|措施)$"
)


def _is_title(paras: list[Para], k: int) -> bool:
    para = paras[k]
    m = para.matching
    if (para.marker and para.level < LEVEL_BULLET) or not 4 <= len(m) <= 60:
        return False
    if m[-1] in "。！？；，、：" or "。" in m or _NOT_TITLE.match(m):
        return False
    prev = paras[k - 1] if k else None
    nxt = paras[k + 1] if k + 1 < len(paras) else None
    before = paras[k - 2] if k >= 2 else None
    if prev is not None and prev.kind is PKind.TITLE and len(m) <= 40:
        return before is None or before.kind is not PKind.TITLE  # a subtitle, one at most
    if cues.is_strong_start(m):
        return False
    if cues.TITLE_WORDS.search(m):
        return True
    if nxt is not None and (nxt.kind is PKind.LEAD or cues.LEAD.match(nxt.matching)):
        return True
    return k == 0 and len(m) <= 40
