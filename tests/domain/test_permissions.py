"""The one permission rule: an actor may cause an effect only where they are an admin."""

from __future__ import annotations

import pytest

from taskbot.domain.permissions import Reach, Roles, Verdict, decide

A, B, PRIVATE = -100111, -100222, 555

OFFICE = Roles(office=True)
ADMIN_OF_A = Roles(chat_admin_of=frozenset({A}))
ADMIN_OF_B = Roles(chat_admin_of=frozenset({B}))
NOBODY = Roles()

ALLOWED, NOT_ADMIN, OTHER = Verdict.ALLOWED, Verdict.NOT_ADMIN, Verdict.REACHES_OTHER_CHATS


@pytest.mark.parametrize(
    ("roles", "here", "reach", "verdict"),
    [
        # the configured admins: everywhere, whatever the effect reaches
        (OFFICE, A, Reach.of(A), ALLOWED),
        (OFFICE, A, Reach.of(A, B), ALLOWED),
        (OFFICE, PRIVATE, Reach.everywhere(), ALLOWED),
        (OFFICE, None, Reach.everywhere(), ALLOWED),
        # a group's Telegram admin, in that group: only what reaches that group alone
        (ADMIN_OF_A, A, Reach(), ALLOWED),
        (ADMIN_OF_A, A, Reach.of(A), ALLOWED),
        (ADMIN_OF_A, A, Reach.of(A, B), OTHER),
        (ADMIN_OF_A, A, Reach.of(B), OTHER),
        (ADMIN_OF_A, A, Reach.of(A, PRIVATE), OTHER),
        (ADMIN_OF_A, A, Reach.everywhere(A), OTHER),
        (ADMIN_OF_A, A, Reach(open=True), OTHER),
        # ... and nothing anywhere else, not even on its own group's tasks
        (ADMIN_OF_A, B, Reach.of(A), NOT_ADMIN),
        (ADMIN_OF_A, B, Reach(), NOT_ADMIN),
        (ADMIN_OF_A, PRIVATE, Reach.of(A), NOT_ADMIN),
        (ADMIN_OF_A, None, Reach(), NOT_ADMIN),
        # the admin of another group, in this one
        (ADMIN_OF_B, A, Reach.of(A), NOT_ADMIN),
        (ADMIN_OF_B, A, Reach.of(B), NOT_ADMIN),
        # officials and strangers are admins of nothing
        (NOBODY, A, Reach(), NOT_ADMIN),
        (NOBODY, A, Reach.of(A), NOT_ADMIN),
        (NOBODY, PRIVATE, Reach.of(PRIVATE), NOT_ADMIN),
    ],
)
def test_the_rule(roles: Roles, here: int | None, reach: Reach, verdict: Verdict) -> None:
    assert decide(roles, reach, here) is verdict


def test_reaches_combine() -> None:
    assert Reach.of(A) | Reach.of(B) == Reach(frozenset({A, B}))
    assert Reach.union([Reach.of(A), Reach(open=True)]) == Reach(frozenset({A}), open=True)
    assert Reach.union([]) == Reach()
    assert Reach.of(None, A) == Reach.of(A)


def test_roles_say_whether_someone_is_an_admin_anywhere() -> None:
    assert OFFICE.any and ADMIN_OF_A.any and not NOBODY.any
