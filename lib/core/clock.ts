/** Epoch milliseconds from a monotonic clock: never goes backwards, unlike `Date.now()`. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
