/**
 * rx-transfer as an application uses it: every stage of one `transferStages` exchange subscribed. Shared by the
 * Node contender and the Chromium page (bundled into it by `bench/browser-entry.ts`).
 */
import type { CompleteEvent, TransferStages } from '../dist/index.js';

const ignore = () => undefined;

/** Subscribes every stage of `stages`; resolves with the `complete` event, rejects with the exchange's error. */
export function allStages<T>(stages: TransferStages<T>): Promise<CompleteEvent<T>> {
  return new Promise((resolve, reject) => {
    stages.start$.subscribe(ignore);
    stages.uploadProgress$.subscribe(ignore);
    stages.sent$.subscribe(ignore);
    stages.headers$.subscribe(ignore);
    stages.downloadProgress$.subscribe(ignore);
    stages.result$.subscribe(ignore);
    stages.events$.subscribe({ error: reject });
    stages.complete$.subscribe(resolve);
  });
}
