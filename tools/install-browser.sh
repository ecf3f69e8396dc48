#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (tests/browser), if it is missing.
#
# Idempotent: does nothing when /usr/bin/chromium exists. Needs root (as in CI) to install;
# otherwise it says what to run. The Python package `playwright` comes from pyproject's dev
# extras; never run `playwright install`: it downloads its own browser, which is not wanted here.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    echo "install-browser: $CHROMIUM is present: $("$CHROMIUM" --version 2>/dev/null || echo unknown version)"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO=sudo
    else
        echo "install-browser: $CHROMIUM is missing and this is not root." >&2
        echo "install-browser: run: sudo apt-get update && sudo apt-get install -y chromium" >&2
        echo "install-browser: (without it the browser tests are skipped)" >&2
        exit 1
    fi
else
    SUDO=
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: no apt-get here; install Chromium as $CHROMIUM by hand." >&2
    exit 1
fi

echo "install-browser: installing Debian's chromium…"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium
"$CHROMIUM" --version
