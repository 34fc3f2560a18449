"""Store errors, importable without loading SQLAlchemy (the CLI catches them on every command)."""


class StoreError(Exception):
    """The store cannot be opened or migrated; the message is fit to show a user."""


class StoreConfigError(StoreError):
    """The configured store cannot even be tried (unknown kind, driver not installed): a usage error."""
