/** Bytes repeat with this period: byte `i` of every generated body is `i % PERIOD`. */
export const PERIOD = 251;

let tile: Uint8Array = new Uint8Array(0);

/** `length` bytes of the pattern starting at `offset`; a view of a shared tile, so never mutate it. */
export function patternAt(offset: number, length: number): Uint8Array {
  const start = offset % PERIOD;
  if (tile.length < start + length) tile = makeTile(start + length);
  return tile.subarray(start, start + length);
}

/** The pattern from offset 0 to `size`, in pieces of at most 64 KiB. */
export function* patternChunks(size: number): Generator<Uint8Array> {
  for (let offset = 0; offset < size; offset += 65_536) yield patternAt(offset, Math.min(65_536, size - offset));
}

function makeTile(minimum: number): Uint8Array {
  const bytes = new Uint8Array(Math.max(minimum, 65_536 + PERIOD));
  for (let i = 0; i < bytes.length; i++) bytes[i] = i % PERIOD;
  return bytes;
}
