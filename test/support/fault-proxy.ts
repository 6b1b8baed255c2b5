import { connect, createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeServer, listenLocal } from '../../scripts/server/listen-local.ts';

/** What a {@link FaultProxy} has done so far. */
export interface FaultProxyReport {
  /** Connections accepted. */
  readonly connections: number;
  /** Connections cut (or stalled, in `stall` mode). */
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

/** Where and how a {@link FaultProxy} fails connections. */
export interface CutPlan {
  /** Which bytes count: the client's (`up`, a request failed mid-body) or the server's (`down`, a response failed). */
  readonly direction: 'up' | 'down';
  /**
   * One offset per cut, in order; each connection is cut once. With `count: 'each'`, a connection is cut once the
   * bytes it has carried in `direction` would pass the next offset not yet used (so the k-th connection to get that
   * far is cut at the k-th). With `count: 'all'`, offsets ascend, and the connection whose bytes bring the total
   * over all connections to the next offset is cut there, even if it then has nothing more to send.
   */
  readonly at: readonly number[];
  /** How offsets are counted: per connection (`each`), or over all connections together (`all`); default `each`. */
  readonly count?: 'each' | 'all';
  /**
   * What a cut does after passing the bytes up to its offset: `cut` resets the connection both ways (a connection lost
   * mid-request or mid-response); `stall` passes nothing more in `direction`, while the other way flows on, until one
   * side closes the connection (a network that stops moving). Default `cut`.
   */
  readonly mode?: 'cut' | 'stall';
  /** Milliseconds between the last byte let through and a `down` cut (a reader takes what arrived); default 0. */
  readonly lingerMs?: number;
  /** Called with the cut's index as each cut begins, before the client sees it. */
  readonly onCut?: (index: number) => void;
}

/** Bytes that one direction passed on: per connection, and over all of them. */
interface Tally {
  readonly each: number[];
  all: number;
}

/**
 * Starts a TCP proxy on 127.0.0.1 (a free port) to the server at `target` (`http(s)://127.0.0.1:<port>`) that cuts
 * or stalls connections as `plan` says; every other connection, and each before its cut, passes through untouched.
 * A number `plan` cuts the first `cuts` connections (default 1) to carry more than that many bytes from the client.
 */
export async function startFaultProxy(target: string, plan: number | CutPlan, cuts = 1): Promise<FaultProxy> {
  const { protocol, hostname, port } = new URL(target);
  const relay = faultyRelay(
    typeof plan === 'number' ? { direction: 'up', at: Array.from({ length: cuts }, () => plan) } : plan,
  );
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('close', () => sockets.delete(socket));
    }
    relay.join(client, upstream);
  });
  const proxyPort = await listenLocal(server);
  let closing: Promise<void> | undefined;
  return {
    origin: `${protocol}//127.0.0.1:${proxyPort}`,
    report: relay.report,
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

/** Relays each connection joined to it both ways, cutting them as `plan` says; reports what it did. */
function faultyRelay(plan: CutPlan) {
  const { direction, at, count = 'each', mode = 'cut', lingerMs = 0, onCut } = plan;
  const up: Tally = { each: [], all: 0 };
  const down: Tally = { each: [], all: 0 };
  let cuts = 0;
  /** The length of `chunk` that passes before the next cut, or `undefined` when it all passes. */
  const cutWithin = (passed: number, chunk: Buffer): number | undefined => {
    const offset = at[cuts];
    const end = passed + chunk.byteLength;
    if (offset === undefined || end < offset || (end === offset && count === 'each')) return undefined;
    return offset - passed;
  };
  const join = (client: Socket, upstream: Socket) => {
    const index = up.each.push(0) - 1;
    down.each.push(0);
    let cut = false;
    let stalled = false;
    const pass = (tally: Tally, bytes: number) => {
      tally.each[index] = (tally.each[index] ?? 0) + bytes;
      tally.all += bytes;
    };
    const cutHere = (from: Socket, to: Socket, chunk: Buffer, keep: number) => {
      from.pause();
      onCut?.(cuts);
      cuts++;
      if (mode === 'stall') {
        stalled = true;
        to.write(chunk.subarray(0, keep));
        return;
      }
      cut = true;
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
    const relay = (from: Socket, to: Socket, tally: Tally, cutting: boolean) => {
      from.on('data', (chunk: Buffer) => {
        if (cut || (cutting && stalled)) return;
        const passed = count === 'all' ? tally.all : (tally.each[index] ?? 0);
        const keep = cutting ? cutWithin(passed, chunk) : undefined;
        pass(tally, keep ?? chunk.byteLength);
        if (keep !== undefined) return cutHere(from, to, chunk, keep);
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
      });
    };
    relay(client, upstream, up, direction === 'up');
    relay(upstream, client, down, direction === 'down');
    client.once('end', () => upstream.end());
    upstream.once('end', () => cut || client.end());
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => cut || client.destroy());
  };
  const report = (): FaultProxyReport => ({
    connections: up.each.length,
    cuts,
    forwarded: [...up.each],
    returned: [...down.each],
  });
  return { join, report };
}
