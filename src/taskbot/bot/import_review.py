"""The /import preview as a review: the new directives page by page, low-confidence ones marked, a
toggle per item to drop it, and the confirmation importing only the kept ones.

Pure rendering and state; the handlers live in bot/importing.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from taskbot.bot.admin import join_parties
from taskbot.bot.render import clip, esc
from taskbot.bulletin.confidence import LOW_CONFIDENCE
from taskbot.bulletin.model import Directive, ParsedBulletin
from taskbot.i18n import t
from taskbot.services.ingest import directive_fingerprint

PAGE = 10
TITLE_CHARS = 50
TOGGLES_PER_ROW = 5
# imr:t:TOKEN:N toggles item N; imr:p:TOKEN:P shows page P (both 1-based... N is, P is 0-based)
REVIEW_BUTTONS = r"^imr:(t|p):([A-Za-z0-9_-]{1,16}):(\d{1,4})$"
LOW_MARK = "⚠️"


@dataclass(slots=True)
class Review:
    """The new directives shown in a preview (numbered from 1) and the numbers the admin dropped."""

    shown: list[Directive]
    unchanged: int = 0
    dropped: set[int] = field(default_factory=set)
    page: int = 0

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.shown) // PAGE))

    @property
    def kept(self) -> int:
        return len(self.shown) - len(self.dropped)

    def toggle(self, number: int) -> bool:
        """Drop item NUMBER, or keep it again; False when there is no such item."""
        if not 1 <= number <= len(self.shown):
            return False
        self.dropped.symmetric_difference_update({number})
        self.page = (number - 1) // PAGE
        return True

    def turn_to(self, page: int) -> bool:
        if not 0 <= page < self.pages:
            return False
        self.page = page
        return True

    def kept_bulletin(self, parsed: ParsedBulletin) -> ParsedBulletin:
        """PARSED without the dropped directives (and without repeats of their text)."""
        gone = {directive_fingerprint(self.shown[n - 1].text) for n in self.dropped}
        numbers = [i for i, d in enumerate(parsed.directives, 1) if directive_fingerprint(d.text) in gone]
        return parsed.without(numbers)


def directive_line(number: int, directive: Directive, lang: str, *, dropped: bool = False) -> str:
    """``3. 标题 — 各镇街 · 截止 2026-12-31``; ⚠️ before a low-confidence one, struck through when dropped."""
    line = f"{number}. {esc(clip(directive.title or directive.text, TITLE_CHARS))}"
    details = []
    if directive.responsible:
        details.append(join_parties(directive.responsible, lang))
    if directive.deadline:
        details.append(t("bot.deadline.due", lang, date=directive.deadline.isoformat()))
    line += " — " + " · ".join(details) if details else ""
    if directive.confidence < LOW_CONFIDENCE:
        line = f"{LOW_MARK} {line}"
    return f"<s>{line}</s>" if dropped else line


def page_lines(review: Review, lang: str) -> list[str]:
    """The lines of the current page, with the marks' legend and the page number when needed."""
    first = review.page * PAGE
    shown = review.shown[first : first + PAGE]
    lines = [
        directive_line(n, d, lang, dropped=n in review.dropped) for n, d in enumerate(shown, start=first + 1)
    ]
    rest = len(review.shown) - first - len(shown)
    if rest > 0:
        lines.append(t("bot.tasks.more", lang, count=rest))
    if review.pages > 1:
        lines.append(t("import.review.page", lang, page=review.page + 1, pages=review.pages))
    if any(d.confidence < LOW_CONFIDENCE for d in review.shown):
        lines.append(t("import.review.low", lang, mark=LOW_MARK))
    if review.dropped:
        lines.append(t("import.review.dropped", lang, dropped=len(review.dropped), kept=review.kept))
    lines.append(t("import.review.hint", lang))
    return lines


def keyboard(review: Review, token: str, lang: str) -> InlineKeyboardMarkup:
    """确认导入 (kept) / 取消, then a toggle per item of the page, then ◀ ▶ between pages."""
    confirm = t("import.button.confirm", lang)
    if review.dropped:
        confirm = t("import.button.confirm_kept", lang, label=confirm, kept=review.kept)
    rows = [
        [
            InlineKeyboardButton(confirm, callback_data=f"imp:ok:{token}"),
            InlineKeyboardButton(t("admin.button_cancel", lang), callback_data=f"imp:no:{token}"),
        ]
    ]
    first = review.page * PAGE
    numbers = range(first + 1, min(len(review.shown), first + PAGE) + 1)
    toggles = [
        InlineKeyboardButton(f"{'✗' if n in review.dropped else '✓'} {n}", callback_data=f"imr:t:{token}:{n}")
        for n in numbers
    ]
    rows += [toggles[i : i + TOGGLES_PER_ROW] for i in range(0, len(toggles), TOGGLES_PER_ROW)]
    if review.pages > 1:
        nav = []
        if review.page > 0:
            nav.append(InlineKeyboardButton("◀", callback_data=f"imr:p:{token}:{review.page - 1}"))
        if review.page < review.pages - 1:
            nav.append(InlineKeyboardButton("▶", callback_data=f"imr:p:{token}:{review.page + 1}"))
        rows.append(nav)
    return InlineKeyboardMarkup(rows)
