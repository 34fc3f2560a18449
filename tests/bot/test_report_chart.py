"""/report's chart picture, end to end over HTTP: where it is sent, what it shows, and text alone when
it cannot be drawn or sent."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from taskbot import charts
from taskbot.charts import COLOURS, STACK
from taskbot.i18n import t
from tests.bot.conftest import ADMIN, GROUP, BotHarness, text_of
from tests.bot.test_reports_commands import LEADERS, bot_settings, overall_report, scene

__all__ = ["bot_settings"]  # the leaders' chat is configured for these tests too


async def test_report_in_the_leaders_chat_sends_the_chart_then_the_text(bot: BotHarness) -> None:
    scene(bot)
    bot.add_group(LEADERS, "领导群")
    picture, report = await overall_report(bot, LEADERS, ADMIN)
    assert picture["caption"] == t("report.chart_caption", "zh")
    assert report.startswith(t("report.header", "zh", time="2026-10-05 09:00"))
    size = picture["photo"][-1]
    image = Image.open(io.BytesIO(bot.api.file_bytes(size["file_id"]))).convert("RGB")
    assert image.size == (size["width"], size["height"])
    assert image.width >= 1000
    # The scene has a task in every standing: each has its coloured segment in the picture.
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 20)}
    for standing in STACK:
        assert tuple(int(COLOURS[standing][i : i + 2], 16) for i in (1, 3, 5)) in colours, standing


async def test_report_in_a_units_group_is_text_only(bot: BotHarness) -> None:
    scene(bot)
    report = text_of(await bot.send(GROUP, ADMIN, "/report"))
    assert report.startswith(t("report.header", "zh", time="2026-10-05 09:00"))
    assert not [c for c in bot.api.calls if c.method == "sendPhoto"]


async def test_without_a_cjk_font_the_leaders_get_the_text(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    scene(bot)
    bot.add_private(ADMIN)
    report = text_of(await bot.send(ADMIN, ADMIN, "/report"))
    assert t("reminder.fortnightly.scope_all", "zh", count=5) in report
    assert not [c for c in bot.api.calls if c.method == "sendPhoto"]


@pytest.mark.parametrize(
    "failure",
    [
        {"error_code": 400, "description": "Bad Request: PHOTO_INVALID_DIMENSIONS"},
        {"error_code": 403, "description": "Forbidden: not enough rights to send photos to the chat"},
    ],
)
async def test_a_chart_telegram_refuses_leaves_the_text(bot: BotHarness, failure: dict[str, Any]) -> None:
    scene(bot)
    bot.add_group(LEADERS, "领导群")
    bot.api.fail_next("sendPhoto", **failure)
    await bot.api.user_sends(LEADERS, ADMIN, "/report")
    report = text_of(await bot.api.wait_for_message(LEADERS, timeout=60))
    assert t("reminder.fortnightly.scope_all", "zh", count=5) in report
    assert [c.method for c in bot.api.calls if c.method == "sendPhoto"] == ["sendPhoto"]


async def test_a_chart_that_fails_to_draw_leaves_the_text(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> bytes:
        raise RuntimeError("matplotlib is broken")

    monkeypatch.setattr("taskbot.bot.reports.render_standings", broken)
    scene(bot)
    bot.add_private(ADMIN)
    report = text_of(await bot.send(ADMIN, ADMIN, "/report"))
    assert t("reminder.fortnightly.scope_all", "zh", count=5) in report
