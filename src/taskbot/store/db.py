"""Engine, sessions and migrations of the task store."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import CursorResult, Engine, Executable, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from taskbot.store.errors import StoreConfigError, StoreError

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 10_000
MEMORY_URL = "sqlite://"


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for another database or an in-memory one."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database).expanduser()


def sqlite_file_missing(url: str) -> bool:
    """Whether URL names a SQLite file that does not exist yet."""
    path = sqlite_file(url)
    return path is not None and not path.exists()


URL_EXAMPLES = "sqlite:///taskbot.db or postgresql+psycopg://user:password@host/taskbot"
KNOWN_BACKENDS = frozenset({"sqlite", "postgresql", "mysql", "mssql", "oracle"})


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and enforced foreign keys."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        # Never echo the URL or a part of it: it holds a password, or a token pasted by mistake.
        raise StoreConfigError(f"database.url is not a database URL (expected e.g. {URL_EXAMPLES})") from None
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            folder = Path(database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the database folder {folder}: {exc.strerror}") from None
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except ImportError:
        backend = parsed.get_backend_name()
        what = f"the {backend} driver" if backend in KNOWN_BACKENDS else "its database driver"
        hint = " (pip install 'taskbot[postgres]')" if backend == "postgresql" else ""
        raise StoreConfigError(f"database.url: {what} is not installed{hint}") from None
    except ArgumentError:  # NoSuchModuleError: an unknown database kind
        raise StoreConfigError(
            f"database.url names a database taskbot cannot use (expected e.g. {URL_EXAMPLES})"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "savepoint", _sqlite_begin_before_savepoint)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin_before_savepoint(conn: Any, _name: str) -> None:
    # The sqlite3 module opens a transaction only before INSERT/UPDATE/DELETE. A SAVEPOINT issued
    # before the first of those would open one itself, and releasing it would COMMIT: a nested
    # get-or-create as the first write would survive the outer transaction's rollback.
    dbapi_conn = conn.connection.dbapi_connection
    if not dbapi_conn.in_transaction:
        dbapi_conn.execute("BEGIN")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def rows_changed(session: Session, statement: Executable) -> int:
    """Execute an UPDATE or DELETE STATEMENT in SESSION; the number of rows it changed."""
    result = session.execute(statement)
    return cast(CursorResult[Any], result).rowcount or 0


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back when it raises."""
    with factory() as session, session.begin():
        yield session


def _alembic_config(engine: Engine) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    script = ScriptDirectory(str(MIGRATIONS))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with _reachable(engine), engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@contextmanager
def _reachable(engine: Engine) -> Iterator[None]:
    """Turn a database that cannot be reached or opened into a one-line StoreError."""
    try:
        yield
    except DBAPIError as exc:  # reading the revision is the first query: any failure means "cannot open"
        detail = (str(exc.orig).strip().splitlines() or [exc.__class__.__name__])[0]
        where = engine.url.render_as_string(hide_password=True)
        raise StoreError(f"cannot open the database {where}: {detail}") from None


def upgrade(engine: Engine, revision: str = "head") -> bool:
    """Bring the schema up to REVISION; return whether anything was applied."""
    before = current_revision(engine)
    if revision == "head" and before == head_revision():
        return False
    store = sqlite_file(engine.url.render_as_string(hide_password=False))
    if before is not None and store is not None and store.exists():
        from taskbot.store.backup import backup_beside

        copy = backup_beside(store, "migration", dt.datetime.now(dt.UTC))
        log.info("backed up the store to %s before migrating it", copy)
    log.info("migrating database from %s to %s", before or "empty", revision)
    command.upgrade(_alembic_config(engine), revision)
    return True


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(_alembic_config(engine), revision)
