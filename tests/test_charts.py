"""The standings chart: a CJK font that really draws the characters, the picture's content, no font."""

from __future__ import annotations

import datetime as dt
import io
import logging
from pathlib import Path

import matplotlib
import pytest
from matplotlib import font_manager
from PIL import Image

from taskbot import charts
from taskbot.charts import (
    COLOURS,
    STACK,
    ChartText,
    TrendPoint,
    UnitStandings,
    chart_text,
    cjk_font,
    font_covers,
    render_standings,
    units_from_entries,
)
from taskbot.domain.digest import DigestEntry, Standing, TaskFacts
from taskbot.i18n import catalog

S = Standing
FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
DEJAVU = FONTS / "DejaVuSans.ttf"
# matplotlib ships a font that draws one box per Unicode block: "covers" everything, draws nothing.
LAST_RESORT = next(iter(sorted(FONTS.glob("LastResort*"))), None)
ZH = chart_text("zh", dt.date(2026, 12, 1))
NEEDS_FONT = "no CJK font on this machine: apt-get install -y fonts-wqy-microhei (.ci/run does)"


def unit(name: str, done: int = 2, on_track: int = 3, overdue: int = 1, blocked: int = 1, silent: int = 1):
    counts = {S.DONE: done, S.ON_TRACK: on_track, S.OVERDUE: overdue, S.BLOCKED: blocked, S.SILENT: silent}
    return UnitStandings(name, counts)


def pixels(png: bytes | None) -> Image.Image:
    assert png is not None and png.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(png)).convert("RGB")


def chosen_font() -> Path:
    font = cjk_font()
    assert font is not None, NEEDS_FONT
    return font


# --- the font ---------------------------------------------------------------------------------


def test_the_font_has_every_character_the_chart_draws() -> None:
    words = "".join(texts["zh"] for key, texts in catalog().items() if key.startswith("chart."))
    assert font_covers(chosen_font(), words.replace("{date}", "").replace("{count}", ""))


@pytest.mark.parametrize("font", [DEJAVU, LAST_RESORT], ids=["dejavu", "last-resort"])
def test_fonts_without_chinese_glyphs_are_not_taken(font: Path | None) -> None:
    assert font is not None and font.exists()
    assert not font_covers(font, "办结")
    assert font_covers(DEJAVU, "Tasks 2026")


def test_characters_are_drawn_not_boxes() -> None:
    # Two charts that differ in one character of a unit's name. In a font with the glyphs they
    # differ; in a font that draws a box for every character (the "tofu" of a missing CJK font)
    # they are the same picture — which is what this test exists to catch.
    font = chosen_font()
    first = pixels(render_standings([unit("甲镇")], ZH, font=font))
    second = pixels(render_standings([unit("乙镇")], ZH, font=font))
    assert first.size == second.size
    assert first.tobytes() != second.tobytes()
    # DejaVu lacks the glyphs and says so; Last Resort silently draws one box per Unicode block.
    with pytest.warns(UserWarning, match="missing from font"):
        dejavu = [pixels(render_standings([unit(name)], ZH, font=DEJAVU)) for name in ("甲镇", "乙镇")]
    assert LAST_RESORT is not None
    last_resort = [pixels(render_standings([unit(name)], ZH, font=LAST_RESORT)) for name in ("甲镇", "乙镇")]
    for boxes in (dejavu, last_resort):
        assert boxes[0].tobytes() == boxes[1].tobytes()
        # and the chosen font does not draw what a font without the glyphs draws
        assert first.tobytes() != boxes[0].tobytes()


# --- the picture ------------------------------------------------------------------------------


def test_the_picture_has_a_bar_segment_of_every_standing_and_grows_with_units() -> None:
    font = chosen_font()
    one = pixels(render_standings([unit("禅城区")], ZH, font=font))
    colours = {colour for _, colour in one.getcolors(maxcolors=1 << 20)}
    for standing in STACK:
        rgb = tuple(int(COLOURS[standing][i : i + 2], 16) for i in (1, 3, 5))
        assert rgb in colours, standing
    three = pixels(render_standings([unit("禅城区"), unit("南海区"), unit("顺德区")], ZH, font=font))
    assert three.width == one.width and three.height > one.height
    with_trend = pixels(
        render_standings(
            [unit("禅城区")], ZH, [TrendPoint("11-03", 0.2), TrendPoint("11-17", 0.4)], font=font
        )
    )
    assert with_trend.height > one.height + 200


def test_units_beyond_the_limit_are_left_out_with_a_note() -> None:
    font = chosen_font()
    shown = [unit("禅城区"), unit("南海区")]
    capped = pixels(render_standings([*shown, unit("顺德区")], ZH, font=font, max_units=2))
    exact = pixels(render_standings(shown, ZH, font=font, max_units=2))
    assert capped.size == exact.size
    assert capped.tobytes() != exact.tobytes()  # the note 另有 1 个单位未列出


def test_a_dollar_in_a_name_is_text_not_math() -> None:
    font = chosen_font()
    # As math, the first would fail to parse and the others would draw the same superscript.
    assert render_standings([unit("丙$\\frac{$")], ZH, font=font) is not None
    math = pixels(render_standings([unit("甲$x^2$")], ZH, font=font))
    braces = pixels(render_standings([unit("甲$x^{2}$")], ZH, font=font))
    assert math.tobytes() != braces.tobytes()


def test_no_units_is_no_picture() -> None:
    assert render_standings([], ZH, font=chosen_font()) is None


def test_english_words() -> None:
    text = chart_text("en", dt.date(2026, 12, 1))
    assert text.title == "Tasks by unit (2026-12-01)"
    assert [text.legend[s] for s in STACK] == ["done", "on track", "overdue", "blocked", "silent"]
    assert text.more_units.format(count=3) == "3 more units not shown"
    assert ZH.more_units.format(count=3) == "另有 3 个单位未列出"


def test_units_from_entries_counts_each_party_and_puts_problems_first() -> None:
    def entry(parties: tuple[str, ...], standing: Standing) -> DigestEntry:
        return DigestEntry(TaskFacts(id=1, title="t", status="open", parties=parties), standing)

    entries = [
        entry(("甲局",), S.DONE),
        entry(("甲局", "乙局"), S.OVERDUE),
        entry(("乙局",), S.BLOCKED),
        entry(("丙局",), S.ON_TRACK),
        entry(("丙局",), S.ON_TRACK),
        entry(("丙局",), S.ON_TRACK),
    ]
    units = units_from_entries(entries)
    assert [u.unit for u in units] == ["乙局", "甲局", "丙局"]
    assert dict(units[0].counts) == {S.DONE: 0, S.ON_TRACK: 0, S.OVERDUE: 1, S.BLOCKED: 1, S.SILENT: 0}
    assert (units[1].problems, units[1].total) == (1, 2)
    assert (units[2].problems, units[2].total) == (0, 3)


# --- no font ----------------------------------------------------------------------------------


def test_without_a_cjk_font_there_is_no_picture_and_one_log_line(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    latin = [e for e in font_manager.fontManager.ttflist if e.name.startswith("DejaVu")]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", latin)
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [str(DEJAVU), str(LAST_RESORT)])
    with caplog.at_level(logging.DEBUG, logger="taskbot.charts"):
        assert cjk_font.__wrapped__() is None
    assert [(r.levelno, "fonts-wqy-microhei" in r.getMessage()) for r in caplog.records] == [
        (logging.WARNING, True)
    ]
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    assert render_standings([unit("禅城区")], ZH) is None


def test_chart_text_is_plain_data() -> None:
    text = ChartText("t", dict.fromkeys(STACK, "x"), "a")
    assert text.more_units.format(count=2) == "+2"
