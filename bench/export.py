"""Benchmark: how long the 台账 export takes, against a workbook of the tasks and history alone.

Seeds GROUPS unit groups with TASKS_PER_GROUP open tasks each (one assignment per task, as
``bench.broadcast`` does) on SQLite, then times, best of REPEAT: collecting the rows (with the
红黑榜 by the digest's rules) and laying out the whole workbook (汇总 with its chart, 台账, 任务,
历史, 红黑榜, 佐证材料 and a sheet per unit); the baseline, measured in the same run, is the same
data with the tasks and history only (what the export held before the 台账).

    python -m bench.export [--groups 200] [--tasks-per-group 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import tempfile
from pathlib import Path

from tests.support.clock import ManualClock

from bench.broadcast import machine, seed
from bench.ops import best, open_store
from taskbot.services.digest import red_black_rules
from taskbot.services.export import ExportData, collect, write_workbook

NOW = dt.datetime(2026, 10, 5, 1, 0, tzinfo=dt.UTC)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--tasks-per-group", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        runtime = open_store(Path(tmp) / "export.db", ManualClock(NOW))
        seed(runtime, args.groups, args.tasks_per_group)
        settings = runtime.settings
        rules = red_black_rules(settings)
        found: list[ExportData] = []

        def gather() -> None:
            with runtime.sessions() as session:
                found[:] = [collect(session, now=NOW, tz=settings.tz, rules=rules)]

        collect_s = best(args.repeat, gather)
        data = found[0]
        plain = ExportData(data.tasks, data.history)
        sizes: dict[str, int] = {}

        def lay_out(what: ExportData, key: str) -> None:
            buffer = io.BytesIO()
            write_workbook(what, buffer, lang="zh", tz=settings.tz)
            sizes[key] = len(buffer.getvalue())

        ledger_s = best(args.repeat, lambda: lay_out(data, "ledger"))
        plain_s = best(args.repeat, lambda: lay_out(plain, "plain"))
        runtime.close()
    print(
        f"store: {len(data.tasks)} tasks, {len(data.units)} assignments, {args.groups} units, "
        f"{len(data.redblack)} on the 红黑榜"
    )
    print(f"collect (rows + 红黑榜): {collect_s * 1000:.0f} ms")
    print(
        f"workbook, tasks and history only (baseline): {plain_s * 1000:.0f} ms, {sizes['plain'] // 1024} KB"
    )
    print(
        f"workbook, the whole 台账: {ledger_s * 1000:.0f} ms, {sizes['ledger'] // 1024} KB "
        f"({ledger_s / plain_s:.1f}x the baseline)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
