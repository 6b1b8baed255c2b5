/** The digest algorithms rx-transfer checks (RFC 9530's active ones). */
export type DigestAlgorithm = 'sha-256' | 'sha-512';

/** A digest a response states for its body, and the header that stated it. */
export interface ExpectedDigest {
  readonly algorithm: DigestAlgorithm;
  /** Base64, as the header carries it. */
  readonly value: string;
  readonly header: 'repr-digest' | 'content-digest';
}

/**
 * The digest of the whole representation that `headers` state, if one can be checked against the
 * bytes a reader sees: `Repr-Digest`, or for a whole (200) response `Content-Digest` (RFC 9530),
 * sha-512 before sha-256 (stronger, and faster to compute on 64-bit machines), and only without a
 * Content-Encoding (the digest is then of encoded bytes, which a browser decodes before any reader).
 */
export function expectedDigest(headers: Headers, whole: boolean): ExpectedDigest | undefined {
  const encoding = headers.get('content-encoding');
  if (encoding !== null && encoding.trim().toLowerCase() !== 'identity') return undefined;
  for (const header of whole ? (['repr-digest', 'content-digest'] as const) : (['repr-digest'] as const)) {
    const members = new Map(
      (headers.get(header) ?? '').split(',').map((member) => {
        const at = member.indexOf('=');
        const value = /^:([A-Za-z0-9+/]+=*):$/.exec(member.slice(at + 1).trim())?.[1];
        return [member.slice(0, at).trim().toLowerCase(), value] as const;
      }),
    );
    for (const algorithm of ['sha-512', 'sha-256'] as const) {
      const value = members.get(algorithm);
      if (value !== undefined) return { algorithm, value, header };
    }
  }
  return undefined;
}
