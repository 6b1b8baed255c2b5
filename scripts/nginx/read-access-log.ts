/** One request as nginx logged it (the `rx_json` format of nginx-config.ts), when it ended. */
export interface AccessLogEntry {
  /** ISO 8601 local time, to the second. */
  time: string;
  /** Seconds since the epoch, to the millisecond. */
  msec: number;
  /** The port of the server that took it: tells the origins apart. */
  port: number;
  /** `HTTP/2.0`, `HTTP/1.1`. */
  protocol: string;
  method: string;
  /** The request target as sent, query included. */
  uri: string;
  /** The status sent; 499 when the client went away first; 444 for a dropped connection. */
  status: number;
  /** Bytes of the request read: request line (or HTTP/2 header frames), headers and body. */
  requestLength: number;
  /** The request's Content-Length header; `''` when it had none. */
  contentLength: string;
  /** `'OK'` when the request was completed, `''` otherwise. */
  completion: string;
  /** The `x-test-id` header, else the `id` query parameter; `''` when neither. */
  id: string;
  /** Seconds from the first byte read to the log write. */
  requestTime: number;
  bytesSent: number;
}

/**
 * Reads and parses an nginx instance's access log over HTTP (`/access-log` on any of its
 * origins), so that browser pages and Node tests read it alike; the log itself is not logged.
 *
 * @param origin - an origin of the instance; the plain `h1` one needs no certificate trust
 */
export async function readAccessLog(origin: string): Promise<AccessLogEntry[]> {
  const response = await fetch(`${origin}/access-log`, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${origin}/access-log answered ${response.status}`);
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AccessLogEntry);
}
