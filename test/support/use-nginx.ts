import { Agent, type Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { afterAll, beforeAll } from 'vitest';
import { forgetTransports } from '../../lib/transports/transport.js';
import { type NginxServer, startNginx } from '../../scripts/nginx/start-nginx.ts';

/**
 * Starts one nginx instance (scripts/nginx/start-nginx.ts) for the calling test file and stops
 * it after; returns a getter for it. Meanwhile Node's fetch goes through an undici `Agent` that
 * speaks HTTP/2 where the server offers it and trusts the run-time certificate: Node's own
 * global dispatcher speaks HTTP/1.1 only.
 */
export function useNginx(): () => NginxServer {
  let server: NginxServer | undefined;
  let previous: Dispatcher | undefined;
  let agent: Agent | undefined;
  beforeAll(async () => {
    server = await startNginx({ lifetimeMs: 10 * 60_000 });
    previous = getGlobalDispatcher();
    agent = new Agent({ allowH2: true, connect: { rejectUnauthorized: false } });
    setGlobalDispatcher(agent);
  });
  afterAll(async () => {
    forgetTransports();
    if (previous !== undefined) setGlobalDispatcher(previous);
    await agent?.destroy();
    await server?.close();
  });
  return () => {
    if (server === undefined) throw new Error('nginx is started in beforeAll');
    return server;
  };
}
