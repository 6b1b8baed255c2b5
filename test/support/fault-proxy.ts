import { connect, createServer, type Socket } from 'node:net';
import { closeServer, listenLocal } from '../../scripts/server/listen-local.ts';

/** What a {@link FaultProxy} has done so far. */
export interface FaultProxyReport {
  /** Connections accepted. */
  readonly connections: number;
  /** Connections cut (at most `cuts`). */
  readonly cuts: number;
  /** Bytes from client to server that each connection passed on, in the order they were accepted. */
  readonly forwarded: readonly number[];
}

/** A TCP proxy on 127.0.0.1 in front of one server. */
export interface FaultProxy {
  /** The proxy's own origin, with the target's scheme (TLS passes through it untouched): `http://127.0.0.1:<port>`. */
  readonly origin: string;
  report(): FaultProxyReport;
  /** Stops listening and destroys every connection; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Starts a TCP proxy on 127.0.0.1 (a free port) to the server at `target` (`http(s)://127.0.0.1:<port>`). The first
 * `cuts` connections (default 1) to carry more than `cutAfter` bytes from the client are cut there, both ways, with
 * a reset to the client (a connection lost mid-request); every other connection passes through untouched.
 */
export async function startFaultProxy(target: string, cutAfter: number, cuts = 1): Promise<FaultProxy> {
  const { protocol, hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const forwarded: number[] = [];
  let cut = 0;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    track(client);
    track(upstream);
    const index = forwarded.push(0) - 1;
    client.on('data', (chunk: Buffer) => {
      const passed = (forwarded[index] ?? 0) + chunk.byteLength;
      if (cut < cuts && passed > cutAfter) {
        cut++;
        forwarded[index] = cutAfter;
        upstream.write(chunk.subarray(0, chunk.byteLength - (passed - cutAfter)), () => upstream.destroy());
        client.resetAndDestroy();
        return;
      }
      forwarded[index] = passed;
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
    report: () => ({ connections: forwarded.length, cuts: cut, forwarded: [...forwarded] }),
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
