"""Benchmark of the operations side on a large store.

A temporary SQLite store with TASKS open tasks in GROUPS groups (the broadcast benchmark's seed) and one
weekly beat planned into the ledger. Prints, best of REPEAT:

- a /metrics scrape (every gauge read from the store, tasks by standing included), the same when no
  task changed since the previous scrape (standings are reused), and /readyz, against the baseline of
  `taskbot report`'s own work (the digest of every task) measured in the same run;
- `taskbot db backup` (SQLite online backup API) against a plain file copy of the same store;
- `taskbot db dump` and `taskbot db load` (into a new SQLite store) of the whole store.

Run: ``python -m bench.ops`` (``--help`` for the sizes).
"""

from __future__ import annotations

import argparse
import io
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.support.clock import ManualClock

from bench.broadcast import WEEKLY_AT, machine, seed
from taskbot.config import load_settings
from taskbot.domain.values import Beat
from taskbot.ops.health import Probe
from taskbot.ops.metrics import Metrics
from taskbot.runtime import Runtime, build_runtime
from taskbot.schedule.service import ReminderService
from taskbot.services.digest import current_digest, red_black_rules
from taskbot.store import backup


def best(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def open_store(path: Path, clock: ManualClock) -> Runtime:
    return build_runtime(load_settings(database={"url": f"sqlite:///{path}"}), clock=clock)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=1_000)
    parser.add_argument("--tasks-per-group", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    clock = ManualClock(WEEKLY_AT)
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        runtime = open_store(workdir / "big.db", clock)
        seed(runtime, args.groups, args.tasks_per_group)
        rows = ReminderService(runtime).fire(Beat.WEEKLY, WEEKLY_AT)
        tasks = args.groups * args.tasks_per_group
        print(f"store: {tasks} tasks in {args.groups} groups, {rows} ledger rows")

        settings = runtime.settings

        def digest() -> object:
            with runtime.sessions() as s:
                now = clock()
                return current_digest(s, now, now.astimezone(settings.tz).date(), red_black_rules(settings))

        probe = Probe(runtime, leader=lambda: True)

        def first_scrape() -> object:
            metrics = Metrics()
            metrics.watch_store(probe)
            return metrics.render()

        again = Metrics()
        again.watch_store(probe)
        again.render()
        base = best(args.repeat, digest)
        scrape = best(args.repeat, first_scrape)
        unchanged = best(args.repeat, again.render)
        ready = best(args.repeat, probe.readiness)
        print(f"digest of every task (baseline, `taskbot report`): {base * 1000:.0f} ms")
        for label, seconds in (
            ("/metrics scrape", scrape),
            ("/metrics scrape, no task changed since", unchanged),
            ("/readyz", ready),
        ):
            print(f"{label + ':':40} {seconds * 1000:.0f} ms = {seconds / base:.3f} × baseline")

        store = workdir / "big.db"
        copy = best(args.repeat, lambda: shutil.copyfile(store, workdir / "plain-copy.db"))
        online = best(args.repeat, lambda: backup.backup_sqlite(store, workdir / "backup.db"))
        size = (workdir / "backup.db").stat().st_size / 1024 / 1024
        print(f"file copy (baseline): {copy * 1000:.0f} ms; db backup (online API): {online * 1000:.0f} ms")
        print(f"  = {online / copy:.1f} × the copy, {size:.1f} MiB")

        out = io.StringIO()
        start = time.perf_counter()
        counts = backup.dump(runtime.engine, out)
        dumped = time.perf_counter() - start
        text = out.getvalue()
        target = open_store(workdir / "moved.db", clock)
        start = time.perf_counter()
        backup.load(target.engine, io.StringIO(text))
        loaded = time.perf_counter() - start
        target.close()
        runtime.close()
        total = sum(counts.values())
        print(
            f"db dump: {total} rows, {len(text.encode()) / 1024 / 1024:.1f} MiB in {dumped:.2f} s; "
            f"db load into a new SQLite store: {loaded:.2f} s ({dumped / online:.0f} and "
            f"{loaded / online:.0f} × the online backup)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
