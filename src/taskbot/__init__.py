"""taskbot: bulletin directives to supervised tasks, reported on in Telegram."""

__version__ = "0.1.0"
