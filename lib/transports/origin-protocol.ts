/** What the platform says an origin speaks: `'h1'` (HTTP/1.x), `'h2'` (HTTP/2 or HTTP/3), or unknown. */
export type OriginProtocol = 'h1' | 'h2' | undefined;

const known = new Map<string, 'h1' | 'h2'>();

interface TimingEntry {
  readonly name: string;
  readonly nextHopProtocol?: string;
}

/**
 * The protocol `url`'s origin was last seen to speak, from the performance timeline: the page's
 * navigation entry, or a resource entry of an earlier request to it (cross-origin entries tell
 * only when the server sent `Timing-Allow-Origin`). A plain `http:` origin is HTTP/1.x in every
 * browser (none speaks cleartext HTTP/2). Remembered per origin once learnt, since the timeline's
 * buffer fills up. Outside a browser page or worker, always unknown.
 */
export function originProtocol(url: URL): OriginProtocol {
  const remembered = known.get(url.origin);
  if (remembered !== undefined) return remembered;
  if (url.protocol === 'http:') return 'h1';
  return learnProtocol(url.origin);
}

/** Looks `origin` up in the performance timeline, newest entry first, and remembers what it finds. */
function learnProtocol(origin: string): OriginProtocol {
  const entries = timeline();
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as TimingEntry;
    const protocol = protocolOf(entry.nextHopProtocol);
    if (protocol !== undefined && entry.name.startsWith(origin) && entry.name[origin.length] === '/') {
      known.set(origin, protocol);
      return protocol;
    }
  }
  return undefined;
}

function protocolOf(nextHop: string | undefined): OriginProtocol {
  if (nextHop === undefined || nextHop === '') return undefined;
  return nextHop === 'h2' || nextHop === 'h3' || nextHop.startsWith('h3-') ? 'h2' : 'h1';
}

function timeline(): readonly PerformanceEntry[] {
  const performance = globalThis.performance as Performance | undefined;
  if (typeof performance?.getEntriesByType !== 'function') return [];
  return [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
}

/** Forgets every origin; for tests. */
export function forgetProtocols(): void {
  known.clear();
}
