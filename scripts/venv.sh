# Sourced by the set-up scripts: create .venv if needed and install the project into it.
# Usage: VENV_EXTRA=test source scripts/venv.sh   (VENV_EXTRA: an optional extra to install)
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".${VENV_EXTRA:+[$VENV_EXTRA]}"
