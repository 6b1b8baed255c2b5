import { answerPreflight } from './answer-preflight.ts';
import { BadRequest } from './bad-request.ts';
import { applyCommonHeaders } from './common-headers.ts';
import { Exchange } from './exchange.ts';
import type { NodeRequest, NodeResponse } from './node-types.ts';
import type { RecordStore } from './record-store.ts';
import { ResumableUploads } from './resumable-uploads.ts';
import { matchRoute, type Route, routeTable } from './route-table.ts';

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

/**
 * The request handler both listeners share: works with `node:http` and `node:http2` compatibility objects alike.
 * Exchanges in progress are kept in `live` until their response closes.
 */
export function createRequestHandler(
  store: RecordStore,
  live: Set<Exchange>,
  uploads: ResumableUploads = new ResumableUploads(),
): (req: NodeRequest, res: NodeResponse) => void {
  const routes = routeTable(store, uploads);
  return (req, res) => {
    applyCommonHeaders(res);
    if (req.method === 'OPTIONS') return answerPreflight(req, res);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = matchRoute(routes, url.pathname);
    const ex = new Exchange(req, res, url, match?.route.recorded === false ? undefined : store);
    live.add(ex);
    ex.closed.addEventListener('abort', () => live.delete(ex), { once: true });
    dispatch(ex, match).catch((error: unknown) => fail(ex, error));
  };
}

async function dispatch(ex: Exchange, match: { route: Route; params: string[] } | undefined): Promise<void> {
  if (!match) return ex.respond(404, TEXT, `no route for ${ex.url.pathname}`);
  const { route, params } = match;
  if (!route.methods.includes(ex.req.method ?? '')) {
    return ex.respond(405, { ...TEXT, allow: route.methods.join(', ') }, 'method not allowed');
  }
  await route.serve(ex, params);
}

/** Answers 400 for a bad request, 500 otherwise; cuts the exchange if the headers are already out. */
function fail(ex: Exchange, error: unknown): void {
  if (ex.closed.aborted) return;
  if (ex.res.headersSent) {
    ex.reset();
    return;
  }
  const bad = error instanceof BadRequest || error instanceof URIError;
  ex.respond(bad ? 400 : 500, TEXT, error instanceof Error ? error.message : String(error));
}
