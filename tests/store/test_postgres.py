"""PostgreSQL specifics of the store."""

from __future__ import annotations

import pytest

from taskbot.config import load_settings
from taskbot.runtime import build_runtime
from taskbot.store.db import StoreError


@pytest.mark.postgres
def test_an_unreachable_server_is_a_one_line_error_without_the_password() -> None:
    settings = load_settings(database={"url": "postgresql+psycopg://taskbot:s3cret@127.0.0.1:1/taskbot"})
    with pytest.raises(StoreError) as info:
        build_runtime(settings)
    message = str(info.value)
    assert "127.0.0.1:1" in message and "s3cret" not in message and "\n" not in message
