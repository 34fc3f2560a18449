"""The /import preview as a review, end to end over HTTP: low-confidence items marked, a toggle per
item (✓/✗) on every page, ◀ ▶ between pages, and 确认导入 creating only the kept items."""

from __future__ import annotations

from typing import Any

from taskbot.bot.import_review import LOW_MARK
from taskbot.i18n import t
from taskbot.store.models import Task
from tests.bot.conftest import ADMIN, GROUP, OFFICIAL, BotHarness, buttons_of, text_of
from tests.bot.test_import_flow import current, distinct_directives, scene, send_file, token_of
from tests.conftest import SEED_BULLETIN

JSON = dict[str, Any]

# Three orders; the third is an item of an announced list with nothing but a verb phrase: low confidence.
SMALL = (
    "各镇街要健全督查督办机制，6月30日前完成。\n\n"
    "区住建局要加快老旧小区改造，年底前完成30个小区。\n\n"
    "周调度工作机制如下：\n1.周调度机制参照县里执行。\n"
)


def stored_titles(bot: BotHarness) -> list[str]:
    with bot.runtime.sessions() as s:
        return [task.title for task in s.query(Task).order_by(Task.id)]


async def press(bot: BotHarness, message: JSON, data: str, user: int = ADMIN) -> tuple[JSON, JSON]:
    """USER presses DATA under MESSAGE; the message as it is now, and the answer to the press."""
    answered = await bot.press(GROUP, user, message, data)
    await bot.settle()
    return current(bot, GROUP, message), answered


def toggles(message: JSON) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [
        b["text"]
        for row in markup.get("inline_keyboard", [])
        for b in row
        if b["callback_data"][:6] == "imr:t:"
    ]


async def test_low_confidence_items_are_marked_and_dropped_items_are_not_imported(bot: BotHarness) -> None:
    scene(bot)
    preview = await send_file(bot, "small.txt", SMALL.encode())
    token = token_of(preview)
    shown = text_of(preview)
    lines = shown.splitlines()
    assert [line for line in lines if line.startswith(f"{LOW_MARK} ")] == [
        f"{LOW_MARK} 3. 周调度机制参照县里执行",
        t("import.review.low", "zh", mark=LOW_MARK),
    ]
    assert t("import.review.low", "zh", mark=LOW_MARK) in shown
    assert toggles(preview) == ["✓ 1", "✓ 2", "✓ 3"]

    edited, _ = await press(bot, preview, f"imr:t:{token}:3")
    assert toggles(edited) == ["✓ 1", "✓ 2", "✗ 3"]
    assert t("import.review.dropped", "zh", dropped=1, kept=2) in text_of(edited)
    assert edited["reply_markup"]["inline_keyboard"][0][0]["text"] == "✅ 确认导入（2 项）"
    assert stored_titles(bot) == []  # reviewing writes nothing

    answered = await bot.press(GROUP, ADMIN, edited, f"imp:ok:{token}")
    await bot.settle()
    assert answered["text"] == t("import.done_short", "zh", created=2)
    assert stored_titles(bot) == ["健全督查督办机制", "加快老旧小区改造"]


async def test_a_dropped_item_can_be_kept_again(bot: BotHarness) -> None:
    scene(bot)
    preview = await send_file(bot, "small.txt", SMALL.encode())
    token = token_of(preview)
    await press(bot, preview, f"imr:t:{token}:1")
    edited, _ = await press(bot, preview, f"imr:t:{token}:1")
    assert toggles(edited) == ["✓ 1", "✓ 2", "✓ 3"]
    assert "<s>" not in text_of(edited) and t(
        "import.review.dropped", "zh", dropped=1, kept=2
    ) not in text_of(edited)
    await bot.press(GROUP, ADMIN, edited, f"imp:ok:{token}")
    await bot.settle()
    assert len(stored_titles(bot)) == 3


async def test_dropping_everything_imports_nothing_and_keeps_the_preview(bot: BotHarness) -> None:
    scene(bot)
    preview = await send_file(bot, "small.txt", SMALL.encode())
    token = token_of(preview)
    for n in (1, 2, 3):
        await press(bot, preview, f"imr:t:{token}:{n}")
    answered = await bot.press(GROUP, ADMIN, preview, f"imp:ok:{token}")
    assert answered["text"] == t("import.review.none_kept", "zh") and answered["show_alert"]
    await bot.settle()
    assert stored_titles(bot) == []
    await press(bot, preview, f"imr:t:{token}:2")  # the preview is still there: keep one, import it
    await bot.press(GROUP, ADMIN, preview, f"imp:ok:{token}")
    await bot.settle()
    assert stored_titles(bot) == ["加快老旧小区改造"]


async def test_pages_have_their_own_toggles_and_the_drops_survive_turning_pages(bot: BotHarness) -> None:
    scene(bot)
    text = SEED_BULLETIN.read_text(encoding="utf-8")
    titles = distinct_directives(text)
    pages = -(-len(titles) // 10)
    preview = await send_file(bot, "seed.txt", text.encode())
    token = token_of(preview)
    assert toggles(preview) == [f"✓ {n}" for n in range(1, 11)]
    assert f"imr:p:{token}:1" in buttons_of(preview) and t(
        "import.review.page", "zh", page=1, pages=pages
    ) in text_of(preview)

    await press(bot, preview, f"imr:t:{token}:2")
    second, _ = await press(bot, preview, f"imr:p:{token}:1")
    assert toggles(second)[0] == "✓ 11" and "11. " in text_of(second) and "\n1. " not in text_of(second)
    assert f"imr:p:{token}:0" in buttons_of(second)
    second, _ = await press(bot, preview, f"imr:t:{token}:12")
    assert toggles(second)[1] == "✗ 12"
    first, _ = await press(bot, preview, f"imr:p:{token}:0")
    assert toggles(first)[1] == "✗ 2"  # the drop on page 1 is remembered

    await bot.press(GROUP, ADMIN, first, f"imp:ok:{token}")
    await bot.settle()
    kept = stored_titles(bot)
    assert len(kept) == len(titles) - 2
    assert titles[1] not in kept and titles[11] not in kept and titles[0] in kept


async def test_only_admins_review_and_a_stale_token_is_expired(bot: BotHarness) -> None:
    scene(bot)
    preview = await send_file(bot, "small.txt", SMALL.encode())
    token = token_of(preview)
    _, answered = await press(bot, preview, f"imr:t:{token}:1", user=OFFICIAL)
    assert answered["text"] == t("error.admin_only", "zh")
    assert toggles(current(bot, GROUP, preview))[0] == "✓ 1"
    assert await forged(bot, preview, "imr:t:AAAAAAAA:1") == t("import.expired", "zh")
    await bot.press(GROUP, ADMIN, preview, f"imp:no:{token}")
    await bot.settle()
    # an old client may still show the toggles of a cancelled preview
    assert await forged(bot, preview, f"imr:t:{token}:1") == t("import.expired", "zh")
    assert stored_titles(bot) == []


async def forged(bot: BotHarness, message: JSON, data: str) -> str:
    """The admin presses DATA under MESSAGE though no such button is shown; the answer's text."""
    query = await bot.api.user_presses(GROUP, ADMIN, message["message_id"], data, check_button=False)
    answered = await bot.api.wait_for_call(
        "answerCallbackQuery", lambda p: p.get("callback_query_id") == query
    )
    return str(answered["text"])


def test_the_review_state_ignores_numbers_it_does_not_show_and_drops_repeats_of_a_dropped_text() -> None:
    import datetime as dt

    from taskbot.bot.import_review import Review
    from taskbot.bulletin.model import Directive, ParsedBulletin

    first, second = (
        Directive(text="要加强宣传。", title="加强宣传"),
        Directive(text="要强化督导。", title="强化督导"),
    )
    parsed = ParsedBulletin(
        dt.date(2024, 5, 8), None, [], [first, second, Directive(text="要 加强宣传。", title="x")]
    )
    review = Review([first, second])
    assert not review.toggle(0) and not review.toggle(3) and not review.turn_to(1)
    assert review.toggle(1) and review.kept == 1
    assert [d.text for d in review.kept_bulletin(parsed).directives] == [
        "要强化督导。"
    ]  # its repeat goes too
