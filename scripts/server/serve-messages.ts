import { BadRequest } from './bad-request.ts';
import { delay, whenAborted } from './delay.ts';
import type { Exchange, HeaderMap } from './exchange.ts';
import { flag, intOr, optionalInt } from './query-params.ts';

const FORMATS = { sse: 'text/event-stream', ndjson: 'application/x-ndjson', lines: 'text/plain' } as const;
type Format = keyof typeof FORMATS;

/** The demo's story, streamed a word per message as a model streams its tokens. */
export const STORY = `Once upon a time a small packet left a server in the night. It crossed routers and queues, lost its way at a busy proxy, and came back by another road. At the end of the wire a page was waiting, and it read the packet word by word, as soon as each one arrived.`;

/** Plain text of message `n`: its number, and characters of two, three and four UTF-8 bytes. */
const textOf = (n: number) => `message ${n} é ✓ 🎉`;

/**
 * `GET|POST /messages?format=sse|ndjson|lines&count=&per=&every=&chunk=&pace=&crlf=1&bom=1&comments=1&multiline=1&ids=1&retry=&event=&story=1&dropAt=&fails=&noContentFrom=&end=close|hang&beat=`:
 * a message stream of messages 1 to `count` (default 10; with `story=1` the words of a short story).
 * A response starts at 1, or for an event stream after the `Last-Event-ID` the request carries, and
 * sends at most `per` of them before it closes normally (default: all that are left). They go out `every` ms apart (default 0: as fast as the connection takes them, in writes of about 16 KiB),
 * or, with `chunk`, cut into writes of `chunk` bytes `pace` ms apart (every byte boundary with `chunk=1`).
 * - SSE: `data: message <n> é ✓ 🎉`, over two `data:` lines with `multiline=1`, with `id: <n>` (`ids=1`),
 *   `event: <name>`, a `: comment` before each (`comments=1`), a first `retry: <ms>` line.
 * - NDJSON: `{"n":<n>,"text":"…"}` per line; lines: the text per line.
 * - `crlf=1` ends lines with `\r\n`, `bom=1` starts the body with a UTF-8 BOM.
 * - `dropAt=<k>`: the first `fails` requests of the test id (default 1) are cut after `k` messages.
 * - `noContentFrom=<r>`: the `r`-th request of the test id and later ones answer 204 (an event stream's end).
 * - `end=hang`: after the messages the response stays open, with a `: beat` comment every `beat` ms
 *   when given, until the client goes away (the record then shows `clientAborted`).
 */
export async function serveMessages(ex: Exchange): Promise<void> {
  const format = (ex.url.searchParams.get('format') ?? 'sse') as Format;
  if (!(format in FORMATS)) throw new BadRequest('format must be sse, ndjson or lines');
  const noContentFrom = optionalInt(ex.url, 'noContentFrom');
  if (noContentFrom !== undefined && ex.record.requests >= noContentFrom) return ex.respond(204, {});
  const lastId = Number(header(ex, 'last-event-id') ?? 0);
  const first = format === 'sse' && Number.isSafeInteger(lastId) ? lastId + 1 : 1;
  const story = flag(ex.url, 'story') ? STORY.split(' ') : undefined;
  const last = Math.min(story ? story.length : intOr(ex.url, 'count', 10), first - 1 + intOr(ex.url, 'per', 1e9));
  const dropAt = ex.record.requests <= intOr(ex.url, 'fails', 1) ? optionalInt(ex.url, 'dropAt') : undefined;
  const render = renderer(format, ex.url, story);
  const headers: HeaderMap = { 'content-type': `${FORMATS[format]}; charset=utf-8` };
  ex.head(200, headers);
  ex.flushHeaders();
  const writer = paced(ex);
  let head = flag(ex.url, 'bom') ? '\u{feff}' : '';
  const retry = optionalInt(ex.url, 'retry');
  if (format === 'sse' && retry !== undefined) head += `retry: ${retry}${lineEnd(ex.url)}${lineEnd(ex.url)}`;
  if (head !== '') await writer.write(head);
  const every = intOr(ex.url, 'every', 0);
  for (let n = first, sent = 0; n <= last && !ex.closed.aborted; n++, sent++) {
    if (sent === dropAt) return drop(ex, writer);
    if (every > 0 && sent > 0) await delay(every, ex.closed);
    await writer.write(render(n));
  }
  if (dropAt !== undefined && dropAt > last - first) return drop(ex, writer);
  await writer.flush();
  if (ex.url.searchParams.get('end') === 'hang') return beat(ex);
  if (!ex.closed.aborted) ex.end();
}

function header(ex: Exchange, name: string): string | undefined {
  const value = ex.req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const lineEnd = (url: URL) => (flag(url, 'crlf') ? '\r\n' : '\n');

/** Renders message `n` with its line ends, in `format`. */
function renderer(format: Format, url: URL, story: string[] | undefined): (n: number) => string {
  const end = lineEnd(url);
  const textAt = (n: number) => (story ? `${story[n - 1]} ` : textOf(n));
  if (format === 'ndjson') return (n) => `${JSON.stringify({ n, text: textAt(n) })}${end}`;
  if (format === 'lines') return (n) => `${textAt(n)}${end}`;
  const event = url.searchParams.get('event');
  const comments = flag(url, 'comments');
  const multiline = flag(url, 'multiline');
  const ids = flag(url, 'ids');
  return (n) => {
    const text = textAt(n);
    const data = multiline ? `data: ${text.slice(0, 9)}${end}data: ${text.slice(9)}` : `data: ${text}`;
    const fields = [
      comments ? `: comment before ${n}${end}` : '',
      event === null ? '' : `event: ${event}${end}`,
      ids ? `id: ${n}${end}` : '',
    ];
    return `${fields.join('')}${data}${end}${end}`;
  };
}

/**
 * Writes text as the query says: with `chunk`, in pieces of that many bytes `pace` ms apart; else
 * gathered into writes of about 16 KiB (when messages come without a pause) or one per message.
 */
function paced(ex: Exchange): { write: (text: string) => Promise<void>; flush: () => Promise<void> } {
  const chunk = optionalInt(ex.url, 'chunk');
  const pace = intOr(ex.url, 'pace', 0);
  const gather = chunk === undefined && intOr(ex.url, 'every', 0) === 0;
  let gathered = '';
  const flush = async () => {
    if (gathered !== '') await ex.write(Buffer.from(gathered));
    gathered = '';
  };
  return {
    async write(text) {
      if (chunk === undefined) {
        gathered += text;
        if (!gather || gathered.length >= 16_384) await flush();
        return;
      }
      const bytes = Buffer.from(text);
      for (let offset = 0; offset < bytes.byteLength && !ex.closed.aborted; offset += chunk) {
        await ex.write(bytes.subarray(offset, offset + chunk));
        if (pace > 0) await delay(pace, ex.closed);
      }
    },
    flush,
  };
}

/** Cuts the connection once what was written has gone out, so that the client has every message before the cut. */
async function drop(ex: Exchange, writer: { flush: () => Promise<void> }): Promise<void> {
  await writer.flush();
  await ex.flushed();
  if (!ex.closed.aborted) ex.endCut();
}

/** Keeps the response open until the client goes, with a comment every `beat` ms when asked. */
async function beat(ex: Exchange): Promise<void> {
  const every = optionalInt(ex.url, 'beat');
  if (every === undefined) return whenAborted(ex.closed);
  while (!ex.closed.aborted) {
    await delay(every, ex.closed);
    await ex.write(Buffer.from(': beat\n'));
  }
}
