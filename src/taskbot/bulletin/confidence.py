"""How sure the parser is that a candidate is one order: a score in [0, 1] from the cues that made it.

The opening cue counts most: a party with its modal (各镇街要…) or a table row with its labels is
the plainest order; a bare modal (要…) or an assignment (由X负责…, X于10个工作日内…) next; an
imperative verb alone (加强…) or a list item in a list announced as orders least. Fields found add a
little (a party, a deadline or a cadence); a text too short or too long to be one order takes some
away. The cues are returned with the score so a reviewer sees why.
"""

from __future__ import annotations

from taskbot.bulletin import cues

# Below this a preview marks a directive for review.
LOW_CONFIDENCE = 0.6

# The opening cues, strongest first: (name, score).
_ROW = ("table row", 0.9)
_LABELLED = ("labelled parties", 0.85)
_SUBJECT_MODAL = ("party + modal", 0.85)
_MODAL = ("modal", 0.75)
_TIMED = ("party + time", 0.75)
_ASSIGNED = ("assignment", 0.7)
_VERB = ("imperative verb", 0.6)
_PARTY_VERB = ("party + verb", 0.6)
_LISTED = ("listed item", 0.45)

SHORT = 10
LONG = 400


def opening_cue(masked: str, kind: str, *, labelled: bool) -> tuple[str, float]:
    """The strongest cue at the opening of MASKED (the candidate's matching view)."""
    if kind == "row":
        return _ROW
    body = masked[cues.said_lead(masked) :]
    listed = cues.LIST_WORD.match(body)  # 一是要… / 第二，…: the list word, then the order
    if listed:
        body = body[listed.end() :]
    if cues.subject_modal(body) is not None:
        return _SUBJECT_MODAL
    if labelled:
        return _LABELLED
    if cues.starts_with_modal(body):
        return _MODAL
    if cues.timed_order(body):
        return _TIMED
    if cues.assigned(body[:60]) or cues.requires_party(body[:80]):
        return _ASSIGNED
    if cues.starts_with_verb(body) or cues.starts_with_manner_and_verb(body):
        return _VERB
    if cues.leading_subjects(body):
        return _PARTY_VERB
    if cues.first_modal(body, 0, min(len(body), 40)) is not None:
        return _MODAL[0], 0.65  # a modal later in the opening (…工作，要…)
    return _LISTED


def score(
    masked: str,
    kind: str,
    *,
    labelled: bool,
    parties: bool,
    when: bool,
) -> tuple[float, list[str]]:
    """The confidence of one directive and the cues behind it."""
    name, value = opening_cue(masked, kind, labelled=labelled)
    found = [name]
    if parties:
        value += 0.05
        found.append("party")
    if when:
        value += 0.05
        found.append("deadline or cadence")
    if len(masked) < SHORT:
        value -= 0.15
        found.append("short")
    elif len(masked) > LONG:
        value -= 0.15
        found.append("long")
    return round(min(1.0, max(0.05, value)), 2), found
