// The browser benchmark's bundle: the built package with rxjs and ky bundled in, exposed as `window.rxTransfer`,
// with the helper that subscribes every stage, the Blobs and Files the page uploads, and the parsers the raw message
// loop uses (the same ones rx-transfer's message streams use).
export { createParser } from 'eventsource-parser';
export { transfer, transferStages } from '../dist/index.js';
export { splitLines } from '../dist/messages/split-lines.js';
export { allStages } from './all-stages.ts';
export { pageBlob } from './page-blob.ts';
