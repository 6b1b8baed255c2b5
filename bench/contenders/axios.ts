/** axios 1 on its fetch adapter (the one that streams), with progress callbacks for the big bodies. */
import axios from 'axios';
import { drain } from './raw-fetch.ts';

const noProgress = () => undefined;

export async function download(url: string): Promise<number> {
  const options = { adapter: 'fetch', responseType: 'stream', onDownloadProgress: noProgress } as const;
  return drain((await axios.get<ReadableStream<Uint8Array>>(url, options)).data);
}

export const upload = async (url: string, bytes: Uint8Array): Promise<number> =>
  (await axios.post<{ bytes: number }>(url, bytes, { adapter: 'fetch', onUploadProgress: noProgress })).data.bytes;

export const small = async (url: string): Promise<number> =>
  (await axios.get<ArrayBuffer>(url, { adapter: 'fetch', responseType: 'arraybuffer' })).data.byteLength;
