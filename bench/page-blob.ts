/**
 * The Blobs and Files the Chromium page uploads, bundled into the page by `bench/browser-entry.ts`. A Blob is made in
 * the page from bytes in memory; a File is what a user picks: `bench/browser-blob-bench.ts` writes a file to disk and
 * sets it on a file input through Playwright, so the page's File is read from disk, as a picked file is.
 */

/** The two kinds of body the page uploads: a Blob made in memory, a File picked from disk. */
export type BlobKind = 'Blob' | 'File';

/** The id of the file input that holds the File of `size` bytes. */
export const fileInputId = (size: number): string => `bench-file-${size}`;

const blobs = new Map<number, Blob>();

/** The page's Blob (made once per size) or picked File of `size` bytes; throws if the File is not there. */
export function pageBlob(kind: BlobKind, size: number): Blob {
  if (kind === 'File') {
    const file = (document.getElementById(fileInputId(size)) as HTMLInputElement | null)?.files?.[0];
    if (file?.size !== size) throw new Error(`no picked file of ${size} bytes in the page`);
    return file;
  }
  let blob = blobs.get(size);
  if (blob === undefined) {
    blob = new Blob([new Uint8Array(size).fill(7)]);
    blobs.set(size, blob);
  }
  return blob;
}
