import { gzippedPattern } from './gzipped-pattern.ts';
import { patternAt } from './pattern.ts';
import type { ByteSource } from './serve-download.ts';

/** The bytes of one representation that `/file` serves. */
export interface FileBytes {
  /** Names the representation (for caches of its digests). */
  readonly key: string;
  readonly length: number;
  /** `length` bytes from `offset`; never mutate them (they may be a shared view). */
  readonly at: ByteSource;
}

/** The representation of `size` pattern bytes (byte i is `i % 251`), or their gzip. */
export async function fileBytes(size: number, gzip: boolean): Promise<FileBytes> {
  if (!gzip) return { key: `pattern:${size}`, length: size, at: patternAt };
  const compressed = await gzippedPattern(size);
  return {
    key: `gzip:${size}`,
    length: compressed.byteLength,
    at: (offset, length) => compressed.subarray(offset, offset + length),
  };
}

/** `source` with the byte at `offset` flipped in its lowest bit, wherever a read covers it. */
export function corrupted(source: ByteSource, offset: number): ByteSource {
  return (from, length) => {
    const bytes = source(from, length);
    if (offset < from || offset >= from + length) return bytes;
    const copy = bytes.slice();
    copy[offset - from] = (copy[offset - from] as number) ^ 1;
    return copy;
  };
}
