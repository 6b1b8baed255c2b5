#!/usr/bin/env bash
# Ensure Debian's Chromium is installed at /usr/bin/chromium. Vitest browser mode
# (@vitest/browser-playwright) launches it via launchOptions.executablePath;
# Playwright's own browser download is not used (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1).
# No extra fonts are needed: chromium's deps pull in fontconfig + fonts-dejavu-core,
# which is enough for headless rendering and failure screenshots.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
# shellcheck source=scripts/apt-install.sh
source "$(dirname "$0")/apt-install.sh"

if [ -x "$CHROMIUM" ]; then
  "$CHROMIUM" --version 2>/dev/null # the Debian wrapper may print a harmless /dev/shm check error
  exit 0
fi

apt_install chromium "$CHROMIUM"
"$CHROMIUM" --version 2>/dev/null
