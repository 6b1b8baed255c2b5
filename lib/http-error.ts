import { HTTPError, type NormalizedOptions } from 'ky';

/**
 * ky's `HTTPError` for a non-2xx response, with `data` set to the body's text, read up to
 * `maxBytes` (the rest is cancelled, never downloaded). Status and headers are on `response`.
 */
export async function httpErrorFor(
  response: Response,
  request: Request,
  options: Readonly<NormalizedOptions>,
  maxBytes: number,
): Promise<HTTPError<string>> {
  const error = new HTTPError<string>(response, request, options);
  error.data = await readTextPrefix(response.body, maxBytes);
  return error;
}

async function readTextPrefix(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<string> {
  if (body === null) return '';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let read = 0;
  try {
    while (read < maxBytes) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      const kept = value.subarray(0, maxBytes - read);
      read += kept.byteLength;
      text += decoder.decode(kept, { stream: true });
    }
    return text + decoder.decode();
  } catch {
    return text + decoder.decode();
  } finally {
    reader.cancel().catch(() => undefined);
  }
}
