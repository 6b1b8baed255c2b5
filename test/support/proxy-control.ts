import { createServer } from 'node:http';
import { closeServer, listenLocal } from '../../scripts/server/listen-local.ts';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';

/** A running {@link startProxyControl} server. */
export interface ProxyControl {
  /** Its origin, e.g. `http://127.0.0.1:40123`. */
  readonly origin: string;
  /** Closes it and every proxy it started. */
  close(): Promise<void>;
}

/**
 * A small HTTP server on 127.0.0.1 through which a page starts {@link startFaultProxy} proxies (the
 * page cannot open sockets): `POST /proxies?target=<origin>&at=<offset,…>&mode=cut|stall` answers
 * `{ origin }` of a new proxy to `target`, a server on 127.0.0.1, that cuts or stalls the connections
 * whose bytes from the page, counted over all connections, reach each of `at`; `GET /proxies/<port>`
 * answers its report. Any origin may call it (CORS); every proxy is closed with it.
 */
export async function startProxyControl(): Promise<ProxyControl> {
  const proxies = new Map<string, FaultProxy>();
  const server = createServer((request, response) => {
    response.setHeader('access-control-allow-origin', '*');
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const target = url.searchParams.get('target') ?? '';
    if (request.method === 'POST' && url.pathname === '/proxies') {
      if (new URL(target).hostname !== '127.0.0.1') return reply(400, { error: 'targets are on 127.0.0.1 only' });
      const at = (url.searchParams.get('at') ?? '').split(',').filter(Boolean).map(Number);
      const mode = url.searchParams.get('mode') === 'stall' ? 'stall' : 'cut';
      void startFaultProxy(target, { direction: 'up', count: 'all', at, mode }).then((proxy) => {
        proxies.set(new URL(proxy.origin).port, proxy);
        reply(200, { origin: proxy.origin });
      });
      return;
    }
    const proxy = proxies.get(url.pathname.split('/')[2] ?? '');
    if (request.method === 'GET' && proxy !== undefined) return reply(200, proxy.report());
    reply(404, { error: 'no such route' });
  });
  const port = await listenLocal(server);
  return {
    origin: `http://127.0.0.1:${port}`,
    async close() {
      const closed = closeServer(server);
      server.closeAllConnections();
      await Promise.all([...proxies.values()].map((proxy) => proxy.close()));
      await closed;
    },
  };
}
