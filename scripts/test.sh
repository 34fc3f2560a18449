#!/usr/bin/env bash
# Install taskbot with its test tools into .venv (first time only); run lint, the type checker and the tests.
source "$(dirname "$0")/_venv.sh" dev
.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench
.venv/bin/mypy  # src/, with the pydantic plugin ([tool.mypy] in pyproject.toml)
exec .venv/bin/python -m pytest "$@"
