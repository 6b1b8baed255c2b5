#!/usr/bin/env bash
# Ensure the two other engines of the browser tests are installed from Debian: Firefox ESR
# (driven by puppeteer-core over WebDriver BiDi; no geckodriver needed), and WebKitGTK's
# MiniBrowser with its WebKitWebDriver, which needs an X server: Xvfb (MiniBrowser has no
# headless mode). As root they are installed when missing (about 40 s and 890 MB for the
# three); otherwise it says what to install. scripts/browsers/ holds the Vitest providers.
set -euo pipefail

# shellcheck source=scripts/apt-install.sh
source "$(dirname "$0")/apt-install.sh"

ensure() {
  local package=$1 path=$2
  [ -x "$path" ] || apt_install "$package" "$path"
}

ensure firefox-esr /usr/bin/firefox-esr
ensure webkit2gtk-driver /usr/bin/WebKitWebDriver
ensure xvfb /usr/bin/Xvfb
/usr/bin/firefox-esr --version
