import type { TestProject } from 'vitest/node';
import { startTransferServer } from '../../scripts/server/transfer-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The real test server over plain HTTP/1.1. */
    http1: string;
    /** The same server over HTTPS with HTTP/2. */
    http2: string;
  }
}

/** Starts the real test server (127.0.0.1, port 0) for the browser tests, and stops it after. */
export default async function setup(project: TestProject) {
  const server = await startTransferServer();
  project.provide('http1', server.http1);
  project.provide('http2', server.http2);
  return () => server.close();
}
