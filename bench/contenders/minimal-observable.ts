/**
 * The least an observable over fetch can do and still keep rx-transfer's basic promises: cold, abortable
 * by unsubscribing (a signal on fetch), events for start, headers, each chunk and completion, the body read
 * with a reader (its chunks kept, not joined). No options, validation, sampling, totals or errors of its own: a
 * floor for the comparison.
 */
import { Observable } from 'rxjs';

function minimalObservable(url: string): Observable<{ type: string; bytes: number }> {
  return new Observable((subscriber) => {
    const controller = new AbortController();
    let done = false;
    const run = async () => {
      await undefined;
      subscriber.next({ type: 'start', bytes: 0 });
      const response = await fetch(url, { signal: controller.signal });
      subscriber.next({ type: 'headers', bytes: 0 });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const chunks: Uint8Array[] = [];
      let bytes = 0;
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        chunks.push(next.value);
        bytes += next.value.byteLength;
        subscriber.next({ type: 'download-progress', bytes });
      }
      subscriber.next({ type: 'complete', bytes });
    };
    run().then(
      () => {
        done = true;
        subscriber.complete();
      },
      (error: unknown) => {
        done = true;
        subscriber.error(error);
      },
    );
    return () => {
      if (!done) controller.abort();
    };
  });
}

export const small = (url: string): Promise<number> =>
  new Promise((resolve, reject) => {
    let bytes = 0;
    minimalObservable(url).subscribe({
      next: (event) => {
        bytes = event.bytes;
      },
      error: reject,
      complete: () => resolve(bytes),
    });
  });
