"""Exactly one scheduler among replicas: a PostgreSQL session advisory lock.

The lock lives as long as the connection that took it; when its holder dies, PostgreSQL drops the
connection and the lock with it, and the next replica that tries takes over. SQLite is one
process by definition: the lock is always granted.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

# An arbitrary 64-bit key naming "the taskbot scheduler" among advisory locks.
SCHEDULER_LOCK_KEY = 0x7A5B_0001


class SchedulerLock:
    def __init__(self, engine: Engine, key: int = SCHEDULER_LOCK_KEY) -> None:
        self.engine = engine
        self.key = key
        self._conn: Connection | None = None
        self._granted_without_lock = engine.dialect.name != "postgresql"

    @property
    def held(self) -> bool:
        return self._granted_without_lock or self._conn is not None

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; True when this process holds it (now or already)."""
        if self.held:
            return self.alive()
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = bool(conn.execute(select(func.pg_try_advisory_lock(self.key))).scalar())
        except SQLAlchemyError:
            conn.close()
            raise
        if got:
            self._conn = conn
            log.info("this replica now runs the scheduler")
        else:
            conn.close()
        return got

    def alive(self) -> bool:
        """Whether a held lock is still held (its connection still answers)."""
        if self._granted_without_lock:
            return True
        if self._conn is None:
            return False
        try:
            self._conn.execute(select(1))
            return True
        except SQLAlchemyError:
            log.warning("lost the scheduler lock's connection; another replica may take over")
            self._drop()
            return False

    def _drop(self) -> None:
        _discard(self._conn)
        self._conn = None

    def release(self) -> None:
        if self._conn is None:
            return
        try:
            self._conn.execute(select(func.pg_advisory_unlock(self.key)))
            self._conn.close()
            self._conn = None
        except SQLAlchemyError:
            self._drop()


class Presence:
    """This process's own PostgreSQL session, named in every claim it makes.

    While the process lives the session lives; when the process dies (kill -9 included) PostgreSQL
    ends the session, and ``ledger.claim`` treats the claims that name it as free at once. On
    SQLite there is no such session (one process): ``owner()`` is None.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None
        self._owner: tuple[int, dt.datetime] | None = None
        self._enabled = engine.dialect.name == "postgresql"

    def owner(self) -> tuple[int, dt.datetime] | None:
        """(pg_backend_pid, backend_start) of the held session, reconnecting when it was lost."""
        if not self._enabled:
            return None
        if self._conn is not None:
            try:
                self._conn.execute(select(1))
                return self._owner
            except SQLAlchemyError:
                log.warning("lost the claim owner's database session; opening a new one")
                self.close()
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            row = conn.execute(
                text("SELECT pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()")
            ).one()
        except SQLAlchemyError:
            conn.close()
            raise
        self._conn, self._owner = conn, (int(row[0]), row[1])
        return self._owner

    def close(self) -> None:
        """End the session: the claims naming it are free for anyone at once."""
        _discard(self._conn)
        self._conn = None
        self._owner = None


def _discard(conn: Connection | None) -> None:
    """Close CONN for good (its session ends), whether or not it still works."""
    if conn is None:
        return
    try:
        conn.invalidate()
        conn.close()
    except SQLAlchemyError:
        pass
