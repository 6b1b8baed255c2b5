#!/usr/bin/env bash
# Ensure Debian's nginx is installed at /usr/sbin/nginx, with the WebDAV and HTTP/2 modules.
# The tests start it themselves (scripts/nginx/start-nginx.ts: a config of their own, in the
# foreground, on 127.0.0.1), so the install must not start the system service: where no
# policy-rc.d forbids it already, one is put in place for the install and removed after.
set -euo pipefail

NGINX=/usr/sbin/nginx
# shellcheck source=scripts/apt-install.sh
source "$(dirname "$0")/apt-install.sh"

check_modules() {
  local flags
  flags=$("$NGINX" -V 2>&1)
  local missing=()
  grep -q -- '--with-http_dav_module' <<<"$flags" || missing+=(http_dav_module)
  grep -q -- '--with-http_v2_module' <<<"$flags" || missing+=(http_v2_module)
  grep -q -- '--with-http_ssl_module' <<<"$flags" || missing+=(http_ssl_module)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "$NGINX lacks ${missing[*]}; the tests need Debian's nginx (apt-get install nginx)" >&2
    exit 1
  fi
  "$NGINX" -v
}

if [ -x "$NGINX" ]; then
  check_modules
  exit 0
fi

POLICY=/usr/sbin/policy-rc.d
if [ "$(id -u)" -eq 0 ] && [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$POLICY"
  chmod +x "$POLICY"
  trap 'rm -f "$POLICY"' EXIT
fi

apt_install nginx "$NGINX"
check_modules
