"""Debian's Chromium as the browser tests, the 看板 benchmark and the screenshot script launch it
through Playwright (no `playwright install`: .ci/run installs the `chromium` package when missing)."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
