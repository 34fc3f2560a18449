"""`taskbot parse`: output formats, dates, errors and a cheap import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from taskbot.cli import main
from tests.conftest import SEED_BULLETIN

NOTICE = (
    "关于做好防汛工作的通知\n一、各乡镇要在6月30日前完成隐患排查，实行“每周一调度”。\n"
    "某县人民政府办公室\n2024年5月20日\n"
)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(NOTICE, encoding="utf-8")
    code, out, _ = run(["parse", str(path), "--format", "json"], capsys)
    data = json.loads(out)
    assert code == 0
    assert data["bulletin"]["date"] == "2024-05-20" and data["bulletin"]["date_source"] == "text"
    (directive,) = data["directives"]
    assert directive["responsible"] == ["各乡镇"]
    assert directive["deadline"] == "2024-06-30" and directive["cadence"] == ["weekly"]


def test_date_option_wins_over_the_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(NOTICE.replace("6月30日前", "年底前"), encoding="utf-8")
    code, out, _ = run(["parse", str(path), "--date", "2025-03-01", "--format", "json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["bulletin"]["date_source"] == "given"
    assert data["directives"][0]["deadline"] == "2025-12-31"


def test_table_output_is_aligned_and_counts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["parse", str(SEED_BULLETIN), "--date", "2022-06-24"], capsys)
    lines = out.splitlines()
    assert code == 0
    assert lines[0].startswith("bulletin date 2022-06-24 (given)")
    assert lines[1].split() == ["#", "title", "responsible", "cadence", "deadline", "target"]
    assert lines[-1] == "49 directives"
    assert any("weekly,fortnightly,monthly" in line for line in lines)


def test_bad_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["parse", str(SEED_BULLETIN), "--date", "2022-13-01"], capsys)
    assert (code, out) == (2, "")
    assert err.strip() == "taskbot: --date: '2022-13-01' is not a date of the form YYYY-MM-DD"


def test_missing_file_is_a_one_line_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["parse", str(tmp_path / "nope.txt")], capsys)
    assert (code, out) == (1, "")
    assert err.startswith("taskbot: ") and len(err.strip().splitlines()) == 1


def test_help_describes_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["parse", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "--date" in out and "--format" in out


def test_importing_the_parser_or_the_cli_does_not_load_jieba() -> None:
    code = (
        "import sys, taskbot.bulletin, taskbot.cli; "
        "from taskbot.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('jieba', 'sqlalchemy', 'telegram') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
