"""Parser accuracy over a folder of keyed bulletins: per bulletin and pooled.

    python -m bench.accuracy [FOLDER ...]        # default: tests/fixtures/bulletins

Each FOLDER holds NAME.txt beside NAME.key.yaml. Prints recall (one key item to one directive),
coverage (the item's anchor lies inside some directive, however it was cut), precision and fields,
then the pooled figures, in which every item and every directive counts once.
"""

from __future__ import annotations

import json
import sys
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path

from tests.support.scoring import Score, load_key, pooled, score

from taskbot.cli import main

ROOT = Path(__file__).resolve().parents[1]


def parse(path: Path, date: str) -> list[dict]:
    out = StringIO()
    with redirect_stdout(out):
        code = main(["parse", str(path), "--date", date, "--format", "json"])
    if code != 0:
        raise SystemExit(f"taskbot parse failed on {path} (exit {code})")
    return json.loads(out.getvalue())["directives"]


def line(name: str, s: Score) -> str:
    return (
        f"{name:44} recall {s.recall:.2f} coverage {s.coverage:.2f} precision {s.precision:.2f} "
        f"fields {s.fields:.2f}  ({s.found}/{s.plain} found, {s.served}/{s.predicted} right)"
    )


def run(folders: list[Path], verbose: bool) -> Score:
    scores = []
    for folder in folders:
        for key_path in sorted(folder.glob("*.key.yaml")):
            name = key_path.name.removesuffix(".key.yaml")
            key = load_key(key_path)
            result = score(key, parse(folder / f"{name}.txt", str(key["bulletin_date"])))
            scores.append(result)
            print(line(name, result))
            if verbose and (result.missed or result.extra or result.wrong_fields):
                print("    " + result.explain().replace("\n", "\n    "))
    total = pooled(scores)
    print(line(f"pooled over {len(scores)} bulletins", total))
    return total


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "-v"]
    run([Path(a) for a in args] or [ROOT / "tests" / "fixtures" / "bulletins"], "-v" in sys.argv)
