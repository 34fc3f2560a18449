"""The one HTTP server of the bot process: /healthz, /readyz and /metrics (``http.*`` settings).

It is a tornado application — the web server python-telegram-bot's webhook already runs on — with a
route table others add to before it starts (``OpsServer.add``): the Telegram webhook and the Mini App
are meant to be mounted here, so one port serves everything the process answers over HTTP.

Handlers that read the store (/readyz, /metrics) do it in a worker thread: a slow database never
stalls the bot's event loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from taskbot.ops.health import Probe
from taskbot.ops.metrics import Metrics

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"


class _Quiet(RequestHandler):
    def log_exception(self, *args: Any) -> None:  # one line, never a traceback per scrape
        log.warning("ops request %s failed", self.request.path, exc_info=args[1] if len(args) > 1 else None)


class HealthHandler(_Quiet):
    """Alive: the process answers (nothing else is asked)."""

    def get(self) -> None:
        self.set_header("Content-Type", "application/json")
        self.write(json.dumps({"status": "ok"}))


class ReadyHandler(_Quiet):
    """Ready: the checks of ``Probe.readiness``; 503 when one that matters fails."""

    def initialize(self, probe: Probe) -> None:
        self.probe = probe

    async def get(self) -> None:
        state = await asyncio.to_thread(self.probe.readiness)
        self.set_status(200 if state.ready else 503)
        self.set_header("Content-Type", "application/json")
        self.write(json.dumps(state.as_json(), ensure_ascii=False))


class MetricsHandler(_Quiet):
    """The Prometheus exposition of this process's metrics."""

    def initialize(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def get(self) -> None:
        body = await asyncio.to_thread(self.metrics.render)
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.write(body)


class OpsServer:
    """The process's HTTP server: add routes, then ``start``; ``stop`` on shutdown."""

    def __init__(self, listen: str, port: int) -> None:
        self.listen = listen
        self.requested_port = port
        self.routes: list[tuple[str, type[RequestHandler], dict[str, Any]]] = []
        self._server: HTTPServer | None = None
        self._sockets: list[socket.socket] = []

    def add(self, path: str, handler: type[RequestHandler], **kwargs: Any) -> None:
        """Serve PATH with HANDLER (a tornado RequestHandler; KWARGS go to its ``initialize``)."""
        if self._server is not None:
            raise RuntimeError("routes are added before the server starts")
        self.routes.append((path, handler, kwargs))

    def add_operations(self, probe: Probe, metrics: Metrics) -> None:
        self.add(HEALTH_PATH, HealthHandler)
        self.add(READY_PATH, ReadyHandler, probe=probe)
        self.add(METRICS_PATH, MetricsHandler, metrics=metrics)

    @property
    def port(self) -> int:
        """The port actually bound (the requested one, or the one picked for port 0)."""
        return int(self._sockets[0].getsockname()[1]) if self._sockets else self.requested_port

    async def start(self) -> None:
        app = Application(self.routes)
        self._sockets = bind_sockets(self.requested_port, address=self.listen)
        self._server = HTTPServer(app, xheaders=True)
        self._server.add_sockets(self._sockets)
        log.info(
            "operations endpoints on http://%s:%s (%s, %s, %s)",
            self.listen,
            self.port,
            HEALTH_PATH,
            READY_PATH,
            METRICS_PATH,
        )

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.stop()
        await self._server.close_all_connections()
        self._server = None
        self._sockets = []
