#!/usr/bin/env bash
# Install taskbot into .venv (first time only) and run the bot on the embedded defaults.
# With no token configured it runs in local mode with the sample bulletin imported.
source "$(dirname "$0")/_venv.sh"
exec .venv/bin/taskbot run --demo "$@"
