/** rx-transfer as an application would use it: every stage subscribed, default sampling. */
import { transfer, transferStages } from 'rx-transfer';
import { transferAll } from 'rx-transfer/queue';
import { allStages } from '../all-stages.ts';
import { countingSink } from '../counting-sink.ts';

/** Bytes moved (downloaded + uploaded) by one exchange with every stage subscribed. */
const moved = ({ downloaded, uploaded }: { downloaded: number; uploaded: number }) => downloaded + uploaded;

export const download = (url: string): Promise<number> =>
  allStages(transferStages({ url, responseType: 'none' })).then(moved);

/** Into a `WritableStream` sink that counts and drops what it is given. */
export function downloadIntoSink(url: string): Promise<number> {
  const { sink, bytes } = countingSink();
  return new Promise((resolve, reject) =>
    transfer({ url, sink }).subscribe({ complete: () => resolve(bytes()), error: reject }),
  );
}

/** Bytes in memory or a Blob, with default options (streamed in Node). */
export const upload = (url: string, body: Uint8Array | Blob): Promise<number> =>
  allStages(transferStages({ url, method: 'POST', body })).then(moved);

/** `transferAll` over the URLs, each body read whole (`arrayBuffer`), as the raw pool reads it; the summary's bytes. */
export const pool = (urls: readonly string[], concurrency: number): Promise<number> =>
  new Promise((resolve, reject) => {
    const items = urls.map((url, key) => ({ key, options: { url, responseType: 'arrayBuffer' as const } }));
    transferAll(items, { concurrency }).subscribe({
      next: (event) => {
        if (event.type !== 'summary') return;
        if (event.items.done === urls.length) resolve(event.bytes);
        else reject(new Error(`${event.items.failed} downloads failed: ${String(event.failed[0]?.error)}`));
      },
      error: reject,
    });
  });

export const small = (url: string): Promise<number> =>
  new Promise((resolve, reject) =>
    transfer({ url, responseType: 'arrayBuffer' }).subscribe({
      next: (event) => {
        if (event.type === 'complete') resolve(event.downloaded);
      },
      error: reject,
    }),
  );
