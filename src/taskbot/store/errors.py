"""Store errors, importable without loading SQLAlchemy (the CLI catches them on every command)."""


class StoreError(Exception):
    """The store cannot be opened or migrated; the message is fit to show a user."""


class StoreConfigError(StoreError):
    """``database.url`` cannot be used as configured (a usage error: exit code 2); names no value."""
