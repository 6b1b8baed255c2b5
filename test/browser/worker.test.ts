import { describe, expect, it } from 'vitest';
import { pattern } from '../support/pattern.js';
import { protocols, serverRecord, testId } from './support.js';

type Message =
  | { type: 'progress'; percent: number | undefined }
  | { type: 'done'; status: number; body: { bytes: number } }
  | { type: 'failed'; name: string; message: string };

/** Runs the README's worker example on one file; resolves with every message the page got, the last one final. */
function uploadInWorker(url: string, file: File): Promise<Message[]> {
  const worker = new Worker(new URL('./upload-worker.ts', import.meta.url), { type: 'module' });
  const messages: Message[] = [];
  return new Promise<Message[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no final message after ${JSON.stringify(messages)}`)), 20_000);
    worker.onerror = (event) => reject(new Error(event.message));
    worker.onmessage = ({ data }: MessageEvent<Message>) => {
      messages.push(data);
      if (data.type === 'progress') return;
      clearTimeout(timer);
      resolve(messages);
    };
    worker.postMessage({ url, file });
  }).finally(() => worker.terminate());
}

describe('in a dedicated worker (the README example)', () => {
  it.each(protocols)('uploads a file over $protocol and posts its progress to the page', async ({ origin }) => {
    const id = testId();
    const size = 3_000_000;
    const file = new File([pattern(size) as BlobPart], 'photo.bin');
    const messages = await uploadInWorker(`${origin}/upload?id=${id}`, file);
    expect(messages.at(-1)).toMatchObject({ type: 'done', status: 200, body: { bytes: size } });
    const percents = messages.flatMap((message) => (message.type === 'progress' ? [message.percent] : []));
    expect(percents.at(-1)).toBe(100);
    expect(percents).toEqual([...percents].sort((a, b) => (a ?? 0) - (b ?? 0)));
    expect(await serverRecord(origin, id)).toMatchObject({ bytesReceived: size, requestComplete: true });
  });
});
