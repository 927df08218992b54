#!/usr/bin/env bash
# Set up and serve the dashboard at http://localhost:5006/app (bound to 127.0.0.1).
# Usage: bash scripts/serve.sh [--port N] [--address A]
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
exec .venv/bin/python -m dashboard "$@"
