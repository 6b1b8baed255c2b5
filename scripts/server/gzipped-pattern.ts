import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { createGzip } from 'node:zlib';
import { patternChunks } from './pattern.ts';

let last: { size: number; body: Promise<Buffer> } | undefined;

/** The gzip-compressed pattern of `size` bytes; the latest size is remembered, as benchmarks repeat it. */
export function gzippedPattern(size: number): Promise<Buffer> {
  if (last?.size !== size) last = { size, body: buffer(Readable.from(patternChunks(size)).pipe(createGzip())) };
  return last.body;
}
