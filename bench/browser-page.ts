/**
 * What runs inside the benchmark page. Each function is sent to the page as source text (Playwright serializes it),
 * so it may use nothing from this module's scope: only its argument and `window.rxTransfer`.
 */
import type { createParser as CreateParser } from 'eventsource-parser';
import type { transfer as Transfer, transferStages as TransferStages } from '../dist/index.js';
import type { splitLines as SplitLines } from '../dist/messages/split-lines.js';
import type { allStages as AllStages } from './all-stages.ts';
import type { BlobKind, pageBlob as PageBlob } from './page-blob.ts';

/** The arguments every page job receives. */
export interface PageJob {
  readonly url: string;
  readonly size: number;
  /** Upload the page's Blob or picked File of `size` bytes instead of bytes in memory. */
  readonly blob?: BlobKind;
  /** For a download by rx-transfer: where the body goes (default `'none'`: read and dropped). */
  readonly responseType?: 'none' | 'arrayBuffer';
  /** For a message stream: its format (`url` serves it). */
  readonly format?: 'sse' | 'ndjson';
}

type PageGlobal = typeof globalThis & {
  rxTransfer: {
    transfer: typeof Transfer;
    transferStages: typeof TransferStages;
    allStages: typeof AllStages;
    pageBlob: typeof PageBlob;
    createParser: typeof CreateParser;
    splitLines: typeof SplitLines;
  };
};

/** Raw fetch, its body read to the end in a reader loop; resolves with the bytes read. */
export async function rawDownload({ url }: PageJob): Promise<number> {
  const response = await fetch(url);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let bytes = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) bytes += next.value.byteLength;
  return bytes;
}

/** rx-transfer with every stage subscribed and default sampling, the body read and dropped (or held, as asked). */
export async function rxDownload({ url, responseType = 'none' }: PageJob): Promise<number> {
  const { allStages, transferStages } = (globalThis as PageGlobal).rxTransfer;
  return (await allStages(transferStages({ url, responseType }))).downloaded;
}

/**
 * Raw fetch with a streamed body of `size` bytes: in 64 KiB views of one buffer (made once per page), or with `blob`,
 * `fetch(url, { method: 'POST', body: blob.stream(), duplex: 'half' })`.
 */
export async function rawUpload({ url, size, blob }: PageJob): Promise<number> {
  const page = globalThis as PageGlobal & { uploadBytes?: Uint8Array };
  const init = { method: 'POST', duplex: 'half' };
  if (blob !== undefined) {
    const response = await fetch(url, { ...init, body: page.rxTransfer.pageBlob(blob, size).stream() } as RequestInit);
    return ((await response.json()) as { bytes: number }).bytes;
  }
  page.uploadBytes ??= new Uint8Array(size).fill(7);
  const bytes = page.uploadBytes;
  let offset = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (offset >= bytes.byteLength) return controller.close();
        controller.enqueue(bytes.subarray(offset, offset + 65_536));
        offset += 65_536;
      },
    },
    { highWaterMark: 0 },
  );
  const response = await fetch(url, { ...init, body } as RequestInit);
  return ((await response.json()) as { bytes: number }).bytes;
}

/** rx-transfer uploading the same bytes, Blob or File (streamed on HTTP/2), default options, every stage subscribed. */
export async function rxUpload({ url, size, blob }: PageJob): Promise<number> {
  const page = globalThis as PageGlobal & { uploadBytes?: Uint8Array };
  const { allStages, transferStages, pageBlob } = page.rxTransfer;
  let body: Uint8Array | Blob;
  if (blob === undefined) {
    page.uploadBytes ??= new Uint8Array(size).fill(7);
    body = page.uploadBytes;
  } else body = pageBlob(blob, size);
  const event = await allStages(transferStages<{ bytes: number }>({ url, method: 'POST', body }));
  if (event.timings.sent === undefined || event.uploaded !== size) throw new Error('upload not streamed whole');
  return event.body.bytes;
}

/**
 * A raw reader loop over a message stream: fetch, `getReader()`, a `TextDecoder` and the parser rx-transfer uses
 * (eventsource-parser for SSE; rx-transfer's line splitter and `JSON.parse` for NDJSON); resolves with the messages
 * counted.
 */
export async function rawMessages({ url, format }: PageJob): Promise<number> {
  const { createParser, splitLines } = (globalThis as PageGlobal).rxTransfer;
  let messages = 0;
  const count = () => {
    messages++;
  };
  const parser =
    format === 'sse'
      ? createParser({ onEvent: count })
      : splitLines(
          1 << 20,
          (line) => {
            JSON.parse(line);
            messages++;
          },
          () => new Error('line too long'),
        );
  const response = await fetch(url);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    parser.feed(decoder.decode(next.value, { stream: true }));
  }
  parser.feed(decoder.decode());
  if ('end' in parser) parser.end();
  return messages;
}

/** rx-transfer's `transfer({ url, responseType })` over the same stream; resolves with the `message` events counted. */
export function rxMessages({ url, format }: PageJob): Promise<number> {
  const { transfer } = (globalThis as PageGlobal).rxTransfer;
  return new Promise((resolve, reject) => {
    let messages = 0;
    transfer({ url, responseType: format ?? 'sse' }).subscribe({
      next: (event) => {
        if (event.type === 'message') messages++;
      },
      error: reject,
      complete: () => resolve(messages),
    });
  });
}
