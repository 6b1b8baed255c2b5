/**
 * Runs the transfer server on its own, for the demo and benchmarks:
 * `node scripts/server/main.ts [--lifetime-ms=<ms>]`. Prints one JSON line `{ http1, http2, spki, fingerprint256 }`
 * and runs until SIGINT, SIGTERM or the end of its lifetime (default 15 minutes).
 */
import { parseArgs } from 'node:util';
import { startTransferServer } from './transfer-server.ts';

const { values } = parseArgs({ options: { 'lifetime-ms': { type: 'string' } } });
const lifetimeMs = values['lifetime-ms'] === undefined ? undefined : Number(values['lifetime-ms']);
if (lifetimeMs !== undefined && !(lifetimeMs > 0)) throw new Error('--lifetime-ms must be a positive number');

const server = await startTransferServer(lifetimeMs === undefined ? {} : { lifetimeMs });
const { http1, http2, certificate } = server;
console.log(JSON.stringify({ http1, http2, spki: certificate.spki, fingerprint256: certificate.fingerprint256 }));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close());
