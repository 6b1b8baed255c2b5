import { createServer, type Server } from 'node:net';
import { closeServer, listenLocal } from '../server/listen-local.ts';

/**
 * `count` distinct ports that were free on 127.0.0.1 a moment ago, for a server that cannot
 * listen on port 0 and tell (nginx). All are held at once so that they differ; another process
 * may still take one before the caller binds it, so the caller retries on `EADDRINUSE`.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(servers.map(listenLocal));
  } finally {
    await Promise.all(servers.map(closeServer));
  }
}
