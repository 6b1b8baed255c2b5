import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { forgetTransports } from '../../lib/transports/transport.js';
import { handlers, resetSeen } from './handlers.js';

/** Starts the mocked API for the calling test file; unhandled requests fail the test. */
export function useMockServer() {
  const server = setupServer(...handlers);
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    resetSeen();
    forgetTransports();
  });
  afterAll(() => server.close());
  return server;
}
