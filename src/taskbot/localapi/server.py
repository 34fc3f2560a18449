"""The HTTP side: ``/bot<token>/<method>`` and ``/file/bot<token>/<path>`` on 127.0.0.1 (tornado)."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web

from taskbot.localapi.params import Params, Upload

Dispatch = Callable[[str, Params], Awaitable[tuple[int, dict[str, Any]]]]
FileLookup = Callable[[str], bytes | None]
WELL_FORMED_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
NOT_FOUND: dict[str, Any] = {"ok": False, "error_code": 404, "description": "Not Found"}
DISCONNECT = 0  # the status a dispatcher returns to have the connection dropped unanswered
UNAUTHORIZED = {"ok": False, "error_code": 401, "description": "Unauthorized"}


def _token_error(expected: str, given: str) -> tuple[int, dict[str, Any]] | None:
    """Telegram answers 401 to a well-formed but wrong token and 404 to anything else."""
    if given == expected:
        return None
    return (401, UNAUTHORIZED) if WELL_FORMED_TOKEN.match(given) else (404, NOT_FOUND)


class _JsonHandler(tornado.web.RequestHandler):
    def answer(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body, ensure_ascii=False).encode("utf-8"))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.answer(status_code, {"ok": False, "error_code": status_code, "description": self._reason})


class MethodHandler(_JsonHandler):
    """Answers one Bot API call."""

    def initialize(self, token: str, dispatch: Dispatch) -> None:
        self.token = token
        self.dispatch = dispatch

    async def get(self, token: str, method: str) -> None:
        await self.post(token, method)

    async def post(self, token: str, method: str) -> None:
        error = _token_error(self.token, token)
        if error:
            self.answer(*error)
            return
        try:
            params = self._params()
        except ValueError:
            self.answer(
                400, {"ok": False, "error_code": 400, "description": "Bad Request: can't parse JSON body"}
            )
            return
        status, body = await self.dispatch(method, params)
        if status == DISCONNECT:
            # An injected network failure: drop the connection without an answer.
            self.request.connection.close()  # type: ignore[union-attr]
            return
        self.answer(status, body)

    def _params(self) -> Params:
        raw: dict[str, Any] = {
            name: values[-1].decode("utf-8") for name, values in self.request.query_arguments.items()
        }
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and self.request.body:
            decoded = json.loads(self.request.body)
            if not isinstance(decoded, dict):
                raise ValueError("the JSON body must be an object")
            raw.update(decoded)
        else:
            raw.update(
                {name: values[-1].decode("utf-8") for name, values in self.request.body_arguments.items()}
            )
        uploads = {
            name: Upload(
                filename=files[-1].filename, content_type=files[-1].content_type, body=files[-1].body
            )
            for name, files in self.request.files.items()
        }
        return Params(raw=raw, uploads=uploads)


class FileHandler(_JsonHandler):
    """Serves file downloads the way api.telegram.org/file/bot<token>/<file_path> does."""

    def initialize(self, token: str, lookup: FileLookup) -> None:
        self.token = token
        self.lookup = lookup

    async def get(self, token: str, path: str) -> None:
        error = _token_error(self.token, token)
        if error:
            self.answer(*error)
            return
        data = self.lookup(path)
        if data is None:
            self.answer(404, NOT_FOUND)
            return
        self.set_header("Content-Type", "application/octet-stream")
        self.finish(data)


class FallbackHandler(_JsonHandler):
    async def get(self, *args: str) -> None:
        self.answer(404, NOT_FOUND)

    async def post(self, *args: str) -> None:
        self.answer(404, NOT_FOUND)


def _quiet(handler: tornado.web.RequestHandler) -> None:
    """Access logging off: the URL carries the bot token, which must never reach a log."""


class HttpFront:
    """The tornado server bound to a free port on HOST."""

    def __init__(self, token: str, dispatch: Dispatch, lookup: FileLookup) -> None:
        self.app = tornado.web.Application(
            [
                (r"/bot([^/]*)/([A-Za-z0-9_]+)/?", MethodHandler, {"token": token, "dispatch": dispatch}),
                (r"/file/bot([^/]*)/(.+)", FileHandler, {"token": token, "lookup": lookup}),
                (r"/(.*)", FallbackHandler),
            ],
            log_function=_quiet,
        )
        self.server: tornado.httpserver.HTTPServer | None = None
        self.port = 0

    def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        sockets = tornado.netutil.bind_sockets(port, host, family=socket.AF_INET)
        self.server = tornado.httpserver.HTTPServer(self.app, max_body_size=64 * 1024 * 1024)
        self.server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self.server is None:
            return
        self.server.stop()
        await self.server.close_all_connections()
        self.server = None
