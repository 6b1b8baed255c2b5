/** ky 2 with its progress callbacks (its defaults otherwise, but no 10 s timeout for the big bodies). */
import ky from 'ky';
import { drain } from './raw-fetch.ts';

const noProgress = () => undefined;

export const download = async (url: string): Promise<number> =>
  drain((await ky.get(url, { timeout: false, onDownloadProgress: noProgress })).body);

export const upload = async (url: string, bytes: Uint8Array): Promise<number> =>
  (
    await ky
      .post(url, { body: bytes as BodyInit, timeout: false, onUploadProgress: noProgress })
      .json<{ bytes: number }>()
  ).bytes;

export const small = async (url: string): Promise<number> => (await ky.get(url).arrayBuffer()).byteLength;
