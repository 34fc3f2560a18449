"""The leader rule as a table: leaders read privately and in the leaders' chat, nowhere else."""

from __future__ import annotations

import pytest

from taskbot.domain.leaders import leader_may_read

LEADER, OTHER, LEADERS_CHAT, GROUP = 7, 8, -1001, -1002


@pytest.mark.parametrize(
    ("user", "private", "chat", "leaders_chat", "expected"),
    [
        (LEADER, True, LEADER, None, True),
        (LEADER, False, LEADERS_CHAT, LEADERS_CHAT, True),
        (LEADER, False, GROUP, LEADERS_CHAT, False),
        (LEADER, False, LEADERS_CHAT, None, False),
        (OTHER, True, OTHER, LEADERS_CHAT, False),
        (OTHER, False, LEADERS_CHAT, LEADERS_CHAT, False),
        (None, True, None, LEADERS_CHAT, False),
    ],
)
def test_leader_may_read(user, private: bool, chat, leaders_chat, expected: bool) -> None:
    assert (
        leader_may_read(user, [LEADER], private=private, chat_id=chat, leaders_chat_id=leaders_chat)
        is expected
    )
