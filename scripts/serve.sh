#!/usr/bin/env bash
# Set up and serve the dashboard at http://localhost:5006/app (bound to 127.0.0.1).
# Usage: bash scripts/serve.sh [--port N] [--address A]
set -euo pipefail
cd "$(dirname "$0")/.."

VENV_EXTRA="" source scripts/venv.sh
exec .venv/bin/python -m dashboard "$@"
