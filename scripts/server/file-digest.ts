import { createHash } from 'node:crypto';
import type { FileBytes } from './file-bytes.ts';
import type { DigestAlgorithm } from './file-plan.ts';

const PIECE = 1 << 20;
const KEPT = 8;
const wholeDigests = new Map<string, string>();

/** An RFC 9530 dictionary (`sha-256=:<base64>:, …`) of the digests of bytes `[start, end)` of `file`. */
export function digestField(file: FileBytes, algorithms: readonly DigestAlgorithm[], start: number, end: number) {
  return algorithms.map((algorithm) => `${algorithm}=:${digestOf(file, algorithm, start, end)}:`).join(', ');
}

/** The base64 digest of bytes `[start, end)`; the whole representation's is remembered (64 MiB take a while). */
function digestOf(file: FileBytes, algorithm: DigestAlgorithm, start: number, end: number): string {
  const whole = start === 0 && end === file.length;
  const key = `${file.key}:${algorithm}`;
  const known = whole ? wholeDigests.get(key) : undefined;
  if (known !== undefined) return known;
  const hash = createHash(algorithm === 'sha-256' ? 'sha256' : 'sha512');
  for (let offset = start; offset < end; offset += PIECE) hash.update(file.at(offset, Math.min(PIECE, end - offset)));
  const digest = hash.digest('base64');
  if (whole) remember(key, digest);
  return digest;
}

function remember(key: string, digest: string): void {
  wholeDigests.set(key, digest);
  for (const oldest of wholeDigests.keys()) {
    if (wholeDigests.size <= KEPT) break;
    wholeDigests.delete(oldest);
  }
}
