/** The limits an IETF resumable-upload server states in `Upload-Limit` (RFC 8941 dictionary of integers). */
export interface UploadLimit {
  readonly maxSize?: number;
  readonly minSize?: number;
  readonly maxAppendSize?: number;
  readonly minAppendSize?: number;
}

/** Reads `Upload-Limit`; unknown or malformed members are left out. */
export function uploadLimitOf(headers: Headers): UploadLimit {
  const limit: Record<string, number> = {};
  const names: Record<string, keyof UploadLimit> = {
    'max-size': 'maxSize',
    'min-size': 'minSize',
    'max-append-size': 'maxAppendSize',
    'min-append-size': 'minAppendSize',
  };
  for (const member of (headers.get('upload-limit') ?? '').split(',')) {
    const [key = '', value = ''] = member.split('=').map((part) => part.trim());
    const name = names[key];
    if (name !== undefined && /^\d+$/.test(value)) limit[name] = Number(value);
  }
  return limit;
}

/** The chunk size within the server's append limits: at least its minimum, at most its maximum. */
export function chunkSizeWithin(chunkSize: number, limit: UploadLimit): number {
  return Math.max(limit.minAppendSize ?? 1, Math.min(chunkSize, limit.maxAppendSize ?? Number.POSITIVE_INFINITY));
}
