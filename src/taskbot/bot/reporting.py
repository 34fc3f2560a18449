"""(being built)"""

from telegram.ext import Application


def register(app: Application) -> None:
    """Add this module's handlers to APP."""
