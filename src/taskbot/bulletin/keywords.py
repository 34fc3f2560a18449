"""Keywords of a directive: TF-IDF over jieba's segmentation, with a user dictionary of government terms.

jieba is imported on first use only, so importing the parser stays cheap. The IDF table is jieba's
own (``jieba/analyse/idf.txt``), read without importing ``jieba.analyse`` (which also loads the
part-of-speech tagger). Only its common half is kept: words whose IDF is below the median, the ones
TF-IDF has to push down. Every other word gets the median, as words missing from the table do in
jieba, so rare words still rank above common ones (among themselves by frequency, then order).
That subset is cached in the temporary directory, as jieba caches its dictionary: loading it takes
about 30 ms where the whole table takes about 90 ms, which matters for the cold start of
``taskbot parse``.
"""

from __future__ import annotations

import logging
import marshal
import os
import re
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, overload

from taskbot.bulletin.cues import stopwords

log = logging.getLogger(__name__)

TOP_K = 5
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_state: dict[str, Any] = {}


def _segmenter() -> Any:
    tokenizer = _state.get("tokenizer")
    if tokenizer is None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        with resources.as_file(resources.files("taskbot.bulletin").joinpath("data", "userdict.txt")) as path:
            tokenizer.load_userdict(str(path))
        _state["tokenizer"] = tokenizer
    return tokenizer


def _idf() -> tuple[dict[str, float], float]:
    table = _state.get("idf")
    if table is None:
        table = _state["idf"] = _load_idf()
    return table


def _load_idf() -> tuple[dict[str, float], float]:
    import jieba

    source = Path(jieba.__file__).parent / "analyse" / "idf.txt"
    try:
        stat = source.stat()
    except OSError:
        return {}, 10.0
    import tempfile

    cache = Path(tempfile.gettempdir()) / f"taskbot-idf-common-{stat.st_size}-{stat.st_mtime_ns}.marshal"
    try:
        idf, median = marshal.loads(cache.read_bytes())
        if isinstance(idf, dict) and isinstance(median, float):
            return idf, median
    except (OSError, ValueError, EOFError, TypeError):
        pass
    idf = {}
    with source.open(encoding="utf-8") as fh:
        for line in fh:
            word, _, value = line.rstrip("\n").rpartition(" ")
            try:
                idf[word] = float(value)
            except ValueError:
                continue
    values = sorted(idf.values())
    median = values[len(values) // 2] if values else 10.0
    idf = {word: value for word, value in idf.items() if value < median}
    try:
        fd, tmp = tempfile.mkstemp(dir=cache.parent, prefix=".taskbot-idf-")
        with os.fdopen(fd, "wb") as out:
            out.write(marshal.dumps((idf, median)))
        os.replace(tmp, cache)
    except OSError as exc:  # a read-only temp dir only costs speed
        log.debug("cannot cache the IDF table: %s", exc)
    return idf, median


def keywords(text: str, top: int = TOP_K) -> list[str]:
    """The TOP words of TEXT by TF-IDF, best first (ties in order of appearance)."""
    return keywords_many([text], top)[0]


def keywords_many(texts: list[str], top: int = TOP_K) -> list[list[str]]:
    """keywords() of each text, segmenting them all in one pass (jieba's per-call cost adds up)."""
    if not any(texts):
        return [[] for _ in texts]
    # A line break never occurs inside a text (they are squeezed) and jieba keeps it as a token.
    joined = "\n".join(t.replace("\n", "") for t in texts)
    try:
        tokens = list(_segmenter().cut(joined, HMM=False))
    except Exception:  # keywords are a convenience: never lose the directives over them
        log.warning("keyword extraction failed; directives keep no keywords", exc_info=True)
        return [[] for _ in texts]
    results: list[list[str]] = []
    words: list[str] = []
    for word in tokens:
        if word == "\n":
            results.append(_rank(words, top))
            words = []
        else:
            words.append(word)
    results.append(_rank(words, top))
    return results


def _rank(words: list[str], top: int) -> list[str]:
    stop = stopwords()
    counts: dict[str, int] = {}
    for word in words:
        if len(word) < 2 or word in stop or not _WORD.search(word):
            continue
        counts[word] = counts.get(word, 0) + 1
    if not counts:
        return []
    idf, median = _idf()
    order = {word: i for i, word in enumerate(counts)}
    ranked = sorted(counts, key=lambda w: (-counts[w] * idf.get(w, median), order[w]))
    return ranked[:top]


class KeywordBatch:
    """The keywords of one bulletin's directives, segmented together the first time one is read.

    Segmentation is the slowest step of parsing; a caller that never reads keywords (a preview,
    the accuracy scorer, the throughput benchmark) never pays for it, and one that does pays once
    for the whole bulletin, in one jieba pass.
    """

    def __init__(self, texts: list[str]) -> None:
        self._texts = texts
        self._found: list[list[str]] | None = None

    def get(self, index: int) -> list[str]:
        if self._found is None:
            self._found = keywords_many(self._texts)
        return self._found[index]

    def __getitem__(self, index: int) -> LazyKeywords:
        return LazyKeywords(self, index)


class LazyKeywords(Sequence[str]):
    """The keywords of one directive of a KeywordBatch: a read-only list computed on first use."""

    __slots__ = ("_batch", "_index")

    def __init__(self, batch: KeywordBatch, index: int) -> None:
        self._batch = batch
        self._index = index

    def _words(self) -> list[str]:
        return self._batch.get(self._index)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        return self._words()[index]

    def __len__(self) -> int:
        return len(self._words())

    def __iter__(self) -> Iterator[str]:
        return iter(self._words())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return self._words() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._words())
