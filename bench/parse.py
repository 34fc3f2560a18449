"""Benchmark: the directive parser's throughput, and the cold start of `taskbot parse`.

    python bench/parse.py [--runs 7] [--json]

Throughput: ``parse_bulletin`` on a ~1 MB (UTF-8) bulletin built from the seed page and the test
fixtures, every copy varied (its numbers changed, its articles reordered) so nothing repeats
verbatim; jieba's dictionary is loaded before timing. Keywords are segmented lazily, on first read:
the figure "with keywords" also reads every directive's keywords (as `taskbot parse` and an import
do), so both costs are shown. Cold start: the wall time of
``taskbot parse SEED --date 2022-06-24 --format json`` in a fresh process, against
``python -c "import jieba; jieba.initialize()"`` as the baseline, runs interleaved so both see the
same machine load; medians are reported. Both use jieba's dictionary cache in the temp directory
(built by the warm-up run), as any second run on a machine does.

Aim (issue 10 §6): throughput ≥ 500 000 chars/s; cold start ≤ 1.3 × the baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "bulletin-foshan-2022-06.txt"
FIXTURES = ROOT / "tests" / "fixtures" / "bulletins"
TARGET_BYTES = 1_000_000


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor() or model
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def build_bulletin(seed: int = 1) -> str:
    """About TARGET_BYTES of bulletin text, no two copies alike."""
    rng = random.Random(seed)
    sources = [SEED.read_text(encoding="utf-8")] + [
        p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.txt"))
    ]
    parts: list[str] = []
    size = 0
    while size < TARGET_BYTES:
        rng.shuffle(sources)
        for text in sources:
            varied = re.sub(r"\d+", lambda m: str(rng.randint(1, 99)), text)
            parts.append(varied)
            size += len(varied.encode("utf-8")) + 2
    return "\n\n".join(parts)


def throughput(text: str, runs: int) -> dict[str, float]:
    from taskbot.bulletin import parse_bulletin

    day = dt.date(2024, 6, 24)
    parse_bulletin("要加强组织领导，确保各项任务落实。", day)  # load jieba and the IDF table
    walls, cpus, with_keywords, cpus_with_keywords = [], [], [], []
    count = 0
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        directives = parse_bulletin(text, day).directives
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        count = len(directives)
        sum(len(d.keywords) for d in directives)  # segment them all (once for the whole bulletin)
        with_keywords.append(time.perf_counter() - wall)
        cpus_with_keywords.append(time.process_time() - cpu)
    return {
        "chars": len(text),
        "bytes": len(text.encode("utf-8")),
        "directives": count,
        "wall_s_median": statistics.median(walls),
        "chars_per_s": len(text) / statistics.median(walls),
        "chars_per_cpu_s": len(text) / statistics.median(cpus),
        "chars_per_s_with_keywords": len(text) / statistics.median(with_keywords),
        "chars_per_cpu_s_with_keywords": len(text) / statistics.median(cpus_with_keywords),
    }


def _run(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def cold_start(runs: int) -> dict[str, float]:
    script = Path(sys.executable).with_name("taskbot")
    ours = [str(script)] if script.exists() else [sys.executable, "-m", "taskbot.cli"]
    ours += ["parse", str(SEED), "--date", "2022-06-24", "--format", "json"]
    baseline = [sys.executable, "-c", "import jieba; jieba.initialize()"]
    _run(baseline)  # warm-up: builds jieba's cache when missing, and ours
    _run(ours)
    ours_s, base_s = [], []
    for _ in range(runs):
        base_s.append(_run(baseline))
        ours_s.append(_run(ours))
    ours_median, base_median = statistics.median(ours_s), statistics.median(base_s)
    return {
        "taskbot_parse_s": ours_median,
        "baseline_s": base_median,
        "ratio": ours_median / base_median,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each measurement (default 7)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    text = build_bulletin()
    figures = {
        "machine": machine(),
        "throughput": throughput(text, args.runs),
        "cold_start": cold_start(args.runs),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    t, c = figures["throughput"], figures["cold_start"]
    print(f"machine: {figures['machine']}")
    print(
        f"throughput: {t['chars_per_s']:,.0f} chars/s wall ({t['chars_per_cpu_s']:,.0f} per CPU second) "
        f"on {t['chars']:,} chars / {t['bytes']:,} bytes, {t['directives']:,} directives, "
        f"median of {args.runs} runs {t['wall_s_median']:.3f} s  [aim >= 500,000]"
    )
    print(
        f"  with every directive's keywords read: {t['chars_per_s_with_keywords']:,.0f} chars/s wall "
        f"({t['chars_per_cpu_s_with_keywords']:,.0f} per CPU second)"
    )
    print(
        f"cold start: taskbot parse {c['taskbot_parse_s']:.3f} s vs import jieba + initialize "
        f"{c['baseline_s']:.3f} s = {c['ratio']:.2f} x  [aim <= 1.3], medians of {args.runs}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
