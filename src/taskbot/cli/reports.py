"""``taskbot report``: the progress digest and the red/black list (红黑榜) as of now."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from taskbot.cli.common import add_format, open_runtime, print_json, print_table

if TYPE_CHECKING:
    import datetime as dt

    from taskbot.domain.digest import Digest, PartyScore


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "report",
        help="the progress digest and the red/black list, now",
        description="Judge every task now — done (since the last fortnightly bulletin), on track, "
        "overdue, blocked, silent — and rank the responsible parties on the red and black lists "
        "(rules: redblack.* in the settings; see the README).",
    )
    add_format(parser)
    parser.set_defaults(func=show_report)


def show_report(args: argparse.Namespace) -> int:
    """Print the digest of all tasks as tables or JSON."""
    from taskbot.domain.beats import last_fire
    from taskbot.domain.values import Beat
    from taskbot.schedule.planner import PlanRules
    from taskbot.services.digest import current_digest, red_black_rules

    runtime = open_runtime(args, writes=False)
    try:
        settings = runtime.settings
        now = runtime.clock()
        rules = red_black_rules(settings)
        period = last_fire(Beat.FORTNIGHTLY, now, PlanRules.from_settings(settings).beats, runtime.calendar)
        with runtime.sessions() as session:
            digest = current_digest(session, now, now.astimezone(settings.tz).date(), rules, since=period)
        if args.format == "json":
            print_json(_digest_json(digest, {k: v for k, v in asdict(rules).items() if k != "tz"}))
        else:
            _print_digest(digest, settings.tz)
    finally:
        runtime.close()
    return 0


def _digest_json(digest: Digest, rules: dict[str, Any]) -> dict[str, Any]:
    return {
        "at": digest.now.isoformat(),
        "period_start": digest.period_start.isoformat() if digest.period_start else None,
        "rules": rules,
        "counts": {k.value: v for k, v in digest.counts().items()},
        "tasks": [
            {
                "id": e.task.id,
                "title": e.task.title,
                "standing": e.standing.value,
                "days_overdue": e.days_overdue,
                "status": e.task.status,
                "progress": e.task.progress,
                "deadline": e.task.deadline.isoformat() if e.task.deadline else None,
                "parties": list(e.task.parties),
                "last_report_at": e.task.last_report_at.isoformat() if e.task.last_report_at else None,
            }
            for e in digest.entries
        ],
        "red": [_score_json(s) for s in digest.red],
        "black": [_score_json(s) for s in digest.black],
        "unbound": digest.unbound,
    }


def _score_json(score: PartyScore) -> dict[str, Any]:
    return {
        "party": score.party,
        "unit": score.unit,
        "chat_id": score.chat_id,
        "tasks": score.tasks,
        "done": score.done,
        "done_late": score.done_late,
        "reported": score.reported,
        "overdue": score.black_overdue,
        "max_days_overdue": score.max_days_overdue,
        "silent": score.silent,
        "blocked": score.blocked,
        "mean_progress": score.mean_progress,
    }


def _print_digest(digest: Digest, tz: dt.tzinfo) -> None:
    from taskbot.domain.digest import STANDING_ORDER

    counts = digest.counts()
    print("  ".join(f"{k.value}: {counts[k]}" for k in STANDING_ORDER))
    if not digest.entries:
        print("no tasks")
        return
    print()
    order = {st: i for i, st in enumerate(STANDING_ORDER)}
    entries = sorted(digest.entries, key=lambda e: (order[e.standing], -e.days_overdue, e.task.id))
    print_table(
        ("id", "standing", "overdue", "progress", "deadline", "last report", "responsible", "title"),
        [
            (
                e.task.id,
                e.standing.value,
                f"{e.days_overdue} d" if e.days_overdue else "",
                f"{e.task.progress}%",
                e.task.deadline.isoformat() if e.task.deadline else "",
                e.task.last_report_at.astimezone(tz).strftime("%Y-%m-%d") if e.task.last_report_at else "",
                "、".join(e.task.parties),
                e.task.title,
            )
            for e in entries
        ],
    )
    for name, scores in (("red list (红榜)", digest.red), ("black list (黑榜)", digest.black)):
        print(f"\n{name}")
        if not scores:
            print("(none)")
            continue
        print_table(
            ("#", "unit", "tasks", "done", "late", "overdue", "longest", "silent", "mean progress"),
            [
                (
                    rank,
                    s.party,
                    s.tasks,
                    s.done,
                    s.done_late,
                    s.black_overdue,
                    f"{s.max_days_overdue} d",
                    s.silent,
                    f"{s.mean_progress}%",
                )
                for rank, s in enumerate(scores, start=1)
            ],
        )
