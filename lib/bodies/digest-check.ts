import { IntegrityError } from '../errors/transfer-errors.js';
import { expectedDigest } from './expected-digest.js';
import { createHasher, sha256Of } from './hash-body.js';

/** One body's check against its digest, kept across a resume. */
export interface DigestCheck {
  /** Hashes the next chunk of the body; absent when there is nothing to check, or the body is hashed whole at the end. */
  readonly update: ((chunk: Uint8Array) => void) | undefined;
  /**
   * Rejects with an {@link IntegrityError} when the body read does not match, or `required` found nothing to check.
   * `held` gives the whole body, read only by a check started with `held` true.
   */
  readonly verify: (method: string, url: string, held: () => Uint8Array) => Promise<void>;
}

/**
 * Starts the check of a body whose response has `headers` (`whole`: a 200, whose Content-Digest
 * is the representation's). `elsewhere`: its first bytes were read in another page, so its hash
 * cannot be had. `held`: the library holds the whole body in memory, from byte 0, until the end: a
 * SHA-256 is then taken once, whole, by WebCrypto (native, with the CPU's SHA instructions, off the
 * page's thread: faster than hashing chunk by chunk in WebAssembly on it). Otherwise, and where
 * WebCrypto is missing (a page that is not a secure context), each chunk is hashed as it streams,
 * with hash-wasm (WebCrypto cannot hash a stream, w3c/webcrypto#390). Loaded on demand: only for a
 * response that states a digest, or under `digest: 'require'`.
 */
export async function startDigestCheck(
  headers: Headers,
  whole: boolean,
  required: boolean,
  elsewhere = false,
  held = false,
): Promise<DigestCheck> {
  const expected = expectedDigest(headers, whole);
  const checked = expected !== undefined && !elsewhere;
  // WebCrypto only for SHA-256: SHA-512 has no CPU instructions of its own, and hashing a held 64 MiB body whole at
  // its end ran at 0.70x of the unchecked download in Chromium, against 0.86x chunk by chunk (BENCHMARKS.md).
  const atEnd = held && expected?.algorithm === 'sha-256' && globalThis.crypto?.subtle !== undefined;
  const hasher = checked && !atEnd ? await createHasher(expected.algorithm) : undefined;
  return {
    update: hasher?.update,
    async verify(method, url, body) {
      if (checked) {
        const actual = hasher ? hasher.digest() : await sha256Of(body());
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
