"""Directive accuracy on the seed bulletin and on our own fixtures, scored by tests/support/scoring.py.

The CLI runs in-process (taskbot.cli.main), so the figures are what `taskbot parse --format json` prints.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from taskbot.cli import main
from tests.conftest import SEED_BULLETIN, SEED_KEY
from tests.support.scoring import Score, load_key, score

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bulletins"

# (recall, precision, fields) each fixture reaches. Held-out fixtures were written, key included,
# before the parser saw them; their first scores were:
#   speech_transcript 0.80/1.00/0.80, supervision_notice 0.75/1.00/0.83, tsv_table_notice 0.80/1.00/1.00,
#   meeting_minutes 0.00/0.00/1.00, supervision_ticket 0.25/1.00/1.00, work_report 1.00/1.00/1.00,
#   interleaved_columns 0.67/1.00/1.00 (two articles' column blocks alternate: not undone),
#   inline_heading_notice 1.00/1.00/0.86, provincial_meeting 0.80/0.80/0.67, work_points 0.83/0.71/0.75,
#   long_paragraph_news 1.00/1.00/1.00, dash_items 0.40/1.00/0.50, nested_numbering 0.80/1.00/1.00,
#   yishi_lines 1.00/1.00/1.00.
# The unseen_* batch first scored: safety_check_notice 1.00/1.00/0.86, task_table 0.91/1.00/0.88,
#   town_meeting 0.60/1.00/0.93, discipline_report 1.00/1.00/0.82, province_edu 1.00/1.00/1.00,
#   twocol_newsletter 0.43/1.00/0.25 (two columns interleaved line by line: not undone),
#   wechat_notice 1.00/0.80/1.00, key_work_list 1.00/1.00/0.84.
FIXTURE_FLOORS = {
    "task_division_notice": (1.0, 1.0, 1.0),
    "flattened_table": (1.0, 1.0, 1.0),
    "yiyao_speech": (1.0, 1.0, 1.0),
    "yishi_briefing": (1.0, 1.0, 1.0),
    "numbered_measures": (1.0, 1.0, 1.0),
    "meeting_news": (1.0, 1.0, 1.0),
    "ascii_punctuation": (1.0, 1.0, 1.0),
    "work_plan": (1.0, 1.0, 1.0),
    "pdf_newsletter": (1.0, 1.0, 1.0),
    "supervision_notice": (1.0, 1.0, 1.0),
    "speech_transcript": (1.0, 1.0, 1.0),
    "tsv_table_notice": (1.0, 1.0, 1.0),
    "meeting_minutes": (1.0, 1.0, 1.0),
    "supervision_ticket": (1.0, 1.0, 1.0),
    "work_report": (1.0, 1.0, 1.0),
    "interleaved_columns": (0.8, 0.8, 1.0),
    "inline_heading_notice": (1.0, 1.0, 1.0),
    "provincial_meeting": (1.0, 1.0, 1.0),
    "work_points": (1.0, 1.0, 1.0),
    "long_paragraph_news": (1.0, 1.0, 1.0),
    "dash_items": (1.0, 1.0, 1.0),
    "nested_numbering": (1.0, 1.0, 1.0),
    "yishi_lines": (1.0, 1.0, 1.0),
    "heldout_state_council_notice": (1.0, 1.0, 1.0),
    "heldout_county_minutes": (1.0, 1.0, 1.0),
    "heldout_duban_table": (1.0, 1.0, 1.0),
    "heldout_pdf_provincial_news": (1.0, 1.0, 1.0),
    "heldout_work_points": (1.0, 1.0, 1.0),
    "heldout_wechat_brief": (1.0, 1.0, 1.0),
    "heldout_implementation_plan": (1.0, 1.0, 1.0),
    "heldout_leader_speech": (1.0, 1.0, 1.0),
    "unseen_safety_check_notice": (1.0, 1.0, 1.0),
    "unseen_task_table": (1.0, 1.0, 0.95),
    "unseen_town_meeting": (1.0, 1.0, 1.0),
    "unseen_discipline_report": (1.0, 1.0, 1.0),
    "unseen_province_edu": (1.0, 1.0, 1.0),
    "unseen_twocol_newsletter": (0.7, 1.0, 0.5),
    "unseen_wechat_notice": (1.0, 1.0, 1.0),
    "unseen_key_work_list": (1.0, 1.0, 1.0),
    # The examples of issue 10 (parallel 要 clauses, assignments without 要, minutes' decisions,
    # parties with brackets); they first scored 0.75/1.00/0.91, 0.33/0.50/1.00, 0.50/1.00/1.00.
    "clause_parallel_orders": (1.0, 1.0, 1.0),
    "clause_assignments": (1.0, 1.0, 1.0),
    "clause_minutes_decisions": (1.0, 1.0, 1.0),
    # The blind batch of real published bulletins (tests/fixtures/bulletins/BLIND.md), at what the
    # parser reaches after the general rules of tests/bulletin/test_general_rules.py.
    "blind_aji_flood": (0.45, 1.0, 0.5),
    "blind_baidishi_supervision_rules": (0.87, 1.0, 1.0),
    "blind_beijing_gov_open_points": (1.0, 1.0, 1.0),
    "blind_caidian_duty_split": (1.0, 1.0, 0.91),
    "blind_dalian_safety_notice": (1.0, 0.66, 0.5),
    "blind_daying_hotline_weekly": (0.0, 0.0, 1.0),
    "blind_dongguan_typhoon": (0.85, 1.0, 1.0),
    "blind_erlianhaote_division_reading": (0.5, 1.0, 1.0),
    "blind_ewenke_report_notice": (0.75, 1.0, 1.0),
    "blind_gaocheng_flood": (0.87, 1.0, 1.0),
    "blind_guangdong_flood_office": (1.0, 1.0, 1.0),
    "blind_huaiyin_hotline_street": (1.0, 1.0, 1.0),
    "blind_huoshan_speech": (1.0, 1.0, 1.0),
    "blind_jingxian_task_notice": (1.0, 1.0, 1.0),
    "blind_jinsong_jiesujiban": (1.0, 1.0, 1.0),
    "blind_jinyuan_inspection_notice": (1.0, 1.0, 1.0),
    "blind_linyi_bureau_minutes": (0.8, 1.0, 1.0),
    "blind_lishan_task_division": (1.0, 1.0, 1.0),
    "blind_longquan_inspection": (0.5, 1.0, 0.5),
    "blind_malong_finance_committee": (1.0, 1.0, 1.0),
    "blind_panzhihua_finance_meeting": (1.0, 0.66, 0.0),
    "blind_sangzhi_land_meeting": (1.0, 1.0, 1.0),
    "blind_shouxian_supervision_bulletin": (1.0, 1.0, 1.0),
    "blind_shuangtaizi_executive": (1.0, 1.0, 1.0),
    "blind_xinfeng_dispatch": (1.0, 1.0, 1.0),
    "blind_xingxian_executive": (1.0, 1.0, 1.0),
    "blind_xinshao_land_meeting": (1.0, 1.0, 1.0),
    "blind_xuchang_task_split": (0.66, 1.0, 1.0),
    "blind_yingfeng_safety": (0.83, 1.0, 0.5),
    "blind_yunyang_task_table": (1.0, 1.0, 1.0),
    "blind_zaozhuang_city_construction": (1.0, 1.0, 1.0),
    "blind_zaozhuang_town_typhoon": (1.0, 0.85, 1.0),
}


def parse_directives(path: Path, date: str, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    capsys.readouterr()
    assert main(["parse", str(path), "--date", date, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)["directives"]


def assert_floors(result: Score, recall: float, precision: float, fields: float) -> None:
    met = result.recall >= recall and result.precision >= precision and result.fields >= fields
    assert met, f"floors {recall}/{precision}/{fields} not met:\n{result.explain()}"


def test_seed_bulletin_meets_the_issue_thresholds(capsys: pytest.CaptureFixture[str]) -> None:
    result = score(load_key(SEED_KEY), parse_directives(SEED_BULLETIN, "2022-06-24", capsys))
    assert_floors(result, 0.95, 0.90, 0.90)
    # What the parser reaches today: one paragraph that elaborates a lead sentence is read as
    # an order of its own (precision 48/49).
    assert result.recall == 1.0 and result.fields == 1.0 and result.precision >= 48 / 49, result.explain()


@pytest.mark.parametrize("name", sorted(FIXTURE_FLOORS))
def test_fixture_bulletin(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    key = load_key(FIXTURES / f"{name}.key.yaml")
    directives = parse_directives(FIXTURES / f"{name}.txt", str(key["bulletin_date"]), capsys)
    assert_floors(score(key, directives), *FIXTURE_FLOORS[name])


def test_every_fixture_has_a_floor() -> None:
    assert {p.name.removesuffix(".key.yaml") for p in FIXTURES.glob("*.key.yaml")} == set(FIXTURE_FLOORS)


def test_fixtures_are_not_the_seed() -> None:
    seed = re.sub(r"\s", "", SEED_BULLETIN.read_text(encoding="utf-8"))
    for path in FIXTURES.glob("*.txt"):
        text = re.sub(r"\s", "", path.read_text(encoding="utf-8"))
        sentences = [s for s in re.split(r"[。；]", text) if len(s) >= 12]
        assert not [s for s in sentences if s in seed], path.name


SEED_WORDS = ("创熟", "非常之", "佛山", "南海", "熟人社区", "三长制", "郑轲", "顾耀辉", "粤贸全球")


def test_no_phrase_of_the_seed_page_in_the_parser() -> None:
    source = Path(__file__).resolve().parents[2] / "src" / "taskbot" / "bulletin"
    for path in [*source.rglob("*.py"), *source.rglob("*.txt")]:
        text = path.read_text(encoding="utf-8")
        assert not [w for w in SEED_WORDS if w in text], path.name
