import { BadRequest } from './bad-request.ts';

/** The non-negative integer query parameter `name`, or `undefined` when absent. */
export function optionalInt(url: URL, name: string): number | undefined {
  const text = url.searchParams.get(name);
  if (text === null || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new BadRequest(`${name} must be a non-negative integer`);
  return value;
}

/** The non-negative integer query parameter `name`, or `fallback` when absent. */
export function intOr(url: URL, name: string, fallback: number): number {
  return optionalInt(url, name) ?? fallback;
}

/** The positive integer query parameter `name` (a rate, a size), or `undefined` when absent. */
export function optionalPositive(url: URL, name: string): number | undefined {
  const value = optionalInt(url, name);
  if (value === 0) throw new BadRequest(`${name} must be positive`);
  return value;
}

/** Whether the flag `name` is set to `1`. */
export function flag(url: URL, name: string): boolean {
  return url.searchParams.get(name) === '1';
}
