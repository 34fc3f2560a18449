"""Assignments: each responsible unit's share of a task, and how a task's standing follows from them.

Pure: no store, no Telegram. A **unit** is a chat that answers for a task — the group a party is
bound in, or the chat a task was sent to directly. Each unit has one assignment per task with its
own status, progress and role:

- **lead** (牵头) assignments decide done-ness: the task is done when every lead assignment is
  done; with no role stated every unit is a lead;
- **partner** (配合) assignments report and contribute; their reports show on the task.

The task's own status and progress are derived (``task_standing``):
1. done — every lead share done;
2. blocked — a lead share blocked (or, with no lead left open, any share);
3. in progress — any share reported progress, is in progress or done;
4. open — otherwise.
Progress is the mean of the lead shares' progress (done = 100).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from taskbot.domain.values import Completion, Role, TaskStatus


@dataclass(frozen=True, slots=True)
class Share:
    """One assignment as the standing rules see it."""

    role: str
    status: str
    progress: int = 0


def leads(shares: Sequence[Share]) -> list[Share]:
    """The shares that decide done-ness: the lead ones, or every share when none is a lead."""
    found = [s for s in shares if s.role == Role.LEAD]
    return found or list(shares)


def task_standing(shares: Sequence[Share]) -> tuple[TaskStatus, int]:
    """The task's status and progress from its SHARES (at least one)."""
    if not shares:
        raise ValueError("a task's standing needs at least one share")
    deciding = leads(shares)
    progress = round(
        sum(100 if s.status == TaskStatus.DONE else s.progress for s in deciding) / len(deciding)
    )
    if all(s.status == TaskStatus.DONE for s in deciding):
        return TaskStatus.DONE, 100
    open_leads = [s for s in deciding if s.status != TaskStatus.DONE]
    if any(s.status == TaskStatus.BLOCKED for s in open_leads):
        return TaskStatus.BLOCKED, progress
    if any(s.status in (TaskStatus.IN_PROGRESS, TaskStatus.DONE) or s.progress for s in shares):
        return TaskStatus.IN_PROGRESS, progress
    return TaskStatus.OPEN, progress


def completion(done_day: dt.date, deadline: dt.date | None) -> Completion:
    """How a share finished on DONE_DAY counts: 按期 (no deadline, or by it) or 逾期 (after it)."""
    if deadline is None or done_day <= deadline:
        return Completion.ON_TIME
    return Completion.LATE


# --- units and collective phrases ---

# 各镇街, 全市上下, 有关单位, 相关部门, …等单位, 各级各部门, 市、区领导 (more than one level named).
_COLLECTIVE = re.compile(
    r"^(?:各|全|有关|相关|所有|诸)|等(?:单位|部门|地区)$|各级|^(?:市|区|县|省)、|(?:一把手|领导|干部|群众)$"
)


def is_collective(party: str) -> bool:
    """Whether PARTY names many bodies at once (各镇街, 全市上下, 有关单位, …等单位, 各级各部门) rather
    than one unit that can answer for itself (市住建局, 禅城区).

    A collective party is never ranked as such: each unit of it answers in its own group.
    """
    name = party.strip()
    return bool(name) and bool(_COLLECTIVE.search(name))


# --- roles as bulletins state them ---

_ROLE_WORDS: tuple[tuple[str, Role], ...] = (
    ("牵头单位", Role.LEAD),
    ("配合单位", Role.PARTNER),
    ("协办单位", Role.PARTNER),
    ("主办单位", Role.LEAD),
    ("牵头", Role.LEAD),
    ("主办", Role.LEAD),
    ("负责", Role.LEAD),
    ("配合", Role.PARTNER),
    ("协助", Role.PARTNER),
    ("协办", Role.PARTNER),
    ("参与", Role.PARTNER),
)
_ROLE_VALUES = frozenset(r.value for r in Role)
_LEADING = re.compile(r"^(?:由|请)")
_LABEL = re.compile(r"^(?:责任单位|牵头单位|配合单位|协办单位|主办单位)\s*[:：]\s*")


def split_role(party: str) -> tuple[str, Role | None]:
    """PARTY without its role words, and the role they state (None when none).

    ``各镇（街道）配合`` → (``各镇（街道）``, partner); ``由市住建局牵头`` → (``市住建局``, lead);
    ``配合单位：市财政局`` → (``市财政局``, partner); ``市住建局`` → (``市住建局``, None).
    """
    name = party.strip()
    role: Role | None = None
    label = _LABEL.match(name)
    if label:
        head = label.group(0)
        role = next((r for word, r in _ROLE_WORDS if head.startswith(word)), None)
        name = name[label.end() :]
    name = _LEADING.sub("", name)
    for word, word_role in _ROLE_WORDS:
        if name.endswith(word) and len(name) > len(word):
            name = name[: -len(word)].rstrip("，,、 ")
            role = word_role
            break
    return name.strip(), role


def roles_of(parties: Sequence[str]) -> list[tuple[str, Role]]:
    """Each party of a directive with its role; with no role stated anywhere every party leads.

    Parties listed before a partner after a lead was named (``X牵头，Y、Z配合`` gives ``X牵头``,
    ``Y``, ``Z配合``) are partners too; any other party without a role leads. Named twice, a party
    keeps its first role.
    """
    split = [split_role(p) for p in parties]
    result: list[tuple[str, Role]] = []
    pending: list[str] = []
    lead_named = False
    for name, role in split:
        if not name:
            continue
        if role is None:
            pending.append(name)
            continue
        shared = role if lead_named else Role.LEAD
        result += [(p, shared) for p in pending]
        pending = []
        result.append((name, role))
        lead_named = lead_named or role is Role.LEAD
    result += [(p, Role.LEAD) for p in pending]
    seen: dict[str, Role] = {}
    for name, role in result:
        seen.setdefault(name, role)
    return list(seen.items())


_CLAUSE = re.compile(r"[，,。；;！!？?\n]")
_LABEL_IN_TEXT = re.compile(r"(牵头单位|主办单位|责任单位|配合单位|协办单位)\s*[:：]")
_LABEL_ROLES = {
    "牵头单位": Role.LEAD,
    "主办单位": Role.LEAD,
    "配合单位": Role.PARTNER,
    "协办单位": Role.PARTNER,
}
_VERB_ROLES = {w: r for w, r in _ROLE_WORDS if len(w) == 2}
_JOINERS = "、和及与 "


def directive_roles(
    text: str, responsible: Sequence[str], given: Mapping[str, str] | None = None
) -> list[tuple[str, Role]]:
    """Each responsible party of a directive, without role words, with its role: as GIVEN (the
    parser's ``Directive.roles``, party → "lead"/"partner") when it names it, else as the
    directive's TEXT states it, else as its name does (``各镇（街道）配合``), else lead."""
    named = roles_of(responsible)
    stated = roles_in_text(text, [name for name, _ in named])
    known = {p: Role(r) for p, r in (given or {}).items() if r in _ROLE_VALUES}
    return [(name, known.get(name) or stated.get(name, role)) for name, role in named]


def roles_in_text(text: str, parties: Sequence[str]) -> dict[str, Role]:
    """The roles TEXT states for PARTIES: ``由X牵头，Y、Z配合``, ``X牵头，Y配合``, ``X负责，Y协助``,
    ``牵头单位：X 责任单位：Y``, ``配合单位：Y``. A party the text gives no role is left out.

    A role word counts only right after a list of parties (``各部门要密切配合`` states no role).
    """
    roles: dict[str, Role] = {}
    names = sorted({p for p in parties if p}, key=len, reverse=True)
    for clause in _CLAUSE.split(text):
        pieces = _LABEL_IN_TEXT.split(clause)
        segments = [("", pieces[0]), *zip(pieces[1::2], pieces[2::2], strict=False)]
        for label, body in segments:
            labelled = _LABEL_ROLES.get(label)
            for name in names:
                at = body.find(name)
                if at < 0 or name in roles:
                    continue
                role = labelled or _verb_after(body[at + len(name) :], names)
                if role is not None:
                    roles[name] = role
    return roles


def _verb_after(rest: str, names: Sequence[str]) -> Role | None:
    """The role word RESTs starts with once the other parties of the list are skipped."""
    while True:
        stripped = rest.lstrip(_JOINERS)
        for name in names:
            if stripped.startswith(name):
                stripped = stripped[len(name) :]
                break
        else:
            if stripped.startswith(("等单位", "等部门")):
                stripped = stripped[3:]
            return next((r for w, r in _VERB_ROLES.items() if stripped.startswith(w)), None)
        rest = stripped
