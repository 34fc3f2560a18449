"""Keywords: jieba TF-IDF with the government-term dictionary, one segmentation pass for many texts."""

from __future__ import annotations

import datetime as dt

import pytest

from taskbot.bulletin.keywords import keywords, keywords_many
from taskbot.bulletin.parser import parse


def test_user_dictionary_keeps_government_terms_whole() -> None:
    got = keywords("要持续优化营商环境，深化一网通办改革")
    assert "营商环境" in got and "一网通办" in got


def test_stopwords_and_numbers_are_never_keywords() -> None:
    got = keywords("要进一步加强工作，切实做好2024年各项工作")
    assert not {"进一步", "切实", "工作", "2024"} & set(got)


def test_more_frequent_and_rarer_words_rank_first() -> None:
    got = keywords("防汛物资储备，防汛队伍建设，防汛预案演练")
    assert got[0] == "防汛" and len(got) <= 5


def test_many_texts_are_ranked_separately_in_one_pass() -> None:
    texts = ["要加强森林防火", "", "推进垃圾分类"]
    assert keywords_many(texts) == [keywords(t) for t in texts]
    assert keywords_many(texts)[1] == []


def test_directives_carry_keywords_of_their_opening() -> None:
    (directive,) = parse("要健全督查督办机制，推动督查全覆盖。", dt.date(2024, 1, 1)).directives
    assert "督查督办" in directive.keywords


def test_a_broken_segmenter_costs_the_keywords_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from taskbot.bulletin import keywords as module

    def broken() -> object:
        raise OSError("dictionary unreadable")

    monkeypatch.setattr(module, "_segmenter", broken)
    (directive,) = parse("要健全督查督办机制，推动督查全覆盖。", dt.date(2024, 1, 1)).directives
    assert directive.keywords == [] and directive.title == "健全督查督办机制"


def test_keywords_are_segmented_once_per_bulletin_and_only_when_read(monkeypatch: pytest.MonkeyPatch) -> None:
    from taskbot.bulletin import keywords as module

    calls: list[int] = []
    real = module.keywords_many

    def counting(texts: list[str], top: int = module.TOP_K) -> list[list[str]]:
        calls.append(len(texts))
        return real(texts, top)

    monkeypatch.setattr(module, "keywords_many", counting)
    first, second = parse("要健全督查督办机制。要加强防汛物资储备。", dt.date(2024, 1, 1)).directives
    assert calls == []  # parsing alone segments nothing
    assert "督查督办" in first.keywords and "防汛" in list(second.keywords)
    assert calls == [2]  # one pass for the whole bulletin, on first read
    assert second.to_json()["keywords"] == list(second.keywords) and calls == [2]
