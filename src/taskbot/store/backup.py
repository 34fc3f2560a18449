"""Backups of the store, and the portable dump that moves an office between SQLite and PostgreSQL.

- ``backup_sqlite`` copies a live SQLite store with SQLite's online backup API: one step under one read
  transaction, so the copy is consistent while the bot keeps writing (WAL lets it).
- PostgreSQL is backed up and restored with ``pg_dump`` / ``pg_restore``; where they are not installed
  the command to run is returned instead.
- ``dump`` / ``load`` write and read every table as JSON lines (a header line, then one line per row),
  independent of the database: dump SQLite, load into PostgreSQL, and back.
- ``backup_beside`` keeps the last few copies of a SQLite store taken before its schema changes
  (``db.upgrade`` calls it) or before it is replaced by a restore.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, Table, func, insert, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.types import TypeDecorator

from taskbot.store.errors import StoreError

DUMP_FORMAT = "taskbot-dump"
DUMP_VERSION = 1
KEEP_BACKUPS = 3  # copies kept by backup_beside, per reason
INSERT_CHUNK = 500


# --- SQLite files -------------------------------------------------------------------------------------


def backup_sqlite(source: Path, target: Path) -> None:
    """Copy the SQLite store SOURCE to TARGET, consistently, while others may be writing to it."""
    if not source.is_file():
        raise StoreError(f"{source}: no such SQLite store")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # pages=-1: the whole store in one step, under one read transaction
            dst.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
        finally:
            dst.close()
    finally:
        src.close()
    os.replace(partial, target)


def check_sqlite(path: Path) -> None:
    """Fail unless PATH is an intact SQLite database with a taskbot schema."""
    if not path.is_file():
        raise StoreError(f"{path}: no such file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        raise StoreError(f"{path}: not a SQLite database") from None
    if not ok or ok[0] != "ok":
        raise StoreError(f"{path}: the SQLite file is damaged (integrity check failed)")
    if not {"alembic_version", "task"} <= tables:
        raise StoreError(f"{path}: not a taskbot store")


def restore_sqlite(backup: Path, store: Path) -> None:
    """Replace the SQLite store STORE by the copy BACKUP (checked first); the bot must be stopped."""
    check_sqlite(backup)
    store.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(store)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def backup_beside(store: Path, reason: str, now: dt.datetime) -> Path:
    """Copy STORE into backups/ beside it before REASON (a migration, a restore); keep the last few."""
    folder = store.parent / "backups"
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{store.stem}-before-{reason}-{stamp}.db"
    backup_sqlite(store, target)
    copies = sorted(folder.glob(f"{store.stem}-before-{reason}-*.db"))
    for old in copies[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)
    return target


# --- PostgreSQL with its own tools --------------------------------------------------------------------


@dataclass(frozen=True)
class PgCommand:
    """A pg_dump / pg_restore command line; the password goes in the environment, never in argv."""

    argv: list[str]
    password: str | None

    def shown(self) -> str:
        prefix = "PGPASSWORD=… " if self.password else ""
        return prefix + " ".join(_quote(a) for a in self.argv)

    def run(self) -> None:
        if shutil.which(self.argv[0]) is None:
            raise FileNotFoundError(self.argv[0])
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        done = subprocess.run(self.argv, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            detail = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise StoreError(f"{self.argv[0]} failed: {detail}")


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


def _libpq_url(url: URL) -> tuple[str, str | None]:
    """URL as libpq takes it (no driver, no password) and the password apart."""
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), url.password


def pg_dump_command(database_url: str, target: Path) -> PgCommand:
    conninfo, password = _libpq_url(make_url(database_url))
    argv = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", f"--dbname={conninfo}"]
    return PgCommand(argv, password)


def pg_restore_command(database_url: str, source: Path) -> PgCommand:
    conninfo, password = _libpq_url(make_url(database_url))
    argv = ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={conninfo}", str(source)]
    return PgCommand(argv, password)


# --- the portable dump --------------------------------------------------------------------------------


def _tables() -> list[Table]:
    from taskbot.store.models import Base

    return list(Base.metadata.sorted_tables)  # parents before children


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def _decoder(table: Table) -> dict[str, Any]:
    kinds: dict[str, Any] = {}
    for column in table.columns:
        kind = column.type
        if isinstance(kind, TypeDecorator):
            kind = kind.impl_instance
        try:
            kinds[column.name] = kind.python_type
        except NotImplementedError:
            kinds[column.name] = None
    return kinds


def _decode(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    if kind is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if kind is dt.date:
        return dt.date.fromisoformat(value)
    if kind is dt.time:
        return dt.time.fromisoformat(value)
    return value


def rows(engine: Engine) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every row of every table as (table, {column: value}), parents first, in key order."""
    with engine.connect() as conn:
        for table in _tables():
            order = list(table.primary_key.columns) or list(table.columns)
            for row in conn.execute(select(table).order_by(*order)):
                yield table.name, dict(row._mapping)


def dump(engine: Engine, out: IO[str]) -> dict[str, int]:
    """Write every table of the store to OUT as JSON lines; return the rows written per table."""
    from taskbot.store.db import current_revision

    header = {"format": DUMP_FORMAT, "version": DUMP_VERSION, "revision": current_revision(engine)}
    out.write(json.dumps(header) + "\n")
    counts = {t.name: 0 for t in _tables()}
    for name, row in rows(engine):
        out.write(
            json.dumps({"table": name, "row": {k: _encode(v) for k, v in row.items()}}, ensure_ascii=False)
        )
        out.write("\n")
        counts[name] += 1
    return counts


def load(engine: Engine, source: IO[str]) -> dict[str, int]:
    """Read a dump into the EMPTY store of ENGINE (at the dump's schema revision), in one transaction."""
    from taskbot.store.db import current_revision

    first = source.readline()
    try:
        header = json.loads(first) if first.strip() else {}
    except json.JSONDecodeError:
        header = {}
    if header.get("format") != DUMP_FORMAT:
        raise StoreError("not a taskbot dump (made by `taskbot db dump`)")
    if header.get("version") != DUMP_VERSION:
        raise StoreError(
            f"a taskbot dump of format version {header.get('version')}; this taskbot reads {DUMP_VERSION}"
        )
    revision = current_revision(engine)
    if header.get("revision") != revision:
        raise StoreError(
            f"the dump is of schema revision {header.get('revision')}, the store of {revision}: "
            "load it with the taskbot version that made it, then upgrade"
        )
    tables = {t.name: t for t in _tables()}
    decoders = {name: _decoder(t) for name, t in tables.items()}
    counts = dict.fromkeys(tables, 0)
    with engine.begin() as conn:
        for name, table in tables.items():
            if conn.scalar(select(func.count()).select_from(table)):
                raise StoreError(
                    f"the target store is not empty (table {name} has rows): load into a new one"
                )
        pending: dict[str, list[dict[str, Any]]] = {name: [] for name in tables}
        for number, line in enumerate(source, start=2):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                name, row = entry["table"], entry["row"]
                kinds = decoders[name]
                values = {k: _decode(kinds[k], v) for k, v in row.items()}
            except (json.JSONDecodeError, KeyError, TypeError, ValueError):
                raise StoreError(f"line {number} of the dump is not a row of a known table") from None
            pending[name].append(values)
            counts[name] += 1
        # Parents before children, whatever order the lines came in.
        for name, table in tables.items():
            batch = pending[name]
            for start in range(0, len(batch), INSERT_CHUNK):
                conn.execute(insert(table), batch[start : start + INSERT_CHUNK])
        if engine.dialect.name == "postgresql":
            _reset_sequences(conn, tables.values())
    return counts


def _reset_sequences(conn: Any, tables: Any) -> None:
    """After inserting explicit ids, move each id sequence past the largest id."""
    for table in tables:
        for column in table.primary_key.columns:
            if column.autoincrement is True or (
                column.autoincrement == "auto" and column.type.python_type is int
            ):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                        f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
                    )
                )
