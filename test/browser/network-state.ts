import { cdp } from 'vitest/browser';

/** The figures that leave a connection as it is (no latency, no throttling). */
const UNTHROTTLED = { latency: 0, downloadThroughput: -1, uploadThroughput: -1 };

/**
 * Takes the page offline for requests to `origins` (Chromium only, through the DevTools Protocol): they fail as
 * Chromium fails them offline, and `navigator.onLine` turns false with an `offline` event. Only those origins: the
 * whole-page emulation (`Network.emulateNetworkConditions` with `offline`, what Playwright's `setOffline` sends) also
 * cuts Vitest's own connection to the page, which then hangs. So requests go offline by URL rule
 * (`Network.emulateNetworkConditionsByRule`, which leaves `navigator` alone) and `navigator` by
 * `Network.overrideNetworkState`.
 */
export async function goOffline(origins: readonly string[]): Promise<void> {
  const session = cdp();
  await session.send('Network.enable');
  await session.send('Network.emulateNetworkConditionsByRule', {
    offline: true,
    matchedNetworkConditions: origins.map((origin) => ({ urlPattern: `${origin}/*`, ...UNTHROTTLED })),
  });
  await session.send('Network.overrideNetworkState', { offline: true, ...UNTHROTTLED });
}

/**
 * Undoes {@link goOffline}: requests go out again, and then `navigator.onLine` turns true with an `online` event (in
 * that order: a retry waiting for the event starts at once, and would fail under the rule still in place).
 */
export async function goOnline(): Promise<void> {
  const session = cdp();
  await session.send('Network.emulateNetworkConditionsByRule', { offline: false, matchedNetworkConditions: [] });
  await session.send('Network.overrideNetworkState', { offline: false, ...UNTHROTTLED });
}
