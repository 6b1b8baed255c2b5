/** The body size of the download, upload and event cases. */
export const SIZE = 256 * 2 ** 20;
/** How many sequential small GETs one job makes. */
export const SMALL_REQUESTS = 2000;
/** The Blob size of the Node Blob uploads, and the larger of the Chromium Blob and File uploads. */
export const BLOB_SIZE = 64 * 2 ** 20;
/** The smaller size of the Chromium Blob and File uploads. */
export const SMALL_BLOB_SIZE = 8 * 2 ** 20;
/** The size of the Chromium downloads with and without a digest (issue 12). */
export const DIGEST_SIZE = 64 * 2 ** 20;

/** The queue case (issue 15): how many downloads one job makes, of how many bytes each, how many at once. */
export const QUEUE = { items: 1000, bytes: 64 * 2 ** 10, concurrency: 6 } as const;
/**
 * Messages per timed job of the message streams (issue 14), in Node and in Chromium: jobs of 100,000 took 0.1-0.25 s,
 * and their paired rounds' ratios spread from 0.55x to 1.35x in Node and from 0.46x to 2.16x in the page (the A/A
 * control as much); half a million take about a second.
 */
export const TIMED_MESSAGES = 500_000;
