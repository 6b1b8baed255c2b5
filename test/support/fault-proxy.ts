import { connect, createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeServer, listenLocal } from '../../scripts/server/listen-local.ts';

/** What a {@link FaultProxy} has done so far. */
export interface FaultProxyReport {
  /** Connections accepted. */
  readonly connections: number;
  /** Connections cut. */
  readonly cuts: number;
  /** Bytes from client to server that each connection passed on, in the order they were accepted. */
  readonly forwarded: readonly number[];
  /** Bytes from server to client that each connection passed on, in the order they were accepted. */
  readonly returned: readonly number[];
}

/** A TCP proxy on 127.0.0.1 in front of one server. */
export interface FaultProxy {
  /** The proxy's own origin, with the target's scheme (TLS passes through it untouched): `http://127.0.0.1:<port>`. */
  readonly origin: string;
  report(): FaultProxyReport;
  /** Stops listening and destroys every connection; safe to call more than once. */
  close(): Promise<void>;
}

/** Where a {@link FaultProxy} cuts connections. */
export interface CutPlan {
  /** Which bytes count: the client's (`up`, a request cut mid-body) or the server's (`down`, a response cut). */
  readonly direction: 'up' | 'down';
  /**
   * One offset per cut, in order: a connection is cut once the bytes it has carried in `direction` pass the next
   * offset not yet used (so the k-th connection to get that far is cut at the k-th); each connection is cut once.
   */
  readonly at: readonly number[];
  /** Milliseconds between the last byte let through and a `down` cut (a reader takes what arrived); default 0. */
  readonly lingerMs?: number;
  /** Called with the cut's index as each cut begins, before the client sees it. */
  readonly onCut?: (index: number) => void;
}

/**
 * Starts a TCP proxy on 127.0.0.1 (a free port) to the server at `target` (`http(s)://127.0.0.1:<port>`) that cuts
 * connections as `plan` says, both ways, with a reset to the client (a connection lost mid-request or mid-response);
 * every other connection, and each before its cut, passes through untouched. A number `plan` cuts the first `count`
 * connections (default 1) to carry more than that many bytes from the client.
 */
export async function startFaultProxy(target: string, plan: number | CutPlan, count = 1): Promise<FaultProxy> {
  const {
    direction,
    at,
    lingerMs = 0,
    onCut,
  } = typeof plan === 'number' ? { direction: 'up', at: Array.from({ length: count }, () => plan) } : plan;
  const { protocol, hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const forwarded: number[] = [];
  const returned: number[] = [];
  let cuts = 0;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
  };
  /** The length of `chunk` that passes before the next cut, or `undefined` when it all passes. */
  const cutWithin = (passed: number, chunk: Buffer): number | undefined => {
    const offset = at[cuts];
    return offset !== undefined && passed + chunk.byteLength > offset ? offset - passed : undefined;
  };
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    track(client);
    track(upstream);
    const index = forwarded.push(0) - 1;
    returned.push(0);
    let cut = false;
    const cutHere = (from: Socket, counts: number[], chunk: Buffer, keep: number) => {
      cut = true;
      from.pause();
      onCut?.(cuts);
      cuts++;
      counts[index] = (counts[index] ?? 0) + keep;
      if (from === client) {
        upstream.write(chunk.subarray(0, keep), () => upstream.destroy());
        client.resetAndDestroy();
        return;
      }
      client.write(chunk.subarray(0, keep), async () => {
        if (lingerMs > 0) await sleep(lingerMs);
        upstream.destroy();
        client.resetAndDestroy();
      });
    };
    const relay = (from: Socket, to: Socket, counts: number[], cutting: boolean) => {
      from.on('data', (chunk: Buffer) => {
        if (cut) return;
        const passed = counts[index] ?? 0;
        const keep = cutting ? cutWithin(passed, chunk) : undefined;
        if (keep !== undefined) return cutHere(from, counts, chunk, keep);
        counts[index] = passed + chunk.byteLength;
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
      });
    };
    relay(client, upstream, forwarded, direction === 'up');
    relay(upstream, client, returned, direction === 'down');
    client.once('end', () => upstream.end());
    upstream.once('end', () => cut || client.end());
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => cut || client.destroy());
  });
  const proxyPort = await listenLocal(server);
  let closing: Promise<void> | undefined;
  return {
    origin: `${protocol}//127.0.0.1:${proxyPort}`,
    report: () => ({ connections: forwarded.length, cuts, forwarded: [...forwarded], returned: [...returned] }),
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
