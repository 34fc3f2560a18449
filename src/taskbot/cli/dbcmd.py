"""``taskbot db``: schema migrations."""

from __future__ import annotations

import argparse

from taskbot.cli.common import open_runtime


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
