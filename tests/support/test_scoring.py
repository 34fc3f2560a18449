"""The project's scorer: matching, umbrellas, precision and each field rule."""

from __future__ import annotations

import pytest

from tests.support.scoring import field_matches, pooled, score

KEY = {
    "directives": [
        {"anchor": "各镇街要 完成摸底", "responsible": ["各镇街"], "deadline": "2026-06-30"},
        {"anchor": "要健全机制", "umbrella": True},
        {"anchor": "市局要每周调度", "cadence": ["weekly"], "target": "10个项目"},
    ]
}


def test_found_missed_and_extra_are_counted() -> None:
    predictions = [
        {"text": "要健全机制，各镇街要完成摸底", "responsible": ["各镇街"], "deadline": "2026-06-30"},
        {"text": "一段无关的话"},
    ]
    result = score(KEY, predictions)
    # the merged heading counts for its leaf, so the umbrella finds nothing left
    assert (result.recall, result.precision, result.fields) == (0.5, 0.5, 1.0)
    assert result.missed == ["市局要每周调度"]
    assert result.extra == ["一段无关的话"]
    assert result.coverage == 0.5


def test_coverage_counts_content_found_however_it_was_cut() -> None:
    # both leaves inside one prediction: one is matched, the other only covered
    predictions = [{"text": "各镇街要完成摸底；市局要每周调度"}]
    result = score(KEY, predictions)
    assert (result.recall, result.coverage) == (0.5, 1.0)


def test_pooled_counts_every_item_once() -> None:
    first = score(KEY, [{"text": "各镇街要完成摸底", "responsible": ["各镇街"]}])
    second = score(KEY, [{"text": "市局要每周调度"}, {"text": "无关"}, {"text": "也无关"}])
    total = pooled([first, second])
    assert (total.plain, total.found, total.predicted, total.served) == (4, 2, 4, 2)
    assert (total.recall, total.precision) == (0.5, 0.5)


def test_one_prediction_serves_one_item_and_wrong_fields_are_listed() -> None:
    predictions = [
        {"text": "各镇街要完成摸底", "responsible": ["市局"], "deadline": "2026-06-30"},
        {"text": "要健全机制"},
        {"text": "市局要每周调度 10个项目", "cadence": ["weekly", "monthly"], "target": "10个项目"},
    ]
    result = score(KEY, predictions)
    assert (result.recall, result.precision) == (1.0, 1.0)
    assert result.fields == pytest.approx(2 / 4)
    assert len(result.wrong_fields) == 2
    assert "recall 1.00 precision 1.00" in result.summary()


def test_no_predictions_scores_zero_precision() -> None:
    result = score(KEY, [])
    assert (result.recall, result.precision) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("name", "want", "got", "ok"),
    [
        ("responsible", ["各镇街"], ["各镇街", "市局"], True),
        ("responsible", ["各相关部门"], ["相关部门"], True),
        ("responsible", ["各镇街", "市局"], ["各镇街"], False),
        ("responsible", ["各镇街"], None, False),
        ("cadence", ["weekly", "monthly"], ["monthly", "weekly"], True),
        ("cadence", ["weekly"], [], False),
        ("deadline", "2026-06-30", "2026-06-30", True),
        ("deadline", "2026-06-30", None, False),
        ("target", "70个社区", "70个城市社区", True),
        ("target", "70个社区", "7个社区", False),
        ("target", "70个社区", None, False),
    ],
)
def test_field_rules(name: str, want: object, got: object, ok: bool) -> None:
    assert field_matches(name, want, got) is ok


def test_unknown_field_is_an_error() -> None:
    with pytest.raises(ValueError):
        field_matches("colour", "red", "red")
