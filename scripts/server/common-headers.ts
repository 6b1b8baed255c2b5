import type { NodeResponse } from './node-types.ts';

/**
 * Headers every response carries: permissive CORS, resource timing shown to any page (so that a page
 * can learn the origin's protocol, as rx-transfer does before it streams an upload), and no caching.
 */
export function applyCommonHeaders(res: NodeResponse): void {
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('timing-allow-origin', '*');
  res.setHeader('access-control-expose-headers', '*');
  res.setHeader('cache-control', 'no-store');
}
