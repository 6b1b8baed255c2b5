import { inject } from 'vitest';

/** Both faces of the real test server: plain HTTP/1.1, and HTTPS with HTTP/2. */
export const protocols = [
  { protocol: 'HTTP/1.1', origin: inject('http1') },
  { protocol: 'HTTP/2', origin: inject('http2') },
] as const;

/** A fresh id under which the server records what it saw of one request. */
export const testId = (): string => crypto.randomUUID();

/** What the server recorded of one request. */
export interface ServerRecord {
  path: string;
  protocol: '1.1' | '2';
  bytesReceived: number;
  requestComplete: boolean;
  clientAborted: boolean;
  responseComplete: boolean;
  bytesSent: number;
  timedOut?: boolean;
}

/** Asks the server for its record of `id`, optionally waiting (bounded) until it is aborted or complete. */
export async function serverRecord(origin: string, id: string, wait?: 'aborted' | 'complete'): Promise<ServerRecord> {
  const query = wait === undefined ? '' : `?wait=${wait}&timeout=10000`;
  const response = await fetch(`${origin}/records/${id}${query}`);
  if (!response.ok) throw new Error(`no record for ${id}: ${response.status}`);
  return (await response.json()) as ServerRecord;
}
