// A page of its own (an iframe the test opens and removes): uploads the file its parent describes,
// keeping the upload's URL in IndexedDB, and posts each event to the parent.
import { indexedDbStore, resumableUpload } from '../../lib/resumable/index.js';
import { pattern } from '../support/pattern.js';

/** What the parent asks for: the same bytes, name and lastModified every time make the same File. */
export interface PageUpload {
  endpoint: string;
  protocol: 'tus' | 'ietf';
  size: number;
  name: string;
  lastModified: number;
  database: string;
}

addEventListener('message', ({ data }: MessageEvent<PageUpload>) => {
  const file = new File([pattern(data.size) as Uint8Array<ArrayBuffer>], data.name, {
    lastModified: data.lastModified,
  });
  resumableUpload({
    endpoint: data.endpoint,
    protocol: data.protocol,
    body: file,
    store: indexedDbStore(data.database),
    chunkSize: 1024 * 1024,
    progressInterval: 0,
  }).subscribe({
    next(event) {
      const digest = event.type === 'complete' ? event.headers.get('repr-digest') : undefined;
      const error = event.type === 'retry' ? `${event.error} (${(event.error as Error).cause})` : undefined;
      parent.postMessage({ ...event, headers: undefined, error, digest }, '*');
    },
    error: (error: Error) => parent.postMessage({ type: 'error', name: error.name, message: error.message }, '*'),
  });
});
