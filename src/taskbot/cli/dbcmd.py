"""``taskbot db``: schema migrations, backups, and the portable dump that moves a store."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from taskbot.cli.common import EXIT_FAILURE, CliError, load, open_runtime

if TYPE_CHECKING:
    from taskbot.store.backup import PgCommand


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "db", help="manage the database schema", description="Manage the database schema."
    )
    db_sub = parser.add_subparsers(dest="db_command", metavar="ACTION")
    db_sub.required = True
    up = db_sub.add_parser(
        "upgrade", help="apply pending migrations", description="Apply pending migrations."
    )
    up.set_defaults(func=upgrade)
    cur = db_sub.add_parser(
        "current", help="show the schema revision", description="Show the schema revision."
    )
    cur.set_defaults(func=current)
    for name, operand, func, help_, description in (
        (
            "backup",
            "PATH",
            backup_store,
            "copy the store to PATH (SQLite: safe while the bot runs; PostgreSQL: pg_dump)",
            "Copy the store to PATH. SQLite uses the online backup API, consistent while the bot runs; "
            "PostgreSQL runs pg_dump (custom format) when it is installed, else prints the command.",
        ),
        (
            "restore",
            "PATH",
            restore_store,
            "replace the store by the backup PATH (stop the bot first)",
            "Replace the store by the backup PATH, checked first. SQLite keeps a copy of the store it "
            "replaces in backups/ beside it; PostgreSQL runs pg_restore, or prints the command.",
        ),
        (
            "dump",
            "FILE",
            dump_store,
            "write every table to FILE as JSON lines (portable between SQLite and PostgreSQL)",
            "Write every table to FILE as JSON lines, to load into another store of any kind.",
        ),
        (
            "load",
            "FILE",
            load_store,
            "read a dump FILE into this (empty) store",
            "Read a `taskbot db dump` FILE into the configured store (it must be empty).",
        ),
    ):
        action = db_sub.add_parser(name, help=help_, description=description)
        action.add_argument(operand.lower(), metavar=operand)
        action.set_defaults(func=func)


def upgrade(args: argparse.Namespace) -> int:
    """Bring the schema to the newest revision."""
    from taskbot.store import db

    runtime = open_runtime(args, migrate=False)
    try:
        applied = db.upgrade(runtime.engine)
        rev = db.current_revision(runtime.engine)
    finally:
        runtime.close()
    print(f"database at revision {rev}" + ("" if applied else " (already up to date)"))
    return 0


def current(args: argparse.Namespace) -> int:
    """Print the current and the newest schema revision."""
    from taskbot.store import db

    runtime = open_runtime(args, migrate=False, writes=False)
    try:
        rev = db.current_revision(runtime.engine)
        print(f"store {describe_store(runtime.settings.database.effective_url)}")
    finally:
        runtime.close()
    head = db.head_revision()
    print(f"current {rev or 'none'}, newest {head}" + ("" if rev == head else " (run `taskbot db upgrade`)"))
    return 0


def describe_store(url: str) -> str:
    """URL with its password hidden, marked when it is a SQLite file not created yet."""
    from sqlalchemy.engine import make_url

    from taskbot.store import db

    shown = make_url(url).render_as_string(hide_password=True)
    return shown + (" (not created yet)" if db.sqlite_file_missing(url) else "")


def _store_file(url: str) -> Path | None:
    from taskbot.store import db

    return db.sqlite_file(url)


def _run_pg(command: PgCommand, what: str) -> int:
    """Run a pg_dump/pg_restore command, or print it when the tool is not installed here."""
    try:
        command.run()
    except FileNotFoundError:
        print(f"{command.argv[0]} is not installed here; {what} with:")
        print(f"  {command.shown()}")
        return EXIT_FAILURE
    return 0


def backup_store(args: argparse.Namespace) -> int:
    """Copy the store to PATH."""
    from taskbot.store import backup

    url = load(args).database.effective_url
    target = Path(args.path).expanduser()
    store = _store_file(url)
    if store is None:
        if not url.startswith("postgresql"):
            raise CliError("backup knows SQLite and PostgreSQL stores")
        code = _run_pg(backup.pg_dump_command(url, target), "back it up")
        if code == 0:
            print(f"backed up {describe_store(url)} to {target} (pg_dump custom format)")
        return code
    if not store.exists():
        raise CliError(f"there is no store at {store} yet")
    backup.backup_sqlite(store, target)
    print(f"backed up {store} to {target} ({target.stat().st_size} bytes)")
    return 0


def restore_store(args: argparse.Namespace) -> int:
    """Replace the store by the backup PATH."""
    from taskbot.store import backup

    url = load(args).database.effective_url
    source = Path(args.path).expanduser()
    if not source.is_file():
        raise CliError(f"{source}: no such file")
    store = _store_file(url)
    if store is None:
        code = _run_pg(backup.pg_restore_command(url, source), "restore it")
        if code == 0:
            print(f"restored {describe_store(url)} from {source}")
        return code
    backup.check_sqlite(source)
    if store.exists():
        kept = backup.backup_beside(store, "restore", dt.datetime.now(dt.UTC))
        print(f"the store it replaces is kept as {kept}")
    backup.restore_sqlite(source, store)
    print(f"restored {store} from {source}")
    return 0


def dump_store(args: argparse.Namespace) -> int:
    """Write every table to FILE as JSON lines."""
    from taskbot.store import backup

    runtime = open_runtime(args)
    target = Path(args.file).expanduser()
    try:
        with target.open("w", encoding="utf-8") as out:
            counts = backup.dump(runtime.engine, out)
    except OSError as exc:
        raise CliError(f"{target}: cannot write ({exc.strerror})") from None
    finally:
        runtime.close()
    print(f"dumped {sum(counts.values())} rows of {len(counts)} tables to {target}")
    return 0


def load_store(args: argparse.Namespace) -> int:
    """Read a dump FILE into the (empty) store."""
    from taskbot.store import backup

    source = Path(args.file).expanduser()
    try:
        handle = source.open(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"{source}: cannot read ({exc.strerror})") from None
    runtime = open_runtime(args)
    try:
        with handle:
            counts = backup.load(runtime.engine, handle)
    finally:
        runtime.close()
    print(
        f"loaded {sum(counts.values())} rows into {describe_store(runtime.settings.database.effective_url)}"
    )
    return 0
