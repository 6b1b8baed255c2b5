/** One moment at which request body bytes were read: `t` ms after the request started, `bytes` read so far. */
export interface Arrival {
  t: number;
  bytes: number;
}

/** The HTTP version a request came over. */
export type Protocol = '1.1' | '2';

/** What the server saw of the latest request carrying one test id. */
export interface TransferRecord {
  id: string;
  /** Path without the query. */
  path: string;
  method: string;
  protocol: Protocol;
  /** How many requests carried this id (the record describes the latest one). */
  requests: number;
  /**
   * The records of the earlier requests with this id, oldest first (the last {@link MAX_EARLIER}), each kept up to
   * date until its request ends: what became of an attempt that a retry followed.
   */
  earlier: TransferRecord[];
  bytesReceived: number;
  /** Request body reads in order; past {@link MAX_ARRIVALS} entries the last one is updated in place. */
  arrivals: Arrival[];
  /** The request body ended normally. */
  requestComplete: boolean;
  /** The client closed the connection or stream before the request body ended or the response finished. */
  clientAborted: boolean;
  /** When the client went away, in ms after the request started. */
  abortedAt?: number;
  /** The server cut the exchange on purpose (`cutAt`, `dropAt`); such a close is not a client abort. */
  serverAborted: boolean;
  /** Response body bytes handed to the connection (after compression). */
  bytesSent: number;
  /** The whole response was written and ended. */
  responseComplete: boolean;
  /**
   * `/drip`: the ms between one byte's write and the next (the first from the headers), by the server's clock: how
   * late a loaded machine ran its timer, for a test that must tell a late server from a client that gave up early.
   */
  dripGaps?: number[];
  /** `/file`: the Range and If-Range the request carried, and the status it was answered with. */
  ranged?: { range: string | null; ifRange: string | null; status: number };
}

/** Bound on {@link TransferRecord.earlier}. */
export const MAX_EARLIER = 20;

/** Bound on {@link TransferRecord.arrivals}, so that huge uploads keep records small. */
export const MAX_ARRIVALS = 10_000;

/** A fresh record for a request that has just started. */
export function newRecord(id: string, path: string, method: string, protocol: Protocol): TransferRecord {
  return {
    id,
    path,
    method,
    protocol,
    requests: 1,
    earlier: [],
    bytesReceived: 0,
    arrivals: [],
    requestComplete: false,
    clientAborted: false,
    serverAborted: false,
    bytesSent: 0,
    responseComplete: false,
  };
}
