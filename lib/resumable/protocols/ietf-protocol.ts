import { uploadLimitOf } from '../upload-limit.js';
import { integerHeader, locationOf, offsetOf, type UploadProtocol } from './upload-protocol.js';

/** The interop version of draft-ietf-httpbis-resumable-upload-11. */
const INTEROP = { 'upload-draft-interop-version': '8' };

/**
 * The IETF "Resumable Uploads for HTTP" draft -11 (interop version 8). Creation is careful: a POST
 * without data (`Upload-Complete: ?0`), whose final answer names the upload (browsers never see a
 * 104 interim answer); then PATCH appends (`application/partial-upload`, `Upload-Offset`,
 * `Upload-Complete`), HEAD for the offset, DELETE to cancel. `Upload-Limit` is read from every
 * answer that has it.
 */
export const ietfProtocol: UploadProtocol = {
  name: 'ietf',
  async create(send, endpoint, size) {
    const headers: Record<string, string> = { ...INTEROP, 'upload-complete': '?0' };
    if (size !== undefined) headers['upload-length'] = String(size);
    const response = await send({ method: 'POST', url: endpoint, headers });
    return {
      url: locationOf(response, 'upload creation'),
      offset: integerHeader(response.headers, 'upload-offset') ?? 0,
      limit: uploadLimitOf(response.headers),
    };
  },
  async offset(send, url) {
    const response = await send({ method: 'HEAD', url, headers: INTEROP });
    const offset = offsetOf(response, 'HEAD');
    return { offset, limit: uploadLimitOf(response.headers) };
  },
  async append(send, url, offset, chunk, last, _deferredLength, onSent) {
    const size = chunk instanceof Blob ? chunk.size : chunk.byteLength;
    const headers: Record<string, string> = {
      ...INTEROP,
      'upload-offset': String(offset),
      'upload-complete': last ? '?1' : '?0',
      'content-type': 'application/partial-upload',
    };
    if (last) headers['upload-length'] = String(offset + size);
    const response = await send({ method: 'PATCH', url, headers, body: chunk }, onSent);
    return { offset: integerHeader(response.headers, 'upload-offset') ?? offset + size, response };
  },
  async terminate(send, url) {
    await send({ method: 'DELETE', url, headers: INTEROP });
  },
};
