#!/usr/bin/env bash
# Sourced by scripts/ensure-*.sh: `apt_install <package> <path it provides>` installs a Debian
# package when run as root (the log in /tmp, its tail shown on failure), or says what to install
# and fails otherwise; it fails too when the package did not provide the path.
apt_install() {
  local package=$1 path=$2 log
  if [ "$(id -u)" -ne 0 ]; then
    echo "$package is not installed ($path missing). Install it with:" >&2
    echo "  sudo apt-get update && sudo apt-get install $package" >&2
    return 1
  fi
  log=$(mktemp "/tmp/ensure-$package.XXXXXX.log")
  echo "Installing $package with apt-get (log: $log)..."
  if ! {
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update &&
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "$package"
  } >"$log" 2>&1; then
    echo "apt-get failed; last lines of $log:" >&2
    tail -n 30 "$log" >&2
    return 1
  fi
  if [ ! -x "$path" ]; then
    echo "apt-get finished but $path is missing; see $log" >&2
    return 1
  fi
}
