/** Bytes `0, 1, 2, …` modulo 251 from `offset`, so that any slice can be checked (the test server's too). */
export function pattern(size: number, offset = 0): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (offset + i) % 251;
  return bytes;
}
