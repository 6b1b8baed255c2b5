import type { NodeRequest, NodeResponse } from './node-types.ts';

/** Answers a CORS preflight (including Private Network Access) with 204, allowing everything for 10 minutes. */
export function answerPreflight(req: NodeRequest, res: NodeResponse): void {
  req.resume();
  res.statusCode = 204;
  res.setHeader('access-control-allow-methods', '*');
  res.setHeader('access-control-allow-headers', '*');
  res.setHeader('access-control-max-age', '600');
  res.setHeader('access-control-allow-private-network', 'true');
  res.end();
}
