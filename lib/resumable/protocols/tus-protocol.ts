import { integerHeader, locationOf, offsetOf, type UploadProtocol } from './upload-protocol.js';

const TUS = { 'tus-resumable': '1.0.0' };

/** `Upload-Metadata`: comma-separated `key base64(value)` pairs (tus 1.0.0, creation). */
function metadataHeader(metadata: Record<string, string>): Record<string, string> {
  const pairs = Object.entries(metadata).map(([key, value]) => {
    const bytes = new TextEncoder().encode(value);
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return `${key} ${btoa(binary)}`;
  });
  return pairs.length === 0 ? {} : { 'upload-metadata': pairs.join(',') };
}

/**
 * tus 1.0.0 (tus.io/protocols/resumable-upload): core (HEAD for the offset, PATCH with
 * `application/offset+octet-stream`), creation (POST with `Upload-Length`, or `Upload-Defer-Length`
 * for a stream, whose length goes with its last PATCH), termination (DELETE); `Tus-Resumable` on
 * every request.
 */
export const tusProtocol: UploadProtocol = {
  name: 'tus',
  async create(send, endpoint, size, metadata) {
    const length = size === undefined ? { 'upload-defer-length': '1' } : { 'upload-length': String(size) };
    const response = await send({
      method: 'POST',
      url: endpoint,
      headers: { ...TUS, ...length, ...metadataHeader(metadata) },
    });
    return { url: locationOf(response, 'creation'), offset: 0, limit: {} };
  },
  async offset(send, url) {
    const response = await send({ method: 'HEAD', url, headers: TUS });
    const offset = offsetOf(response, 'HEAD');
    const maxSize = integerHeader(response.headers, 'tus-max-size');
    return { offset, limit: maxSize === undefined ? {} : { maxSize } };
  },
  async append(send, url, offset, chunk, last, deferredLength, onSent) {
    const size = chunk instanceof Blob ? chunk.size : chunk.byteLength;
    const headers: Record<string, string> = {
      ...TUS,
      'upload-offset': String(offset),
      'content-type': 'application/offset+octet-stream',
    };
    // Only once, and only when deferred: a server that has the length refuses it again (@tus/server: 400).
    if (last && deferredLength) headers['upload-length'] = String(offset + size);
    const response = await send({ method: 'PATCH', url, headers, body: chunk }, onSent);
    return { offset: integerHeader(response.headers, 'upload-offset') ?? offset + size, response };
  },
  async terminate(send, url) {
    await send({ method: 'DELETE', url, headers: TUS });
  },
};
