"""PostgreSQL specifics of the store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from taskbot.config import load_settings
from taskbot.runtime import build_runtime
from taskbot.store.db import StoreError, current_revision, head_revision, make_engine
from tests.conftest import empty_postgres_settings


@pytest.mark.postgres
def test_an_unreachable_server_is_a_one_line_error_without_the_password() -> None:
    settings = load_settings(database={"url": "postgresql+psycopg://taskbot:s3cret@127.0.0.1:1/taskbot"})
    with pytest.raises(StoreError) as info:
        build_runtime(settings)
    message = str(info.value)
    assert "127.0.0.1:1" in message and "s3cret" not in message and "\n" not in message


@pytest.mark.postgres
def test_replicas_upgrading_an_empty_database_together_all_succeed(postgres_url: str, tmp_path: Path) -> None:
    """Three `taskbot db upgrade` at once on an empty database: the advisory lock serialises them."""
    url = empty_postgres_settings(postgres_url).database.url
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKBOT_")}
    env["TASKBOT_DATABASE__URL"] = url
    command = [sys.executable, "-m", "taskbot", "db", "upgrade"]
    processes = [
        subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    outcomes = [(p.wait(timeout=120), p.stderr.read().decode() if p.stderr else "") for p in processes]
    for process in processes:
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
    assert [code for code, _ in outcomes] == [0, 0, 0], outcomes
    engine = make_engine(url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
