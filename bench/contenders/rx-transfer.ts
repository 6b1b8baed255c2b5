/** rx-transfer as an application would use it: every stage subscribed, default sampling. */
import { type TransferOptions, transfer, transferStages } from 'rx-transfer';
import { countingSink } from '../counting-sink.ts';

/** Runs `transferStages` with every stage subscribed; resolves with the bytes moved (downloaded + uploaded). */
function allStages(options: TransferOptions & { responseType?: 'json' | 'none' }): Promise<number> {
  const stages = transferStages(options as TransferOptions & { responseType?: 'json' });
  const ignore = () => undefined;
  return new Promise((resolve, reject) => {
    stages.start$.subscribe(ignore);
    stages.uploadProgress$.subscribe(ignore);
    stages.sent$.subscribe(ignore);
    stages.headers$.subscribe(ignore);
    stages.downloadProgress$.subscribe(ignore);
    stages.result$.subscribe(ignore);
    stages.events$.subscribe({ error: reject });
    stages.complete$.subscribe((event) => resolve(event.downloaded + event.uploaded));
  });
}

export const download = (url: string): Promise<number> => allStages({ url, responseType: 'none' });

/** Into a `WritableStream` sink that counts and drops what it is given. */
export function downloadIntoSink(url: string): Promise<number> {
  const { sink, bytes } = countingSink();
  return new Promise((resolve, reject) =>
    transfer({ url, sink }).subscribe({ complete: () => resolve(bytes()), error: reject }),
  );
}

export const upload = (url: string, bytes: Uint8Array): Promise<number> =>
  allStages({ url, method: 'POST', body: bytes });

export const small = (url: string): Promise<number> =>
  new Promise((resolve, reject) =>
    transfer({ url, responseType: 'arrayBuffer' }).subscribe({
      next: (event) => {
        if (event.type === 'complete') resolve(event.downloaded);
      },
      error: reject,
    }),
  );
