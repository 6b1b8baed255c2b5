// The browser benchmark's bundle: the built package with rxjs and ky bundled in, exposed as `window.rxTransfer`.
export { transfer, transferStages } from '../dist/index.js';
