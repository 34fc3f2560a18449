"""The python-telegram-bot Application: one handler module per command group, each with register(app)."""
