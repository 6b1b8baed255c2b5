/**
 * How the project starts Chromium everywhere (browser tests, the demo's end-to-end test,
 * benchmarks): Debian's package, which scripts/ensure-chromium.sh installs; Playwright's own
 * browser download does not work here. Playwright makes a fresh --user-data-dir itself and
 * refuses one in `args`.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The launch flags; without the background-networking ones this machine's closed network refuses Chromium's own connections. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
