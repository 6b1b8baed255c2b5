import { connect, createServer, type Socket } from 'node:net';
import { closeServer, listenLocal } from '../../scripts/server/listen-local.ts';

/** What a {@link CutProxy} has done so far. */
export interface CutProxyReport {
  readonly connections: number;
  /** Connections cut, or stalled. */
  readonly faults: number;
  /** Bytes from clients to the server, over every connection. */
  readonly forwarded: number;
}

/** A TCP proxy on 127.0.0.1 in front of one server, that fails connections at given points. */
export interface CutProxy {
  /** The proxy's origin, with the target's scheme (TLS passes through untouched). */
  readonly origin: string;
  report(): CutProxyReport;
  /** Stops listening and destroys every connection; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Starts a TCP proxy on 127.0.0.1 (a free port) to `target`, counting the bytes clients send over
 * all connections together. When the count reaches each of `at` (ascending), the connection that
 * carries it is failed there: `cut` passes the bytes up to the point, then resets it both ways (a
 * connection lost mid-request); `stall` passes them, then forwards nothing more of that connection
 * until its client gives up (a network that stops moving). Unlike the one-cut `fault-proxy.ts`, it
 * fails several connections, so one upload meets several faults.
 */
export async function startCutProxy(
  target: string,
  at: readonly number[],
  mode: 'cut' | 'stall' = 'cut',
): Promise<CutProxy> {
  const { protocol, hostname, port } = new URL(target);
  const points = [...at].sort((a, b) => a - b);
  const sockets = new Set<Socket>();
  let connections = 0;
  let faults = 0;
  let forwarded = 0;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    connections++;
    track(client);
    track(upstream);
    client.on('data', (chunk: Buffer) => {
      const next = points[0];
      if (next !== undefined && forwarded + chunk.byteLength >= next) {
        points.shift();
        faults++;
        const head = chunk.subarray(0, next - forwarded);
        forwarded = next;
        if (mode === 'stall') {
          client.pause();
          upstream.write(head);
          return;
        }
        upstream.write(head, () => upstream.destroy());
        client.resetAndDestroy();
        return;
      }
      forwarded += chunk.byteLength;
      if (!upstream.write(chunk)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
    });
    upstream.pipe(client);
    client.once('end', () => upstream.end());
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  const proxyPort = await listenLocal(server);
  let closing: Promise<void> | undefined;
  return {
    origin: `${protocol}//127.0.0.1:${proxyPort}`,
    report: () => ({ connections, faults, forwarded }),
    close: () => {
      closing ??= (async () => {
        const closed = closeServer(server);
        for (const socket of sockets) socket.destroy();
        await closed;
      })();
      return closing;
    },
  };
}
