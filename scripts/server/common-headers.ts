import type { NodeResponse } from './node-types.ts';

/** Headers every response carries: permissive CORS, and no caching. */
export function applyCommonHeaders(res: NodeResponse): void {
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-expose-headers', '*');
  res.setHeader('cache-control', 'no-store');
}
