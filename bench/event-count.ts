import { transfer } from 'rx-transfer';

/** How many progress events one exchange delivered against how many chunks moved, and whether sampling bounded them. */
export interface EventCount {
  readonly case: string;
  readonly progressInterval: number;
  readonly chunks: number;
  readonly events: number;
  readonly ms: number;
  /** The most a 50 ms sampler may deliver in `ms`: one per interval, plus the first and the final event. */
  readonly bound: number;
}

const INTERVAL = 50;

/** Counts `download-progress` events of a download into a sink (whose writes count the chunks read). */
export async function countDownloadEvents(url: string, progressInterval?: number): Promise<EventCount> {
  let chunks = 0;
  const sink = new WritableStream<Uint8Array>({ write: () => void chunks++ });
  const { events, ms } = await countEvents(
    transfer({ url, sink, ...(progressInterval === undefined ? {} : { progressInterval }) }),
    'download-progress',
  );
  return result('download', progressInterval, chunks, events, ms);
}

/** Counts `upload-progress` events of a streamed upload of `bytes` (in 64 KiB chunks). */
export async function countUploadEvents(
  url: string,
  bytes: Uint8Array,
  progressInterval?: number,
): Promise<EventCount> {
  const options = { url, method: 'POST', body: bytes, ...(progressInterval === undefined ? {} : { progressInterval }) };
  const { events, ms } = await countEvents(transfer(options), 'upload-progress');
  return result('upload', progressInterval, Math.ceil(bytes.byteLength / 65_536), events, ms);
}

function result(kind: string, interval: number | undefined, chunks: number, events: number, ms: number): EventCount {
  const progressInterval = interval ?? INTERVAL;
  const bound = progressInterval === 0 ? chunks : Math.floor(ms / progressInterval) + 2;
  return { case: kind, progressInterval, chunks, events, ms, bound };
}

function countEvents(
  events$: ReturnType<typeof transfer>,
  type: 'download-progress' | 'upload-progress',
): Promise<{ events: number; ms: number }> {
  const start = performance.now();
  let events = 0;
  return new Promise((resolve, reject) =>
    events$.subscribe({
      next: (event) => {
        if (event.type === type) events++;
      },
      error: reject,
      complete: () => resolve({ events, ms: performance.now() - start }),
    }),
  );
}
