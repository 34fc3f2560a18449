"""``taskbot plan`` (what the beats would send, without sending) and ``taskbot deliveries`` (the ledger)."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING, Any

from taskbot.cli.common import (
    EXIT_USAGE,
    CliError,
    add_format,
    date_option,
    open_runtime,
    print_json,
    print_table,
)

if TYPE_CHECKING:
    from taskbot.schedule.planner import Fire
    from taskbot.store.models import Delivery

MAX_DAYS = 366
STATUSES = ("pending", "sent", "failed")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    plan = sub.add_parser(
        "plan",
        help="list the reminders the beats would send, without sending",
        description="List every message the weekly, fortnightly and monthly beats, deadline reminders "
        "and escalations would send from the store as it is now, in time order. Sends nothing.",
    )
    plan.add_argument(
        "--from", dest="start", metavar="YYYY-MM-DD", help="first day (default: today in the configured zone)"
    )
    plan.add_argument("--days", type=int, default=14, metavar="N", help="how many days (default: 14)")
    add_format(plan)
    plan.set_defaults(func=show_plan)

    deliveries = sub.add_parser(
        "deliveries",
        help="show the delivery ledger",
        description="Show the delivery ledger: every reminder planned, with its status, newest first.",
    )
    deliveries.add_argument("--status", choices=STATUSES, help="only rows with this status")
    deliveries.add_argument(
        "--limit", type=int, default=100, metavar="N", help="at most N rows (default: 100)"
    )
    add_format(deliveries)
    deliveries.set_defaults(func=show_deliveries)


def show_plan(args: argparse.Namespace) -> int:
    """Print the fires of the window as a table or as {"fires": [...]}."""
    from taskbot.schedule.planner import Audience
    from taskbot.schedule.service import ReminderService

    if not 1 <= args.days <= MAX_DAYS:
        raise CliError(f"--days must be between 1 and {MAX_DAYS}", EXIT_USAGE)
    first = date_option(args.start, "--from")
    runtime = open_runtime(args, writes=False)
    try:
        tz = runtime.settings.tz
        first = first or runtime.clock().astimezone(tz).date()
        # Fires are START < t <= END: start just before the first midnight, end just before the last.
        start = dt.datetime.combine(first, dt.time(), tzinfo=tz) - dt.timedelta(microseconds=1)
        end = start + dt.timedelta(days=args.days)
        fires = ReminderService(runtime).preview(start, end)
        # The leaders' messages go nowhere without a leaders' chat: `run` would not send them.
        fires = [f for f in fires if not (f.audience is Audience.LEADERS and f.chat_id is None)]
        if args.format == "json":
            print_json({"fires": [_fire_json(f) for f in fires]})
        elif fires:
            _print_fires(fires, tz, runtime.settings.default_chat_id)
        else:
            print(f"nothing to send from {first.isoformat()} for {args.days} days")
    finally:
        runtime.close()
    return 0


def _fire_json(fire: Fire) -> dict[str, Any]:
    return {
        "at": fire.at.isoformat(),
        "beat": fire.beat.value,
        "chat_id": fire.chat_id,
        "task_ids": list(fire.task_ids),
    }


def _print_fires(fires: list[Fire], tz: dt.tzinfo, default_chat: int | None) -> None:
    unbound = f"(none → default chat {default_chat})" if default_chat is not None else "(none: not sent)"
    rows = [
        (
            f.at.astimezone(tz).strftime("%Y-%m-%d %a %H:%M"),
            f.beat.value,
            unbound if f.chat_id is None else f.chat_id,
            len(f.task_ids),
            ",".join(str(i) for i in f.task_ids),
        )
        for f in fires
    ]
    print_table(("at", "beat", "chat", "tasks", "task ids"), rows)


def show_deliveries(args: argparse.Namespace) -> int:
    """Print the ledger rows as a table or as {"deliveries": [...]}."""
    from taskbot.schedule import ledger

    if args.limit < 1:
        raise CliError("--limit must be at least 1", EXIT_USAGE)
    runtime = open_runtime(args, writes=False)
    try:
        tz = runtime.settings.tz
        with runtime.sessions() as session:
            rows = ledger.deliveries(session, args.status, limit=args.limit)
            if args.format == "json":
                print_json({"deliveries": [_delivery_json(d) for d in rows]})
            elif rows:
                print_table(
                    ("id", "fire at", "beat", "chat", "tasks", "status", "tries", "messages", "error"),
                    [
                        (
                            d.id,
                            d.fire_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                            d.beat,
                            d.chat_id,
                            len(d.task_ids or ()),
                            d.status,
                            d.attempts,
                            ",".join(str(m) for m in d.message_ids or ()),
                            d.last_error or "",
                        )
                        for d in rows
                    ],
                )
            else:
                print("no deliveries" + (f" with status {args.status}" if args.status else ""))
    finally:
        runtime.close()
    return 0


def _delivery_json(d: Delivery) -> dict[str, Any]:
    return {
        "id": d.id,
        "key": d.key,
        "beat": d.beat,
        "fire_at": d.fire_at.isoformat(),
        "chat_id": d.chat_id,
        "task_ids": list(d.task_ids or ()),
        "status": d.status,
        "attempts": d.attempts,
        "message_ids": list(d.message_ids or ()),
        "parts": len(d.parts or ()),
        "last_error": d.last_error,
        "created_at": d.created_at.isoformat(),
        "sent_at": d.sent_at.isoformat() if d.sent_at else None,
    }
