"""Who may cause an effect where: the one permission rule every admin command goes through.

An actor may cause an effect only in chats where they are an admin:

- a **configured admin** (``admins`` in the settings: the supervising office) is an admin in every
  chat, so they may do anything;
- a group's **Telegram administrator** (with ``chat_admins_are_admins``) is an admin in that group
  only, so they may act only when everything the effect reaches is that group — never for a task or
  a party that also reaches another chat, nor for an effect whose reach is open (an import, a report
  on every task, a task that no chat receives yet and so would go to whoever binds it).

An effect's reach always includes the chat the command is given in (the answer is shown there), so
someone who is an admin of no chat is refused whatever the command. Pure: no store, no Telegram.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Roles:
    """An actor's admin rights: everywhere (the office), or in the chats they administer."""

    office: bool = False
    chat_admin_of: frozenset[int] = frozenset()

    @property
    def any(self) -> bool:
        """Whether they are an admin anywhere at all."""
        return self.office or bool(self.chat_admin_of)


@dataclass(frozen=True, slots=True)
class Reach:
    """The chats an effect reaches (Telegram chat ids); OPEN when it reaches chats not known in advance."""

    chats: frozenset[int] = frozenset()
    open: bool = False

    @classmethod
    def of(cls, *chats: int | None, open: bool = False) -> Reach:
        return cls(frozenset(c for c in chats if c is not None), open)

    @classmethod
    def everywhere(cls, here: int | None = None) -> Reach:
        """An effect on every chat, or on chats nobody can name yet (an import, an unbound task)."""
        return cls.of(here, open=True)

    def __or__(self, other: Reach) -> Reach:
        return Reach(self.chats | other.chats, self.open or other.open)

    @classmethod
    def union(cls, reaches: Iterable[Reach]) -> Reach:
        result = cls()
        for reach in reaches:
            result = result | reach
        return result


class Verdict(StrEnum):
    """The rule's answer; a refusal's value is its catalog code (``error.<value>``)."""

    ALLOWED = "allowed"
    NOT_ADMIN = "admin_only"
    REACHES_OTHER_CHATS = "reaches_other_chats"


def decide(roles: Roles, reach: Reach, here: int | None) -> Verdict:
    """Whether an actor with ROLES, acting in chat HERE, may cause an effect that reaches REACH."""
    if roles.office:
        return Verdict.ALLOWED
    if here is None or here not in roles.chat_admin_of:
        return Verdict.NOT_ADMIN
    if reach.open or not reach.chats <= roles.chat_admin_of:
        return Verdict.REACHES_OTHER_CHATS
    return Verdict.ALLOWED
