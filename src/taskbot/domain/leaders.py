"""The leader role, one small rule (pure): who may READ the office's overall reports.

A **leader** (a Telegram user id in ``leaders``) may read — ``/report``, ``/export`` and the 看板 —
privately or in the leaders' chat (``leaders_chat_id``); never anywhere else, and never change
anything (admin commands stay with admins). Kept apart from the admin permission rule so the two
can be folded together without either changing meaning.
"""

from __future__ import annotations

from collections.abc import Collection


def leader_may_read(
    user_id: int | None,
    leaders: Collection[int],
    *,
    private: bool,
    chat_id: int | None,
    leaders_chat_id: int | None,
) -> bool:
    """Whether USER_ID, asking in chat CHAT_ID (PRIVATE or not), may read as a leader."""
    if user_id is None or user_id not in leaders:
        return False
    return private or (leaders_chat_id is not None and chat_id == leaders_chat_id)
