/** What is kept of an upload so that it can be found again after a reload. */
export interface StoredUpload {
  /** The upload's URL on the server. */
  readonly url: string;
  /** The body's size in bytes. */
  readonly size: number;
  /** When the upload was created, epoch milliseconds. */
  readonly createdAt: number;
}

/**
 * Where upload URLs are kept under their fingerprint (see `fingerprintOf`), so that an upload of the
 * same file to the same endpoint goes on after a reload. An entry is removed once its upload
 * completes (or is terminated). Promises throughout, so that IndexedDB fits.
 */
export interface UploadStore {
  get(fingerprint: string): Promise<StoredUpload | undefined>;
  set(fingerprint: string, upload: StoredUpload): Promise<void>;
  remove(fingerprint: string): Promise<void>;
}

/** A store in memory: uploads are found again within one page (after an unsubscribe), not after a reload. */
export function memoryStore(): UploadStore {
  const entries = new Map<string, StoredUpload>();
  return {
    get: async (fingerprint) => entries.get(fingerprint),
    set: async (fingerprint, upload) => void entries.set(fingerprint, upload),
    remove: async (fingerprint) => void entries.delete(fingerprint),
  };
}

/**
 * A store in `localStorage` (pages only: workers have none), one key per upload, under `prefix`.
 * A value that does not parse is taken as absent.
 */
export function localStorageStore(prefix = 'rx-transfer:upload:'): UploadStore {
  return {
    async get(fingerprint) {
      try {
        const stored = JSON.parse(localStorage.getItem(prefix + fingerprint) ?? 'null');
        return typeof stored?.url === 'string' ? (stored as StoredUpload) : undefined;
      } catch {
        return undefined;
      }
    },
    set: async (fingerprint, upload) => localStorage.setItem(prefix + fingerprint, JSON.stringify(upload)),
    remove: async (fingerprint) => localStorage.removeItem(prefix + fingerprint),
  };
}

/**
 * A store in IndexedDB, which pages and workers (dedicated, shared, service) all have: database
 * `name`, one object store of uploads by fingerprint.
 */
export function indexedDbStore(name = 'rx-transfer-uploads'): UploadStore {
  let database: Promise<IDBDatabase> | undefined;
  const open = () => {
    database ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(name, 1);
      request.onupgradeneeded = () => request.result.createObjectStore('uploads');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return database;
  };
  const run = async <T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const store = (await open()).transaction('uploads', mode).objectStore('uploads');
    return new Promise((resolve, reject) => {
      const request = work(store);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  };
  return {
    get: (fingerprint) => run('readonly', (store) => store.get(fingerprint)) as Promise<StoredUpload | undefined>,
    set: async (fingerprint, upload) => void (await run('readwrite', (store) => store.put(upload, fingerprint))),
    remove: async (fingerprint) => void (await run('readwrite', (store) => store.delete(fingerprint))),
  };
}
