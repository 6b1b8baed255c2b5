/**
 * What runs inside the benchmark page. Each function is sent to the page as source text (Playwright serializes it),
 * so it may use nothing from this module's scope: only its argument and `window.rxTransfer`.
 */
import type { transferStages as TransferStages } from '../dist/index.js';

/** The arguments every page job receives. */
export interface PageJob {
  readonly url: string;
  readonly size: number;
}

type PageGlobal = typeof globalThis & { rxTransfer: { transferStages: typeof TransferStages } };

/** Raw fetch, its body read to the end in a reader loop; resolves with the bytes read. */
export async function rawDownload({ url }: PageJob): Promise<number> {
  const response = await fetch(url);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let bytes = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) bytes += next.value.byteLength;
  return bytes;
}

/** rx-transfer with every stage subscribed and default sampling, the body read and dropped. */
export function rxDownload({ url }: PageJob): Promise<number> {
  const stages = (globalThis as PageGlobal).rxTransfer.transferStages({ url, responseType: 'none' });
  return new Promise((resolve, reject) => {
    const ignore = () => undefined;
    stages.start$.subscribe(ignore);
    stages.headers$.subscribe(ignore);
    stages.downloadProgress$.subscribe(ignore);
    stages.result$.subscribe(ignore);
    stages.events$.subscribe({ error: reject });
    stages.complete$.subscribe((event) => resolve(event.downloaded));
  });
}

/** Raw fetch with a streamed body of `size` bytes in 64 KiB views (one buffer, made once per page). */
export async function rawUpload({ url, size }: PageJob): Promise<number> {
  const page = globalThis as typeof globalThis & { uploadBytes?: Uint8Array };
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
  const response = await fetch(url, { method: 'POST', body, duplex: 'half' } as RequestInit);
  return ((await response.json()) as { bytes: number }).bytes;
}

/** rx-transfer uploading the same bytes (streamed on HTTP/2), every stage subscribed. */
export function rxUpload({ url, size }: PageJob): Promise<number> {
  const page = globalThis as PageGlobal & { uploadBytes?: Uint8Array };
  page.uploadBytes ??= new Uint8Array(size).fill(7);
  const stages = page.rxTransfer.transferStages<{ bytes: number }>({ url, method: 'POST', body: page.uploadBytes });
  return new Promise((resolve, reject) => {
    const ignore = () => undefined;
    stages.start$.subscribe(ignore);
    stages.uploadProgress$.subscribe(ignore);
    stages.sent$.subscribe(ignore);
    stages.headers$.subscribe(ignore);
    stages.events$.subscribe({ error: reject });
    stages.complete$.subscribe((event) => {
      if (event.timings.sent === undefined || event.uploaded !== size) reject(new Error('upload not streamed whole'));
      resolve(event.body.bytes);
    });
  });
}
