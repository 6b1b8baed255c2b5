import type { TransferOptions } from './options.js';

/**
 * The absolute URL ky will request, resolved as ky does (`prefix` joined, then resolved
 * against `baseUrl` or the page), or `undefined` when it does not parse. Search params are
 * left out: only the origin and path matter to the callers.
 */
export function resolveUrl(options: TransferOptions): URL | undefined {
  const page = (globalThis as { location?: { href: string } }).location?.href;
  try {
    const base = options.baseUrl === undefined ? page : new URL(String(options.baseUrl), page).href;
    const prefix = options.prefix === undefined ? '' : String(options.prefix).replace(/\/+$/, '');
    const input = String(options.url);
    return new URL(prefix === '' ? input : `${prefix}/${input.replace(/^\/+/, '')}`, base);
  } catch {
    return undefined;
  }
}
