"""What the parser yields: plain dataclasses, no framework."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class Section:
    """One meeting or article of a bulletin."""

    title: str
    date: dt.date | None = None
    speaker: str | None = None


@dataclass(frozen=True, slots=True)
class Directive:
    """One actionable instruction: what, by whom, how often, by when, how much."""

    text: str
    title: str
    responsible: list[str] = field(default_factory=list)
    cadence: list[str] = field(default_factory=list)
    deadline: dt.date | None = None
    target: str | None = None
    section: str | None = None
    # A list, or the parser's lazy list (keywords are segmented the first time they are read).
    keywords: Sequence[str] = field(default_factory=list)
    # How sure the parser is that this is one order (0–1), and the cues that say so.
    confidence: float = 1.0
    cues: list[str] = field(default_factory=list)
    # The role of each party the text gives one: "lead" (牵头, 负责, 牵头单位) or "partner" (配合, 协助).
    roles: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "title": self.title,
            "responsible": list(self.responsible),
            "cadence": list(self.cadence),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "target": self.target,
            "section": self.section,
            "keywords": list(self.keywords),
            "confidence": self.confidence,
            "cues": list(self.cues),
            "roles": dict(self.roles),
        }


@dataclass(frozen=True, slots=True)
class ParsedBulletin:
    date: dt.date
    title: str | None
    sections: list[Section]
    directives: list[Directive]
    # Whether the date came from the caller, from the text, or from "today".
    date_source: str = "given"

    def without(self, numbers: Iterable[int]) -> ParsedBulletin:
        """This bulletin without the directives numbered NUMBERS (1-based, as `taskbot parse` shows)."""
        dropped = set(numbers)
        kept = [d for i, d in enumerate(self.directives, 1) if i not in dropped]
        return replace(self, directives=kept)

    def to_json(self) -> dict[str, Any]:
        return {
            "bulletin": {
                "date": self.date.isoformat(),
                "date_source": self.date_source,
                "title": self.title,
                "sections": [
                    {
                        "title": s.title,
                        "date": s.date.isoformat() if s.date else None,
                        "speaker": s.speaker,
                    }
                    for s in self.sections
                ],
            },
            "directives": [d.to_json() for d in self.directives],
        }
