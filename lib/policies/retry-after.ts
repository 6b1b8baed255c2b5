/** Above this, a rate-limit reset is a Unix time in seconds, not a delay (ky's threshold: 2001-09-09). */
const UNIX_TIME = 1e9;

/**
 * The wait a response asks for before another request, in milliseconds, or `undefined` when it
 * names none (or none that parses). `Retry-After` decides when present: delay-seconds, or an HTTP
 * date (RFC 9110). Otherwise the rate-limit headers ky reads, in ky's order: `RateLimit-Reset`,
 * `X-RateLimit-Retry-After`, `X-RateLimit-Reset` (GitHub), `X-Rate-Limit-Reset`; the reset ones are
 * seconds, or a Unix time in seconds when that large. A time in the past waits 0.
 */
export function retryAfter(headers: Headers, now = Date.now()): number | undefined {
  const stated = headers.get('retry-after');
  if (stated !== null) return delayOf(stated, now, false);
  for (const [name, asTime] of [
    ['ratelimit-reset', true],
    ['x-ratelimit-retry-after', false],
    ['x-ratelimit-reset', true],
    ['x-rate-limit-reset', true],
  ] as const) {
    const value = headers.get(name);
    if (value !== null) return delayOf(value, now, asTime);
  }
  return undefined;
}

function delayOf(value: string, now: number, mayBeTime: boolean): number | undefined {
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Math.max(0, mayBeTime && seconds >= UNIX_TIME ? seconds * 1000 - now : seconds * 1000);
  }
  // An HTTP date: IMF-fixdate, or the obsolete RFC 850 and asctime forms, which Date parses too
  // (asctime has no zone: it is GMT, not the local time Date would take it for).
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const time = Date.parse(/ GMT$/.test(text) ? text : `${text} GMT`);
  return Number.isNaN(time) ? undefined : Math.max(0, time - now);
}
