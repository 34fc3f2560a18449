"""A local Telegram Bot API: a real HTTP server for tests, benchmarks and the terminal chat of local mode."""

from taskbot.localapi.api import Call, FakeBotApi
from taskbot.localapi.errors import ApiError
from taskbot.localapi.harness import polling
from taskbot.localapi.limits import FloodLimits
from taskbot.localapi.methods import ApiStats, BotEvent

__all__ = ["ApiError", "ApiStats", "BotEvent", "Call", "FakeBotApi", "FloodLimits", "polling"]
