import type { AddressInfo, Server } from 'node:net';

/** Listens on 127.0.0.1 at a free port; resolves with the port. */
export function listenLocal(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops `server` from accepting connections; resolves once the open ones are gone (or it was not listening). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
