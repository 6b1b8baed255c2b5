import { type AccessLogEntry, readAccessLog } from '../../scripts/nginx/read-access-log.ts';
import { sleep } from './collect.js';

/** An upload that nginx kept: what a GET of it answered, and the statuses its PUTs were logged with. */
export interface StoredUpload {
  readonly path: string;
  readonly status: number;
  readonly bytes: number;
  readonly logged: number[];
}

/** What nginx made of a set of PUTs. */
export interface UploadsSeen {
  /** The paths a GET finds, or whose PUT was logged 201 or 204. */
  readonly stored: StoredUpload[];
  /** How many PUTs were logged with each status (a cancelled one: 400 or 499). */
  readonly statuses: Record<number, number>;
  /** Paths with no PUT in the log after the wait (the request never reached nginx whole enough to log). */
  readonly unlogged: string[];
  /** The protocols the PUTs came over, each once (`HTTP/2.0`, `HTTP/1.1`). */
  readonly protocols: string[];
}

/** How long nginx may take to log the PUTs after the clients have let go of them. */
const SETTLE_MS = 1_500;

/**
 * Which of the uploads to `paths` nginx stored. Waits (bounded) until every PUT is logged, so
 * that none still under way can be stored after the look, then GETs each path on `origin`.
 *
 * @param logOrigin - an origin of the same instance whose access log Node and the page can read
 */
export async function storedUploads(origin: string, logOrigin: string, paths: readonly string[]): Promise<UploadsSeen> {
  const deadline = Date.now() + SETTLE_MS;
  let puts = await putsTo(logOrigin, paths);
  while (puts.size < paths.length && Date.now() < deadline) {
    await sleep(50);
    puts = await putsTo(logOrigin, paths);
  }
  const stored: StoredUpload[] = [];
  const statuses: Record<number, number> = {};
  for (const path of paths) {
    const logged = (puts.get(path) ?? []).map((entry) => entry.status);
    for (const status of logged) statuses[status] = (statuses[status] ?? 0) + 1;
    const response = await fetch(`${origin}${path}`, { cache: 'no-store' });
    const bytes = (await response.arrayBuffer()).byteLength;
    if (response.status !== 404 || logged.some((status) => status === 201 || status === 204)) {
      stored.push({ path, status: response.status, bytes, logged });
    }
  }
  const protocols = [...new Set([...puts.values()].flat().map((entry) => entry.protocol))];
  return { stored, statuses, unlogged: paths.filter((path) => !puts.has(path)), protocols };
}

async function putsTo(logOrigin: string, paths: readonly string[]): Promise<Map<string, AccessLogEntry[]>> {
  const wanted = new Set(paths);
  const puts = new Map<string, AccessLogEntry[]>();
  for (const entry of await readAccessLog(logOrigin)) {
    if (entry.method !== 'PUT' || !wanted.has(entry.uri)) continue;
    puts.set(entry.uri, [...(puts.get(entry.uri) ?? []), entry]);
  }
  return puts;
}
