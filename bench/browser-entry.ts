// The browser benchmark's bundle: the built package with rxjs and ky bundled in, exposed as `window.rxTransfer`,
// with the helper that subscribes every stage and the Blobs and Files the page uploads.
export { transfer, transferStages } from '../dist/index.js';
export { allStages } from './all-stages.ts';
export { pageBlob } from './page-blob.ts';
