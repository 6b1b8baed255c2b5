#!/usr/bin/env bash
# Ensure Debian's Chromium is installed at /usr/bin/chromium. Vitest browser mode
# (@vitest/browser-playwright) launches it via launchOptions.executablePath;
# Playwright's own browser download is not used (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1).
# No extra fonts are needed: chromium's deps pull in fontconfig + fonts-dejavu-core,
# which is enough for headless rendering and failure screenshots.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  "$CHROMIUM" --version 2>/dev/null # the Debian wrapper may print a harmless /dev/shm check error
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium is not installed ($CHROMIUM missing). Install it with:" >&2
  echo "  sudo apt-get update && sudo apt-get install chromium" >&2
  exit 1
fi

LOG=$(mktemp /tmp/ensure-chromium.XXXXXX.log)
echo "Installing chromium with apt-get (log: $LOG)..."
export DEBIAN_FRONTEND=noninteractive
if ! {
  apt-get -o DPkg::Lock::Timeout=300 update &&
    apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends chromium
} >"$LOG" 2>&1; then
  echo "apt-get failed; last lines of $LOG:" >&2
  tail -n 30 "$LOG" >&2
  exit 1
fi

if [ ! -x "$CHROMIUM" ]; then
  echo "apt-get finished but $CHROMIUM is missing; see $LOG" >&2
  exit 1
fi
"$CHROMIUM" --version 2>/dev/null
