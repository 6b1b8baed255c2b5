// Runs the built package (`rx-transfer` resolves to dist/ through the package's own exports) against a server on
// 127.0.0.1 and prints what it saw as JSON. Plain JavaScript, so that any Node the machine has can run it.
import { createServer } from 'node:http';
import * as built from 'rx-transfer';
import { transferAll } from 'rx-transfer/queue';
import { lastValueFrom, toArray } from 'rxjs';

const { transfer, transferResult } = built;

const server = createServer(async (request, response) => {
  let bytes = 0;
  for await (const chunk of request) bytes += chunk.length;
  if (request.url === '/short') {
    response.writeHead(200, { 'content-length': '100' });
    response.write('cut short', () => response.destroy());
    return;
  }
  if (request.url === '/missing') {
    response.writeHead(404).end('no such thing');
    return;
  }
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ method: request.method, url: request.url, bytes }));
});
server.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const failureOf = (observable) =>
  lastValueFrom(observable).then(
    () => 'no error',
    (error) => ({
      constructorName: error.constructor.name,
      name: error.name,
      stackHead: String(error.stack).split('\n')[0],
      isTransferError: built.isTransferError(error),
    }),
  );

const seen = {
  node: process.version,
  classNames: Object.entries(built)
    .filter(([, value]) => typeof value === 'function' && value.prototype instanceof Error)
    .map(([exported, value]) => [exported, value.name]),
  get: await lastValueFrom(transferResult({ url: `${origin}/get` })),
  upload: await lastValueFrom(
    transfer({ url: `${origin}/upload`, method: 'POST', body: new Uint8Array(300_000) }).pipe(toArray()),
  ).then((events) => ({ types: [...new Set(events.map((event) => event.type))], body: events.at(-1).body })),
  streamUpload: await lastValueFrom(
    transferResult({ url: `${origin}/stream`, method: 'POST', body: new Blob([new Uint8Array(100_000)]).stream() }),
  ),
  throughKy: await lastValueFrom(transferResult({ url: `${origin}/ky`, searchParams: { page: 2 } })),
  truncated: await failureOf(transferResult({ url: `${origin}/short`, responseType: 'text' })),
  httpError: await failureOf(transferResult({ url: `${origin}/missing` })),
  queue: await lastValueFrom(
    transferAll(
      ['/a', '/b', '/missing'].map((path) => ({ key: path, options: { url: `${origin}${path}`, retry: false } })),
      { concurrency: 2 },
    ),
  ).then((summary) => ({ type: summary.type, items: summary.items, failed: summary.failed.map(({ key }) => key) })),
};
server.close();
console.log(JSON.stringify(seen));
