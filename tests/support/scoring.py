"""Score parsed directives against a hand-made key: the project's own scorer, used by the accuracy tests.

A key lists directives by `anchor` (a verbatim phrase; whitespace is ignored on both sides) with the
fields a careful reader expects. A key item is found by the first unused prediction whose text holds
its anchor; one prediction serves at most one item, and plain items are matched before umbrella items
(a heading merged into its first leaf counts for the leaf). Recall counts plain items; precision counts
predictions that serve any item; fields are the share of keyed fields a found item got right;
coverage counts plain items whose anchor lies inside some prediction, taken or not (the content was
found, however it was cut).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
FIELDS = ("responsible", "cadence", "deadline", "target")


def _squash(text: object) -> str:
    return _SPACE.sub("", str(text or ""))


def _numbers(text: object) -> set[str]:
    return set(_NUMBER.findall(str(text or "")))


def field_matches(name: str, want: Any, got: Any) -> bool:
    """Whether a predicted field value is right for a keyed one."""
    if name == "responsible":
        have = [_squash(p) for p in got or [] if _squash(p)]
        return all(any(_squash(w) in h or h in _squash(w) for h in have) for w in want)
    if name == "cadence":
        return set(want) == set(got or [])
    if name == "deadline":
        return str(want) == str(got)
    if name == "target":
        if not got:
            return False
        w, g = _squash(want), _squash(got)
        return _numbers(want) <= _numbers(got) and (w in g or g in w or _numbers(want) == _numbers(got))
    raise ValueError(f"unknown field {name!r}")


@dataclass
class Score:
    recall: float
    precision: float
    fields: float
    predicted: int
    plain: int = 0
    found: int = 0
    covered: int = 0
    served: int = 0
    keyed_fields: int = 0
    right_fields: int = 0
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    wrong_fields: list[str] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        return self.covered / self.plain if self.plain else 1.0

    @property
    def f1(self) -> float:
        total = self.recall + self.precision
        return 2 * self.recall * self.precision / total if total else 0.0

    def summary(self) -> str:
        return (
            f"recall {self.recall:.2f} precision {self.precision:.2f} f1 {self.f1:.2f} "
            f"fields {self.fields:.2f} ({self.predicted} predicted)"
        )

    def explain(self) -> str:
        lines = [f"missed: {m}" for m in self.missed]
        lines += [f"extra: {e}" for e in self.extra]
        lines += [f"field: {f}" for f in self.wrong_fields]
        return "\n".join([*lines, self.summary()])


def score(key: Mapping[str, Any], predictions: Sequence[Mapping[str, Any]]) -> Score:
    """Compare predictions (`taskbot parse --format json` directives) with a key."""
    texts = [_squash(p.get("text")) for p in predictions]
    taken: set[int] = set()
    plain = found = right = keyed = covered = 0
    missed: list[str] = []
    wrong: list[str] = []
    for item in sorted(key["directives"], key=lambda it: bool(it.get("umbrella"))):
        anchor = _squash(item["anchor"])
        umbrella = bool(item.get("umbrella"))
        plain += not umbrella
        covered += not umbrella and any(anchor in t for t in texts)
        hit = next((i for i, t in enumerate(texts) if i not in taken and anchor in t), None)
        if hit is None:
            if not umbrella:
                missed.append(item["anchor"])
            continue
        taken.add(hit)
        if umbrella:
            continue
        found += 1
        for name in FIELDS:
            if item.get(name) is None:
                continue
            keyed += 1
            got = predictions[hit].get(name)
            if field_matches(name, item[name], got):
                right += 1
            else:
                wrong.append(f"{item['anchor']}: {name} want {item[name]!r} got {got!r}")
    return Score(
        recall=found / plain if plain else 1.0,
        precision=len(taken) / len(predictions) if predictions else 0.0,
        fields=right / keyed if keyed else 1.0,
        predicted=len(predictions),
        plain=plain,
        found=found,
        covered=covered,
        served=len(taken),
        keyed_fields=keyed,
        right_fields=right,
        missed=missed,
        extra=[str(p.get("text", ""))[:40] for i, p in enumerate(predictions) if i not in taken],
        wrong_fields=wrong,
    )


def load_key(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def pooled(scores: Sequence[Score]) -> Score:
    """One figure over many bulletins: every item and every prediction counted once."""
    plain = sum(s.plain for s in scores)
    predicted = sum(s.predicted for s in scores)
    keyed = sum(s.keyed_fields for s in scores)
    return Score(
        recall=sum(s.found for s in scores) / plain if plain else 1.0,
        precision=sum(s.served for s in scores) / predicted if predicted else 0.0,
        fields=sum(s.right_fields for s in scores) / keyed if keyed else 1.0,
        predicted=predicted,
        plain=plain,
        found=sum(s.found for s in scores),
        covered=sum(s.covered for s in scores),
        served=sum(s.served for s in scores),
        keyed_fields=keyed,
        right_fields=sum(s.right_fields for s in scores),
    )
