#!/usr/bin/env bash
# Install taskbot with its test tools into .venv (first time only) and run lint and the test suite.
source "$(dirname "$0")/_venv.sh" dev
.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench
exec .venv/bin/python -m pytest "$@"
