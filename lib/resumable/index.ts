// The public surface of `rx-transfer/resumable`: resumable uploads (tus 1.0.0 and the IETF draft).
export type {
  OffsetEvent,
  ResumableCompleteEvent,
  ResumableEvent,
  ResumableStartEvent,
} from './resumable-events.js';
export { DEFAULT_CHUNK_SIZE, fingerprintOf, type ResumableUploadOptions, resumableUpload } from './resumable-upload.js';
export { ResumableUploadError } from './resumable-upload-error.js';
export type { UploadLimit } from './upload-limit.js';
export { indexedDbStore, localStorageStore, memoryStore, type StoredUpload, type UploadStore } from './upload-store.js';
