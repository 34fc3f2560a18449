"""Chart pictures for leaders: per unit, stacked standings (done, on track, overdue, blocked, silent),
and the completion-rate trend when one is given, as a PNG.

Pure: data and wording in, PNG bytes out; the caller picks the words (``i18n``). matplotlib is
imported on the first chart, so the bot starts as fast as before. Text is drawn in a CJK font found
on the system (fonts-wqy-microhei or fonts-noto-cjk on Debian); without one ``render_standings``
returns None after ONE log line and the caller sends its text alone — never boxes for characters.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taskbot.domain.digest import DigestEntry, Standing

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties

log = logging.getLogger(__name__)

# Bottom to top of each bar's stack, left to right.
STACK = (Standing.DONE, Standing.ON_TRACK, Standing.OVERDUE, Standing.BLOCKED, Standing.SILENT)
COLOURS = {
    Standing.DONE: "#2e7d32",
    Standing.ON_TRACK: "#1e88e5",
    Standing.OVERDUE: "#e53935",
    Standing.BLOCKED: "#fb8c00",
    Standing.SILENT: "#9e9e9e",
}
# Characters every chart draws (and units' names are made of): a font must have all of them.
CJK_SAMPLE = "各单位任务进展已完成办结正常推进逾期受阻未汇报率趋势镇街道局委办县区市省"
# Tried first, in this order; any other font that has the sample's glyphs will do.
PREFERRED_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK JP",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
)
# Fonts that "have" every code point by drawing the same box for each: never a CJK font.
NOT_CJK = ("last resort",)
MAX_UNITS = 20
UNIT_CHARS = 12
DPI = 144

# matplotlib's text layout keeps caches that are not safe across threads; charts are rare and small.
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class UnitStandings:
    """How many of one unit's tasks stand where."""

    unit: str
    counts: Mapping[Standing, int]

    @property
    def total(self) -> int:
        return sum(self.counts.get(s, 0) for s in STACK)

    @property
    def problems(self) -> int:
        return sum(self.counts.get(s, 0) for s in (Standing.OVERDUE, Standing.BLOCKED, Standing.SILENT))


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """The completion rate (0–1) at one period, e.g. one fortnightly bulletin."""

    label: str
    rate: float


@dataclass(frozen=True, slots=True)
class ChartText:
    """The words on a chart, in the reader's language."""

    title: str
    legend: Mapping[Standing, str]
    axis: str
    trend_title: str = ""
    # With {count}: the units left out when there are more than fit.
    more_units: str = "+{count}"


def chart_text(lang: str, day: dt.date) -> ChartText:
    """The words of the standings chart of DAY in LANG, from the catalog."""
    from taskbot.i18n import t

    return ChartText(
        title=t("chart.title", lang, date=day.isoformat()),
        legend={s: t(f"chart.{s.value}", lang) for s in STACK},
        axis=t("chart.axis", lang),
        trend_title=t("chart.trend", lang),
        more_units=t("chart.more_units", lang, count="{count}"),
    )


def units_from_entries(entries: Iterable[DigestEntry]) -> list[UnitStandings]:
    """Each responsible party's standings, those with the most problems first."""
    counts: dict[str, dict[Standing, int]] = {}
    for entry in entries:
        for party in entry.task.parties:
            mine = counts.setdefault(party, dict.fromkeys(STACK, 0))
            mine[entry.standing] += 1
    units = [UnitStandings(party, c) for party, c in counts.items()]
    units.sort(key=lambda u: (-u.problems, -u.total, u.unit))
    return units


# --- fonts ------------------------------------------------------------------------------------


def font_covers(path: str | Path, text: str) -> bool:
    """Whether the font at PATH has a glyph of its own for every character of TEXT."""
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(str(path))
    except (OSError, RuntimeError, ValueError):
        return False
    if any(bad in font.family_name.lower() for bad in NOT_CJK):
        return False
    return all(font.get_char_index(ord(ch)) != 0 for ch in text if not ch.isspace())


def _family(path: str) -> str:
    from matplotlib.ft2font import FT2Font

    try:
        return str(FT2Font(path).family_name)
    except (OSError, RuntimeError, ValueError):
        return ""


@cache
def cjk_font() -> Path | None:
    """A font on this machine that draws Chinese, preferring the families above; None without one."""
    from matplotlib import font_manager

    # matplotlib's own list misses fonts installed after its cache was built: ask the system too.
    paths = {entry.fname for entry in font_manager.fontManager.ttflist}
    paths.update(font_manager.findSystemFonts())
    families = {path: _family(path) for path in sorted(paths)}
    rank = {name.lower(): i for i, name in enumerate(PREFERRED_FAMILIES)}
    ordered = sorted(families, key=lambda p: (rank.get(families[p].lower(), len(rank)), p))
    for path in ordered:
        if font_covers(path, CJK_SAMPLE):
            log.debug("charts are drawn in %s (%s)", families[path], path)
            return Path(path)
    log.warning(
        "no font with Chinese characters found: leaders get text without chart pictures "
        "(install one, e.g. apt-get install fonts-wqy-microhei)"
    )
    return None


# --- the picture ------------------------------------------------------------------------------


def _clip(name: str) -> str:
    return name if len(name) <= UNIT_CHARS else name[: UNIT_CHARS - 1] + "…"


def render_standings(
    units: Sequence[UnitStandings],
    text: ChartText,
    trend: Sequence[TrendPoint] = (),
    *,
    font: Path | None = None,
    max_units: int = MAX_UNITS,
) -> bytes | None:
    """The chart as PNG bytes: a stacked bar per unit (the first MAX_UNITS), and the trend under it.

    FONT defaults to ``cjk_font()``; None when there is no unit or no CJK font.
    """
    if not units:
        return None
    font = font or cjk_font()
    if font is None:
        return None
    from matplotlib import rc_context

    # Units' names come from bulletins: a "$" in one is text, never TeX-like math to parse.
    with _lock, rc_context({"text.parse_math": False}):
        return _draw(list(units[:max_units]), len(units) - max_units, text, list(trend), font)


def _draw(
    units: list[UnitStandings], hidden: int, text: ChartText, trend: list[TrendPoint], font: Path
) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(fname=str(font), size=10)
    bars_height = 0.9 + 0.42 * len(units)
    trend_height = 2.4 if trend else 0.0
    fig = Figure(figsize=(8, 1.1 + bars_height + trend_height), dpi=DPI)
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(2 if trend else 1, 1, height_ratios=[bars_height, trend_height] if trend else [1])
    ax = fig.add_subplot(grid[0])
    _stacked_bars(ax, units, text, prop)
    if hidden > 0:
        ax.annotate(
            text.more_units.format(count=hidden),
            xy=(0, 0),
            xycoords="axes fraction",
            xytext=(0, -28),
            textcoords="offset points",
            fontproperties=prop,
            color="#555555",
        )
    if trend:
        _trend_line(fig.add_subplot(grid[1]), trend, text, prop)
    fig.suptitle(text.title, fontproperties=FontProperties(fname=str(font), size=14))
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, facecolor="white")
    return out.getvalue()


def _stacked_bars(ax: Any, units: list[UnitStandings], text: ChartText, prop: FontProperties) -> None:
    rows = list(range(len(units)))[::-1]  # the first unit on top
    left = [0] * len(units)
    widest = max(u.total for u in units) or 1
    for standing in STACK:
        values = [u.counts.get(standing, 0) for u in units]
        ax.barh(rows, values, left=left, color=COLOURS[standing], label=text.legend[standing], height=0.62)
        for row, start, value in zip(rows, left, values, strict=True):
            if value and value / widest >= 0.04:
                ax.text(
                    start + value / 2,
                    row,
                    str(value),
                    ha="center",
                    va="center",
                    color="white",
                    fontproperties=prop,
                )
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(rows)
    ax.set_yticklabels([_clip(u.unit) for u in units], fontproperties=prop)
    ax.set_xlabel(text.axis, fontproperties=prop)
    ax.set_xlim(0, widest * 1.02)
    ax.xaxis.get_major_locator().set_params(integer=True)
    for label in ax.get_xticklabels():
        label.set_fontproperties(prop)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(
        prop=prop,
        ncols=len(STACK),
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        frameon=False,
        handlelength=1.0,
        columnspacing=1.0,
    )


def _trend_line(ax: Any, trend: list[TrendPoint], text: ChartText, prop: FontProperties) -> None:
    xs = list(range(len(trend)))
    ys = [max(0.0, min(1.0, p.rate)) * 100 for p in trend]
    ax.plot(xs, ys, marker="o", color=COLOURS[Standing.DONE])
    for x, y in zip(xs, ys, strict=True):
        ax.annotate(
            f"{y:.0f}%", (x, y), xytext=(0, 6), textcoords="offset points", ha="center", fontproperties=prop
        )
    ax.set_xticks(xs)
    ax.set_xticklabels([p.label for p in trend], fontproperties=prop)
    ax.set_ylim(0, 110)
    ax.set_yticks([0, 25, 50, 75, 100])
    ax.set_yticklabels(["0", "25", "50", "75", "100%"], fontproperties=prop)
    ax.set_title(text.trend_title, fontproperties=prop, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#eeeeee")
