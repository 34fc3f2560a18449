"""parse_bulletin: bulletin text in, sections and directives out. Never raises."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import replace

from taskbot.bulletin import confidence, cues, fields
from taskbot.bulletin.dates import find_deadline, issue_date, valid_date
from taskbot.bulletin.extract import Article, Candidate, extract
from taskbot.bulletin.keywords import KeywordBatch
from taskbot.bulletin.layout import paragraphs
from taskbot.bulletin.model import Directive, ParsedBulletin, Section
from taskbot.bulletin.normalize import for_matching

log = logging.getLogger(__name__)

# Keywords come from the opening of a directive, where Chinese official writing states the task:
# its first two clauses, at most KEYWORD_SPAN characters. Segmentation is the slowest step of the
# parser (about 2 µs a character, more than all the rest); the cap keeps its share bounded.
KEYWORD_SPAN = 24
_CLAUSE_END = re.compile(r"[，。；：！？,;:!?]")

_SPEAKER = re.compile(
    r"(?P<who>[\u4e00-\u9fff]{0,6}?(?:省委|市委|区委|县委|党委|党工委|政府|人大常委会|政协)?"
    r"(?:副书记|书记|副省长|省长|副市长|市长|副区长|区长|副县长|县长|副镇长|镇长|主任|局长|部长|主席|秘书长|总理))"
    r"(?P<name>[\u4e00-\u9fff]{2,3}?)"
    r"(?=出席|主持|在会上|在会议上|在讲话|强调|指出|讲话|作|参加|要求|表示|调研|带队|率队|[，、])"
)
_MEETING = re.compile(
    r"[^，。；]{0,30}(?:召开|举行|举办)[^，。；]{0,30}|[^，。；]{2,30}(?:会议|大会|座谈会|推进会)"
)
_LEAD_DATE = re.compile(r"(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})日")


def parse_bulletin(text: str, date: dt.date | None = None, *, today: dt.date | None = None) -> ParsedBulletin:
    """Find the sections and directives of TEXT.

    DATE is the bulletin's date when the caller knows it; otherwise it is read from the text, else
    TODAY (default: the system date) is used. Any text gives a result; nothing is raised.
    """
    try:
        return parse(text, date, today=today)
    except Exception:  # a parser bug must not lose the caller's document; say so in the log
        log.exception("bulletin parser failed; returning no directives")
        fallback = date or today or dt.date.today()
        return ParsedBulletin(fallback, None, [], [], "given" if date else "today")


def parse(text: str, date: dt.date | None = None, *, today: dt.date | None = None) -> ParsedBulletin:
    """parse_bulletin without the safety net (the tests call this one)."""
    text = text if isinstance(text, str) else ""
    if date is not None:
        issued, source = date, "given"
    else:
        found = issue_date(for_matching(text))
        if found is not None:
            issued, source = found, "text"
        else:
            issued, source = today or dt.date.today(), "today"
    paras = paragraphs(text)
    extraction = extract(paras)
    sections = [s for s in (_section(a, issued) for a in extraction.articles) if s is not None]
    directives = [_directive(c, issued) for c in extraction.candidates]
    for k, cand in enumerate(extraction.candidates):
        if cand.continues and k and not directives[k].responsible:
            # X要…；要…；要…: the later orders of the paragraph are X's too
            directives[k] = replace(directives[k], responsible=list(directives[k - 1].responsible))
    batch = KeywordBatch([_statement(d.text) for d in directives])
    directives = [replace(d, keywords=batch[k]) for k, d in enumerate(directives)]
    title = next((s.title for s in sections if s.title), None)
    return ParsedBulletin(issued, title, sections, directives, source)


def _statement(text: str) -> str:
    """The opening of TEXT that states the task: two clauses, at most KEYWORD_SPAN characters."""
    head = text[:KEYWORD_SPAN]
    ends = [m.end() for m in _CLAUSE_END.finditer(head)]
    return head[: ends[1]] if len(ends) >= 2 else head


def _article_title(article: Article | None) -> str | None:
    if article is None:
        return None
    if article.title:
        return article.title
    if article.lead:
        m = _MEETING.search(for_matching(article.lead))
        if m:
            return article.lead[m.start() : m.end()]
    return None


def _section(article: Article, issued: dt.date) -> Section | None:
    title = _article_title(article)
    if not title:
        return None
    day = speaker = None
    if article.lead:
        lead = for_matching(article.lead)
        m = _LEAD_DATE.match(lead)
        if m:
            year = int(m.group("y")) if m.group("y") else issued.year
            day = valid_date(year, int(m.group("m")), int(m.group("d")))
            if day and not m.group("y") and day > issued + dt.timedelta(days=31):
                day = valid_date(year - 1, day.month, day.day)
        who = _SPEAKER.search(lead)
        if who:
            speaker = article.lead[who.start() : who.end()]
    return Section(title=title, date=day, speaker=speaker)


def _directive(cand: Candidate, issued: dt.date) -> Directive:
    text = cand.text
    matching = for_matching(text)
    hidden = cand.masked
    deadline = None
    for value in cand.time_texts:
        deadline = find_deadline(for_matching(value), issued, field=True)
        if deadline:
            break
    if deadline is None:
        deadline = find_deadline(hidden, issued)
    parties = list(
        dict.fromkeys([*fields.closing_note(hidden, text), *cand.parties, *fields.responsible(hidden, text)])
    )[: fields.MAX_PARTIES]
    if not parties:  # 县指挥办周调度会后印发…: the subject of a plain sentence
        parties = cues.leading_subjects(hidden)
    cadence = fields.cadence(matching)
    for value in [*cand.time_texts, *cand.notes]:
        cadence.extend(c for c in fields.cadence(for_matching(value)) if c not in cadence)
    title = cand.title_hint or fields.title(hidden, text)
    heading = cand.heading or _article_title(cand.article)
    sure, why = confidence.score(
        hidden,
        cand.kind,
        labelled=bool(cand.parties),
        parties=bool(parties),
        when=deadline is not None or bool(cadence),
    )
    return Directive(
        text=text,
        title=title,
        responsible=parties,
        cadence=cadence,
        deadline=deadline,
        target=fields.target(matching, text),
        section=heading,
        confidence=sure,
        cues=why,
        roles={**cand.roles, **fields.roles(hidden, parties)},
    )
