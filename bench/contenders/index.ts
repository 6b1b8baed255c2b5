/**
 * Which module and export runs each contender of each suite. A job process imports only the one module it
 * needs: a library loaded but unused changed the others' figures (importing axios slowed raw fetch's
 * 256 MiB download from 980 to 830 MiB/s, CPU per MiB from 1.22 to 1.50 ms).
 */
export type Suite = 'download' | 'upload' | 'blob' | 'small' | 'queue';

/** `[module in bench/contenders, export]` per contender name, per suite, in table order. */
export const contenders: Record<Suite, Record<string, readonly [string, string]>> = {
  download: {
    'raw fetch': ['raw-fetch', 'download'],
    'rx-transfer': ['rx-transfer', 'download'],
    'rx-transfer sink': ['rx-transfer', 'downloadIntoSink'],
    'ky progress': ['ky', 'download'],
    'axios (fetch)': ['axios', 'download'],
    'raw fetch, rxjs + ky loaded (reference)': ['raw-fetch-with-deps', 'download'],
    'raw fetch piped to the sink, rxjs + ky loaded (reference)': ['raw-fetch-with-deps', 'downloadIntoSink'],
    'raw fetch again (A/A control)': ['raw-fetch', 'download'],
  },
  upload: {
    'raw fetch': ['raw-fetch', 'upload'],
    'rx-transfer': ['rx-transfer', 'upload'],
    'ky progress': ['ky', 'upload'],
    'axios (fetch)': ['axios', 'upload'],
    'raw fetch, rxjs + ky loaded (reference)': ['raw-fetch-with-deps', 'upload'],
  },
  blob: {
    'fetch(blob.stream())': ['raw-fetch', 'blobStreamUpload'],
    'rx-transfer': ['rx-transfer', 'upload'],
    'fetch(blob)': ['raw-fetch', 'blobUpload'],
    'fetch(blob.stream()) again (A/A control)': ['raw-fetch', 'blobStreamUpload'],
  },
  queue: {
    'raw fetch': ['raw-fetch', 'pool'],
    'rx-transfer': ['rx-transfer', 'pool'],
    'raw fetch, rxjs + ky loaded (reference)': ['raw-fetch-with-deps', 'pool'],
    'raw fetch again (A/A control)': ['raw-fetch', 'pool'],
  },
  small: {
    'raw fetch': ['raw-fetch', 'small'],
    'rx-transfer': ['rx-transfer', 'small'],
    ky: ['ky', 'small'],
    axios: ['axios', 'small'],
    'raw fetch with an AbortSignal, rxjs + ky loaded (reference)': ['raw-fetch-with-deps', 'smallWithSignal'],
    'minimal observable (reference)': ['minimal-observable', 'small'],
    'raw fetch again (A/A control)': ['raw-fetch', 'small'],
  },
};

/** Loads one contender's function. */
export async function loadContender<F>(suite: Suite, name: string): Promise<F> {
  const entry = contenders[suite][name];
  if (entry === undefined) throw new Error(`no contender "${name}" in suite "${suite}"`);
  const module = (await import(`./${entry[0]}.ts`)) as Record<string, F>;
  return module[entry[1]] as F;
}
