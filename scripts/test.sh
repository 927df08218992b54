#!/usr/bin/env bash
# Set up and run the whole test suite, browser tests included, on a fresh machine with
# Python >= 3.11, pip and apt.  Usage: bash scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

VENV_EXTRA=test source scripts/venv.sh

# Browser tests use Debian's Chromium (Playwright's own browser download cannot work offline);
# the proxy test runs the app behind Debian's nginx (deploy/).
PACKAGES=()
[ -x /usr/bin/chromium ] || PACKAGES+=(chromium)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || PACKAGES+=(nginx)
if [ ${#PACKAGES[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${PACKAGES[@]}" >/dev/null
fi

exec .venv/bin/python -m pytest "$@"
