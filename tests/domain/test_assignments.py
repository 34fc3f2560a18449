"""Assignments: a task's standing from its units' shares, roles as bulletins state them, collectives."""

from __future__ import annotations

import datetime as dt

import pytest

from taskbot.domain.assignments import (
    Share,
    completion,
    directive_roles,
    is_collective,
    roles_in_text,
    split_role,
    task_standing,
)
from taskbot.domain.values import Completion, Role, TaskStatus

L, P = Role.LEAD.value, Role.PARTNER.value


@pytest.mark.parametrize(
    ("shares", "expected"),
    [
        ([Share(L, "open")], (TaskStatus.OPEN, 0)),
        (
            [Share(L, "done", 100), Share(L, "in_progress", 50), Share(L, "open")],
            (TaskStatus.IN_PROGRESS, 50),
        ),
        ([Share(L, "done", 100), Share(L, "done", 100)], (TaskStatus.DONE, 100)),
        # only leads decide done-ness; a partner's open share does not hold the task open
        ([Share(L, "done", 100), Share(P, "open")], (TaskStatus.DONE, 100)),
        ([Share(L, "open"), Share(P, "done", 100)], (TaskStatus.IN_PROGRESS, 0)),
        # a blocked lead blocks the task; a blocked partner does not
        ([Share(L, "blocked", 20), Share(L, "in_progress", 40)], (TaskStatus.BLOCKED, 30)),
        ([Share(L, "in_progress", 40), Share(P, "blocked")], (TaskStatus.IN_PROGRESS, 40)),
        # no lead at all: every unit decides
        ([Share(P, "done", 100), Share(P, "open")], (TaskStatus.IN_PROGRESS, 50)),
    ],
)
def test_task_standing_follows_the_lead_shares(shares: list[Share], expected: tuple[TaskStatus, int]) -> None:
    assert task_standing(shares) == expected


@pytest.mark.parametrize(
    ("done", "deadline", "expected"),
    [
        (dt.date(2026, 10, 5), None, Completion.ON_TIME),
        (dt.date(2026, 10, 5), dt.date(2026, 10, 5), Completion.ON_TIME),
        (dt.date(2026, 10, 9), dt.date(2026, 10, 5), Completion.LATE),
    ],
)
def test_completion_counts_on_time_or_late(
    done: dt.date, deadline: dt.date | None, expected: Completion
) -> None:
    assert completion(done, deadline) is expected


@pytest.mark.parametrize(
    ("party", "collective"),
    [
        ("各镇街", True),
        ("各责任单位", True),
        ("全市上下", True),
        ("全省各级党委政府", True),
        ("有关单位", True),
        ("相关部门", True),
        ("市住建局等单位", True),
        ("各级各部门", True),
        ("市、区领导", True),
        ("一把手", True),
        ("市住建局", False),
        ("禅城区", False),
        ("南海区桂城街道", False),
    ],
)
def test_a_party_is_a_unit_or_a_collective_phrase(party: str, collective: bool) -> None:
    assert is_collective(party) is collective


@pytest.mark.parametrize(
    ("party", "expected"),
    [
        ("各镇（街道）配合", ("各镇（街道）", Role.PARTNER)),
        ("由市住建局牵头", ("市住建局", Role.LEAD)),
        ("配合单位：市财政局", ("市财政局", Role.PARTNER)),
        ("牵头单位：市住建局", ("市住建局", Role.LEAD)),
        ("市委办负责", ("市委办", Role.LEAD)),
        ("市府办协助", ("市府办", Role.PARTNER)),
        ("市住建局", ("市住建局", None)),
        ("配合", ("配合", None)),  # a role word alone is not stripped to nothing
    ],
)
def test_role_words_are_not_part_of_a_party_name(party: str, expected: tuple[str, Role | None]) -> None:
    assert split_role(party) == expected


@pytest.mark.parametrize(
    ("text", "parties", "expected"),
    [
        (
            "由市住建局牵头，市财政局、市发改局配合，年底前完成。",
            ["市住建局", "市财政局", "市发改局"],
            {"市住建局": Role.LEAD, "市财政局": Role.PARTNER, "市发改局": Role.PARTNER},
        ),
        (
            "市民政局牵头，各镇（街道）配合。",
            ["市民政局", "各镇（街道）"],
            {"市民政局": Role.LEAD, "各镇（街道）": Role.PARTNER},
        ),
        ("牵头单位：市住建局 责任单位：各镇街", ["市住建局", "各镇街"], {"市住建局": Role.LEAD}),
        (
            "配合单位：市应急局、市公安局",
            ["市应急局", "市公安局"],
            {"市应急局": Role.PARTNER, "市公安局": Role.PARTNER},
        ),
        ("市委办负责，市府办协助。", ["市委办", "市府办"], {"市委办": Role.LEAD, "市府办": Role.PARTNER}),
        # a role word not right after the parties states no role
        ("各镇街、各部门要密切配合，形成合力。", ["各镇街", "各部门"], {}),
    ],
)
def test_roles_stated_in_a_directive(text: str, parties: list[str], expected: dict[str, Role]) -> None:
    assert roles_in_text(text, parties) == expected


def test_directive_roles_default_to_lead_and_strip_role_words() -> None:
    assert directive_roles("要推进创熟。", ["市民政局", "各镇（街道）配合"]) == [
        ("市民政局", Role.LEAD),
        ("各镇（街道）", Role.PARTNER),
    ]
    assert directive_roles("要推进创熟。", ["各镇街", "各相关部门"]) == [
        ("各镇街", Role.LEAD),
        ("各相关部门", Role.LEAD),
    ]


def test_roles_the_parser_gives_come_first() -> None:
    given = {"市民政局": "partner", "各镇街": "lead", "别处": "chair"}
    assert directive_roles("市民政局牵头，各镇街配合。", ["市民政局", "各镇街"], given) == [
        ("市民政局", Role.PARTNER),
        ("各镇街", Role.LEAD),
    ]
