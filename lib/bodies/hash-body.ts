import { createSHA256, createSHA512 } from 'hash-wasm';
import type { DigestAlgorithm } from './expected-digest.js';

/** An incremental hash of a body as it streams. */
export interface BodyHasher {
  readonly update: (chunk: Uint8Array) => void;
  /** The digest, base64, as RFC 9530's headers carry it. */
  readonly digest: () => string;
}

/**
 * Creates an incremental hasher for `algorithm`, with hash-wasm: WebCrypto cannot hash a stream
 * (w3c/webcrypto#390), and hash-wasm's WebAssembly ran 3-5x faster than @noble/hashes in Chromium
 * (BENCHMARKS.md). This module, and hash-wasm with it, is loaded only when a digest is checked.
 */
export async function createHasher(algorithm: DigestAlgorithm): Promise<BodyHasher> {
  const hasher = await (algorithm === 'sha-512' ? createSHA512() : createSHA256());
  return {
    update: (chunk) => void hasher.update(chunk),
    digest: () => base64(hasher.digest('binary')),
  };
}

/** The SHA-256 of a whole body, base64, by WebCrypto (its caller checks that there is one). */
export async function sha256Of(bytes: Uint8Array): Promise<string> {
  return base64(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
