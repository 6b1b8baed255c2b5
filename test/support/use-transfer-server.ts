import { Agent, type Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { afterAll, beforeAll } from 'vitest';
import { startTransferServer, type TransferServer } from '../../scripts/server/transfer-server.ts';

/** One face of the real test server, and how its records name the protocol. */
export interface ServerFace {
  readonly protocol: 'HTTP/1.1' | 'HTTP/2';
  readonly recorded: '1.1' | '2';
  readonly origin: () => string;
}

/**
 * Starts the real test server (scripts/server/) for the calling test file and stops it after; returns a getter for
 * it and its two faces. Meanwhile Node's fetch goes through an undici `Agent` that speaks HTTP/2 where the server
 * offers it and trusts the run-time certificate: Node's own global dispatcher speaks HTTP/1.1 only.
 */
export function useTransferServer(): { server: () => TransferServer; faces: readonly ServerFace[] } {
  let server: TransferServer | undefined;
  let previous: Dispatcher | undefined;
  let agent: Agent | undefined;
  beforeAll(async () => {
    server = await startTransferServer({ lifetimeMs: 5 * 60_000 });
    previous = getGlobalDispatcher();
    agent = new Agent({ allowH2: true, connect: { rejectUnauthorized: false } });
    setGlobalDispatcher(agent);
  });
  afterAll(async () => {
    if (previous !== undefined) setGlobalDispatcher(previous);
    await agent?.destroy();
    await server?.close();
  });
  const get = () => {
    if (server === undefined) throw new Error('the server is started in beforeAll');
    return server;
  };
  return {
    server: get,
    faces: [
      { protocol: 'HTTP/1.1', recorded: '1.1', origin: () => get().http1 },
      { protocol: 'HTTP/2', recorded: '2', origin: () => get().http2 },
    ],
  };
}
