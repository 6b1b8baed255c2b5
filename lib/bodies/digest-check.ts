import { IntegrityError } from '../errors/transfer-errors.js';
import { expectedDigest } from './expected-digest.js';
import { createHasher } from './hash-body.js';

/** One body's check against its digest, kept across a resume. */
export interface DigestCheck {
  /** Hashes the next chunk of the body; absent when there is nothing to check. */
  readonly update: ((chunk: Uint8Array) => void) | undefined;
  /** Throws an {@link IntegrityError} when the body read does not match, or `required` found nothing to check. */
  readonly verify: (method: string, url: string) => void;
}

/**
 * Starts the check of a body whose response has `headers` (`whole`: a 200, whose Content-Digest
 * is the representation's). `elsewhere`: its first bytes were read in another page, so its hash
 * cannot be had. Loaded on demand, with hash-wasm: only for a response that states a digest, or
 * under `digest: 'require'`.
 */
export async function startDigestCheck(
  headers: Headers,
  whole: boolean,
  required: boolean,
  elsewhere = false,
): Promise<DigestCheck> {
  const expected = expectedDigest(headers, whole);
  const hasher = expected && !elsewhere ? await createHasher(expected.algorithm) : undefined;
  return {
    update: hasher?.update,
    verify(method, url) {
      if (expected !== undefined && hasher !== undefined) {
        const actual = hasher.digest();
        if (actual === expected.value) return;
        throw new IntegrityError(
          method,
          url,
          `The body does not match its ${expected.header} ${expected.algorithm}`,
          expected,
          actual,
        );
      }
      if (!required) return;
      const why =
        expected === undefined
          ? 'no Repr-Digest or Content-Digest (sha-256, sha-512) without a Content-Encoding'
          : 'its first bytes were read in another page';
      throw new IntegrityError(method, url, `The body's digest cannot be checked: ${why}`);
    },
  };
}
