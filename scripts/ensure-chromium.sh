#!/usr/bin/env bash
# Ensure Debian's Chromium is installed at /usr/bin/chromium (used by Vitest
# browser mode via @vitest/browser-playwright with launchOptions.executablePath).
# Playwright's own browser download is not used (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1).
set -euo pipefail

CHROMIUM=/usr/bin/chromium

print_version() {
  "$CHROMIUM" --version 2>/dev/null || echo "chromium installed at $CHROMIUM"
}

if [ -x "$CHROMIUM" ]; then
  print_version
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium not found at $CHROMIUM. Install it with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium fonts-liberation" >&2
  exit 1
fi

LOG=$(mktemp /tmp/ensure-chromium.XXXXXX.log)
echo "Installing chromium via apt (log: $LOG)..."
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update && apt-get install -y --no-install-recommends chromium fonts-liberation; } >"$LOG" 2>&1; then
  echo "apt-get failed; last lines of $LOG:" >&2
  tail -n 30 "$LOG" >&2
  exit 1
fi

if [ ! -x "$CHROMIUM" ]; then
  echo "apt-get succeeded but $CHROMIUM is missing; see $LOG" >&2
  exit 1
fi
print_version
