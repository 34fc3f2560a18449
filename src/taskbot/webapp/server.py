"""The 看板's HTTP side, mounted on the bot process's one server (``ops.web.OpsServer``) under /app/.

- ``/app/`` and ``/app/static/…``: the page and its assets (package data; nothing remote).
- ``/app/api/…``: JSON. Every call carries the Mini App's initData (header ``X-Telegram-Init-Data``)
  and is verified as Telegram specifies (``initdata``); without valid fresh initData the answer is
  401 with an empty body. A genuine user the 看板 has nothing for gets 403.

Store work runs in a worker thread, as the operations endpoints do: the bot's loop never waits.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.orm import Session
from tornado.web import HTTPError, RequestHandler, StaticFileHandler

from taskbot.domain.digest import Standing
from taskbot.domain.values import Beat
from taskbot.i18n import catalog, t
from taskbot.ops.web import OpsServer
from taskbot.runtime import Runtime
from taskbot.schedule.planner import PlanRules, previous_fire
from taskbot.schedule.render import rank_reasons
from taskbot.services import trends
from taskbot.services.tasks import TaskError, get_task, mark_blocked, mark_done, report_status
from taskbot.store.db import transaction
from taskbot.webapp import board
from taskbot.webapp.initdata import InitDataError, WebAppUser, verify_init_data

log = logging.getLogger(__name__)

PREFIX = "/app"
STATIC = Path(__file__).with_name("static")
INIT_HEADER = "X-Telegram-Init-Data"
MAX_BODY = 16 * 1024
_TAGS = re.compile(r"<[^>]+>")
_T = TypeVar("_T")


class Context:
    """What every 看板 handler needs: the runtime and the bot token the signatures are keyed by."""

    def __init__(self, runtime: Runtime, bot_token: str) -> None:
        self.runtime = runtime
        self.bot_token = bot_token
        self.pages = board.BoardCache()

    def local_today(self, now: dt.datetime) -> dt.date:
        return now.astimezone(self.runtime.settings.tz).date()


class _Page(StaticFileHandler):
    """The assets: cached briefly, never from elsewhere."""

    def initialize(self) -> None:  # type: ignore[override]
        super().initialize(path=str(STATIC))

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-cache")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:")


class IndexHandler(RequestHandler):
    """The page itself (its data comes from the API)."""

    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        self.set_header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:")
        self.write((STATIC / "index.html").read_bytes())


class ApiHandler(RequestHandler):
    """A JSON endpoint that answers only a verified Telegram user."""

    def initialize(self, context: Context) -> None:
        self.ctx = context
        self.user: WebAppUser | None = None

    def log_exception(self, *args: Any) -> None:  # one line, never a traceback per request
        error = args[1] if len(args) > 1 else None
        if not isinstance(error, HTTPError):
            log.warning("web request %s failed", self.request.path, exc_info=error)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Cache-Control", "no-store")
        if status_code != 401:  # 401: nothing at all about anything
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.finish(json.dumps({"error": self._reason or "error"}))
        else:
            self.finish()

    def prepare(self) -> None:
        raw = self.request.headers.get(INIT_HEADER, "")
        now = self.ctx.runtime.clock().timestamp()
        try:
            self.user = verify_init_data(
                raw, self.ctx.bot_token, now=now, max_age=self.ctx.runtime.settings.web.max_age
            )
        except InitDataError as err:
            log.info("web request %s refused: initData %s", self.request.path, err.reason)
            raise HTTPError(401) from None

    def answer(self, data: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(data, ensure_ascii=False, default=str))

    async def in_store(self, work: Callable[[Session, board.Viewer], _T]) -> _T:
        """Run WORK(session, viewer) in a worker thread, in one transaction; 403 for a stranger."""
        settings = self.ctx.runtime.settings
        user = self.user
        assert user is not None

        def run() -> _T:
            with transaction(self.ctx.runtime.sessions) as session:
                viewer = board.viewer_for(session, settings, user)
                if viewer is None:
                    raise HTTPError(403, reason="forbidden")
                return work(session, viewer)

        return await asyncio.to_thread(run)

    def now_and_today(self) -> tuple[dt.datetime, dt.date]:
        now = self.ctx.runtime.clock()
        return now, self.ctx.local_today(now)


class MeHandler(ApiHandler):
    """Who the viewer is, the words of their language, and the units they may filter by."""

    async def get(self) -> None:
        def work(session: Session, viewer: board.Viewer) -> dict[str, Any]:
            strings = {k: v.get(viewer.lang) or v["zh"] for k, v in catalog().items() if k.startswith("web.")}
            return {
                "name": viewer.name,
                "role": viewer.role.value,
                "lang": viewer.lang,
                "strings": strings,
                "units": board.unit_choices(session, viewer),
            }

        self.answer(await self.in_store(work))


class OverviewHandler(ApiHandler):
    """Each unit's standings and light, and the totals."""

    async def get(self) -> None:
        now, today = self.now_and_today()
        settings = self.ctx.runtime.settings
        cache = self.ctx.pages
        tz = settings.tz

        def work(session: Session, viewer: board.Viewer) -> dict[str, Any]:
            data = dict(
                cache.get(
                    session,
                    viewer,
                    now,
                    ("overview", today),
                    lambda: board.overview(session, settings, viewer, now, today),
                )
            )
            # The whole office's trend, from the bulletins' stored snapshots (not one official's).
            past = trends.periods(session, before=now) if viewer.sees_everything else []
            data["trend"] = [
                {
                    "date": f"{p.taken_at.astimezone(tz):%m-%d}",
                    "rate": round(p.completion_rate * 100),
                    "done": p.counts[Standing.DONE],
                }
                for p in past
            ]
            return data

        self.answer(await self.in_store(work))


class RedBlackHandler(ApiHandler):
    """The 红黑榜 of the current period, each line with why."""

    async def get(self) -> None:
        now, today = self.now_and_today()
        rt = self.ctx.runtime
        since = previous_fire(Beat.FORTNIGHTLY, now, PlanRules.from_settings(rt.settings), rt.calendar)
        silent_days = rt.settings.redblack.silent_days

        def work(session: Session, viewer: board.Viewer) -> dict[str, Any]:
            ranked = self.ctx.pages.get(
                session,
                viewer,
                now,
                ("redblack", today, since),
                lambda: board.red_black(session, rt.settings, viewer, now, today, since),
            )

            def lines(scores: list[Any], red: bool) -> list[dict[str, Any]]:
                return [
                    {"unit": s.unit, "why": rank_reasons(s, red, silent_days, viewer.lang)} for s in scores
                ]

            local = since.astimezone(rt.settings.tz)
            return {
                "since": f"{local:%Y-%m-%d}",
                "red": lines(ranked["red"], True),
                "black": lines(ranked["black"], False),
                "unbound": ranked["unbound"],
            }

        self.answer(await self.in_store(work))


class TaskListHandler(ApiHandler):
    """A page of the viewer's tasks, filtered."""

    async def get(self) -> None:
        _, today = self.now_and_today()
        args = {k: self.get_argument(k, "") for k in ("unit", "status", "overdue", "q", "offset")}
        flt = board.TaskFilter.from_args(args)
        self.answer(await self.in_store(lambda s, v: board.task_list(s, v, today, flt)))


class TaskHandler(ApiHandler):
    """One task: each unit's share and the history."""

    async def get(self, task_id: str) -> None:
        settings = self.ctx.runtime.settings
        user = self.user
        assert user is not None

        def work(session: Session, viewer: board.Viewer) -> dict[str, Any] | None:
            if not board.can_see_task(session, viewer, int(task_id)):
                return None
            actor = board.web_actor(session, settings, user, viewer)
            task = get_task(session, int(task_id), history=True)
            return board.task_detail(session, task, actor, settings.tz)

        found = await self.in_store(work)
        if found is None:
            raise HTTPError(404, reason="not_found")
        self.answer(found)


class ReportHandler(ApiHandler):
    """A report on a task from its page: the same services and rules as /status, /done, /blocked."""

    async def post(self, task_id: str) -> None:
        if len(self.request.body) > MAX_BODY:
            raise HTTPError(413, reason="too_large")
        try:
            body = json.loads(self.request.body or b"{}")
            action = str(body.get("action", "status"))
            text = str(body.get("text", ""))
            raw_progress = body.get("progress")
            progress = None if raw_progress in (None, "") else int(raw_progress)
        except (ValueError, TypeError, AttributeError):
            raise HTTPError(400, reason="bad_request") from None
        if action not in ("status", "done", "blocked"):
            raise HTTPError(400, reason="bad_request")
        rt = self.ctx.runtime
        user = self.user
        assert user is not None
        now, today = self.now_and_today()

        def work(session: Session, viewer: board.Viewer) -> dict[str, Any]:
            tid = int(task_id)
            if not board.can_see_task(session, viewer, tid):
                raise HTTPError(404, reason="not_found")
            actor = board.web_actor(session, rt.settings, user, viewer)
            try:
                with session.begin_nested():
                    if action == "done":
                        mark_done(session, tid, actor, now, text, today=today)
                    elif action == "blocked":
                        mark_blocked(session, tid, actor, now, text)
                    else:
                        report_status(session, tid, actor, now, text, progress)
            except TaskError as err:
                return {"ok": False, "error": refusal_text(err, viewer.lang)}
            log.info("task %s reported from the web by user %s (%s)", tid, user.id, action)
            return {"ok": True}

        result = await self.in_store(work)
        self.answer(result, 200 if result["ok"] else 409)


def refusal_text(err: TaskError, lang: str) -> str:
    """The bot's own wording of a refusal, as plain text."""
    from taskbot.bot.errors import describe

    return html.unescape(_TAGS.sub("", describe(err, lang)))


def mount(server: OpsServer, runtime: Runtime, bot_token: str) -> None:
    """Serve the 看板 on SERVER under /app/ (signatures keyed by BOT_TOKEN)."""
    ctx = Context(runtime, bot_token)
    server.add(f"{PREFIX}/?", IndexHandler)
    server.add(rf"{PREFIX}/static/(.*)", _Page)
    server.add(f"{PREFIX}/api/me", MeHandler, context=ctx)
    server.add(f"{PREFIX}/api/overview", OverviewHandler, context=ctx)
    server.add(f"{PREFIX}/api/redblack", RedBlackHandler, context=ctx)
    server.add(f"{PREFIX}/api/tasks", TaskListHandler, context=ctx)
    server.add(rf"{PREFIX}/api/tasks/(\d{{1,9}})", TaskHandler, context=ctx)
    server.add(rf"{PREFIX}/api/tasks/(\d{{1,9}})/report", ReportHandler, context=ctx)


def report_link(public_url: str | None, lang: str) -> str | None:
    """The line /report adds when the 看板 has a public address."""
    return t("web.report_link", lang, url=public_url) if public_url else None
