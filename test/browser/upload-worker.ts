// The README's worker example, as written there (with the URL passed in): the upload runs off the main thread and
// the page gets plain messages.
import { transfer } from '../../lib/index.js';

self.onmessage = ({ data }: MessageEvent<{ url: string; file: File }>) => {
  transfer({ url: data.url, method: 'PUT', body: data.file }).subscribe({
    next: (event) => {
      if (event.type === 'upload-progress') self.postMessage({ type: 'progress', percent: event.percent });
      if (event.type === 'complete') self.postMessage({ type: 'done', status: event.status, body: event.body });
    },
    error: (error: Error) => self.postMessage({ type: 'failed', name: error.name, message: error.message }),
  });
};
