import { Observable } from 'rxjs';
import { now } from '../core/clock.js';
import type { ProgressInterval } from '../core/options.js';
import { isHTTPError } from '../errors/http-error.js';
import { InvalidTransferOptionError, TransferAbortError } from '../errors/transfer-errors.js';
import { sampleProgress } from '../operators/sample-progress.js';
import type { TimeoutLimits } from '../policies/deadlines.js';
import type { RetryPolicy } from '../policies/retry-policy.js';
import { retryRules } from '../policies/retry-policy.js';
import { retryVerdict } from '../policies/retry-verdict.js';
import { isOffline, waitToRetry } from '../policies/wait-to-retry.js';
import { createProgressMeter } from '../progress/progress-meter.js';
import { blobSource, type ChunkSource, streamSource } from './chunk-source.js';
import { ietfProtocol } from './protocols/ietf-protocol.js';
import { tusProtocol } from './protocols/tus-protocol.js';
import type { UploadProtocol } from './protocols/upload-protocol.js';
import type { ResumableEvent } from './resumable-events.js';
import { ResumableUploadError } from './resumable-upload-error.js';
import { type ProtocolResponse, requestSender } from './send-request.js';
import { chunkSizeWithin, type UploadLimit } from './upload-limit.js';
import { memoryStore, type UploadStore } from './upload-store.js';

/** One resumable upload, described in one object. Never mutated. */
export interface ResumableUploadOptions {
  /** Where uploads are created (tus: the POST endpoint; IETF: the resource that takes the upload). */
  endpoint: string | URL;
  /**
   * The body: a File or Blob (read in slices, so any offset can be sent again, after a reload too),
   * or a `ReadableStream` (only the chunk under way is held: an append is sent again from it, but an
   * upload of a stream cannot go back further, nor on after a reload).
   */
  body: Blob | ReadableStream<Uint8Array>;
  /** @default 'tus' */
  protocol?: 'tus' | 'ietf' | undefined;
  /**
   * Bytes per append (PATCH), within the server's `Upload-Limit`. Smaller chunks lose less to a
   * dropped connection (with a server that drops a cut append) and report the server's offset more
   * often; each costs a round trip and client CPU. A stream body holds one chunk. S3-backed servers
   * need at least 5 MiB (their parts' minimum).
   * @default 33554432 (32 MiB: measured against 1, 8 and 16 MiB, see BENCHMARKS.md)
   */
  chunkSize?: number | undefined;
  /** tus `Upload-Metadata`. @default { filename, filetype } of a File */
  metadata?: Record<string, string> | undefined;
  /** Headers sent with every request of the protocol (an `Authorization`, say). */
  headers?: Record<string, string> | undefined;
  /**
   * Where the upload's URL is kept under its fingerprint so that it goes on after a reload:
   * {@link memoryStore} (the default, one per page), `localStorageStore()` or `indexedDbStore()`
   * (which workers have too); `false` keeps nothing. The entry is removed when the upload completes.
   */
  store?: UploadStore | false | undefined;
  /**
   * The key the upload is kept under. @default protocol, endpoint, and the File's name, type, size
   * and lastModified (a Blob has only its size and type: give a key of your own for Blobs)
   */
  fingerprint?: string | undefined;
  /** An upload URL to go on with, instead of one from the store or a new upload. */
  uploadUrl?: string | undefined;
  /**
   * How a failed request goes again: each append, creation and offset read, under this policy, after
   * reading the server's offset again (every request of the protocol is safe to repeat: an append
   * states its offset). The count starts again after each append the server takes.
   * @default { limit: 5 } with the defaults of `RetryPolicy`
   */
  retry?: RetryPolicy | number | false | undefined;
  /** The limits of each request of the protocol (see `TimeoutLimits`). */
  timeout?: TimeoutLimits | false | undefined;
  /**
   * tus only: asks the server (OPTIONS, once) whether it checks appends (the checksum extension),
   * and if it does, sends `Upload-Checksum` with each PATCH (sha512, sha256 or sha1, the first the
   * server lists): an append damaged on the way is refused (460) and sent again. Each chunk is read
   * twice, once to hash it; hash-wasm is loaded only then.
   * @default false
   */
  checksum?: boolean | undefined;
  /** Deletes the upload on the server (DELETE) when it is cancelled: unsubscribed or `signal` aborted. @default false */
  terminateOnCancel?: boolean | undefined;
  /** As `TransferOptions.progressInterval`. @default 50 */
  progressInterval?: ProgressInterval | undefined;
  signal?: AbortSignal | undefined;
}

/** The store of uploads that callers who name none share within a page. */
const pageStore = memoryStore();

/**
 * The default bytes per append; see {@link ResumableUploadOptions.chunkSize}. 32 MiB: a 256 MiB upload to the
 * IETF test server in Node ran at 0.86-0.90 of one streamed request with 40% less client CPU per MiB than with
 * 8 MiB (0.58-0.82), for about 19 MiB more peak RSS (BENCHMARKS.md).
 */
export const DEFAULT_CHUNK_SIZE = 32 * 1024 * 1024;

/**
 * One resumable upload (tus 1.0.0, or the IETF draft -11) as a **cold** observable of its events
 * (see {@link ResumableEvent} for their order). Subscribing uploads; unsubscribing pauses (the
 * request under way is aborted, its body ending in error so that no server takes it for whole);
 * subscribing again resumes from what the server holds, found again under the upload's fingerprint
 * in the store. Each request goes again under the retry policy, after the server's offset is read.
 *
 * @example
 * ```ts
 * import { resumableUpload } from 'rx-transfer/resumable';
 * resumableUpload({ endpoint: '/files/', body: file, store: indexedDbStore() }).subscribe((event) => {
 *   if (event.type === 'upload-progress') bar.value = event.percent ?? 0;
 *   if (event.type === 'complete') console.log('uploaded to', event.url);
 * });
 * ```
 */
export function resumableUpload(options: ResumableUploadOptions): Observable<ResumableEvent> {
  return new Observable<ResumableEvent>((subscriber) => {
    let endpoint: string;
    try {
      endpoint = validated(options);
    } catch (error) {
      subscriber.error(error);
      return;
    }
    const aborted = () =>
      new TransferAbortError('Upload aborted', 'PATCH', endpoint, { cause: options.signal?.reason });
    if (options.signal?.aborted) {
      subscriber.error(aborted());
      return;
    }
    const controller = new AbortController();
    let settled = false;
    const emit = (event: ResumableEvent) => {
      if (!settled) subscriber.next(event);
    };
    const upload = runUpload(options, endpoint, emit, controller.signal);
    // Ended at once, aborted a task later: never from inside the event that led to it. In Chromium, an HTTP/2
    // streamed append aborted from within its own upload-progress event left the page spinning (the core's
    // transfer does too when its signal is aborted there).
    const cancel = (reason: unknown) => {
      settled = true;
      options.signal?.removeEventListener('abort', onCallerAbort);
      setTimeout(() => {
        controller.abort(reason);
        upload.release(reason, true);
      }, 0);
    };
    const onCallerAbort = () => {
      if (settled) return;
      cancel(options.signal?.reason);
      subscriber.error(aborted());
    };
    options.signal?.addEventListener('abort', onCallerAbort, { once: true });
    upload.run.then(
      () => {
        if (settled) return;
        settled = true;
        options.signal?.removeEventListener('abort', onCallerAbort);
        subscriber.complete();
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        options.signal?.removeEventListener('abort', onCallerAbort);
        upload.release(error, false);
        subscriber.error(error);
      },
    );
    return () => {
      if (!settled) cancel(new DOMException('The upload was unsubscribed', 'AbortError'));
    };
  }).pipe(sampleProgress(options?.progressInterval ?? 50));
}

/** The key an upload of `body` to `endpoint` over `protocol` is kept under, when it can have one. */
export function fingerprintOf(body: Blob, endpoint: string, protocol: string): string {
  const { name = '', lastModified = '' } = body as Partial<File>;
  return ['rx-transfer', protocol, endpoint, name, body.type, body.size, lastModified].join('|');
}

/** Runs one upload to its end; `release` lets go of what a failed or cancelled upload holds. */
function runUpload(
  options: ResumableUploadOptions,
  endpoint: string,
  emit: (event: ResumableEvent) => void,
  signal: AbortSignal,
): { run: Promise<void>; release: (reason: unknown, cancelled: boolean) => void } {
  const protocol: UploadProtocol = options.protocol === 'ietf' ? ietfProtocol : tusProtocol;
  const { body } = options;
  const owner = { method: 'PATCH', url: endpoint };
  const source: ChunkSource = body instanceof Blob ? blobSource(body) : streamSource(body, owner);
  const store = options.store === false ? undefined : (options.store ?? pageStore);
  const fingerprint =
    options.fingerprint ?? (body instanceof Blob ? fingerprintOf(body, endpoint, protocol.name) : undefined);
  let send = requestSender({ signal, timeout: options.timeout, headers: options.headers });
  let checksumAsked = !options.checksum;
  const rules = retryRules(options.retry ?? 5);
  // Every request of the protocol may go again: an append states its offset, and the server checks it.
  // A 460 is a tus append whose checksum did not match: the bytes were damaged on the way.
  const policy = { ...rules, methods: [...rules.methods, 'POST', 'PATCH'], statusCodes: [...rules.statusCodes, 460] };
  const meter = createProgressMeter(source.size);
  let url = options.uploadUrl;
  let acked = 0;
  // What progress last counted: the acknowledged bytes plus those of the append in flight.
  let counted = 0;
  let sentNow = 0;
  const progress = (loaded: number, granularity: 'chunk' | 'browser' | 'whole') => {
    const time = now();
    counted = Math.min(loaded, source.size ?? loaded);
    emit({ type: 'upload-progress', time, granularity, ...meter(counted, time) });
  };
  /** The server holds `offset`: progress goes there, with an offset event when it differs from what progress counted. */
  const moveTo = (offset: number, restarted = false) => {
    const previous = Math.max(acked, counted);
    acked = offset;
    if (offset === previous) return;
    const reason = restarted ? 'restarted' : offset < previous ? 'behind' : 'resumed';
    emit({ type: 'offset', time: now(), offset, previous, reason });
    progress(offset, 'whole');
  };

  const run = async () => {
    let attempt = 1;
    let retries = 0;
    let limit: UploadLimit = {};
    url ??= fingerprint === undefined ? undefined : (await store?.get(fingerprint))?.url;
    let readOffset = url !== undefined;
    emit({ type: 'start', time: now(), attempt, url: url ?? endpoint, protocol: protocol.name });
    for (;;) {
      try {
        if (!checksumAsked) {
          send = await (await import('./upload-checksum.js')).checksummedSender(send, endpoint);
          checksumAsked = true;
        }
        if (url !== undefined && readOffset) {
          const server = await serverOffset(url);
          if (server === undefined) {
            url = undefined;
            if (fingerprint !== undefined) await store?.remove(fingerprint);
            moveTo(0, true);
          } else {
            limit = server.limit;
            moveTo(server.offset);
          }
          readOffset = false;
        }
        if (url === undefined) {
          if (source.size !== undefined && limit.maxSize !== undefined && source.size > limit.maxSize) {
            throw new ResumableUploadError(
              `the server takes at most ${limit.maxSize} bytes, the body has ${source.size}`,
              'POST',
              endpoint,
            );
          }
          const created = await protocol.create(send, endpoint, source.size, metadataOf(options));
          url = created.url;
          limit = created.limit;
          checkLimit(limit);
          if (fingerprint !== undefined)
            await store?.set(fingerprint, { url, size: source.size ?? -1, createdAt: Date.now() });
          moveTo(created.offset);
        }
        const done = await appendAll(url, limit);
        if (fingerprint !== undefined) await store?.remove(fingerprint);
        const time = now();
        emit({ type: 'sent', time, bytes: acked });
        const { status, headers } = done;
        emit({ type: 'headers', time, status, statusText: done.statusText, headers, url: done.url, redirected: false });
        emit({ type: 'complete', time: now(), url, status, headers, uploaded: acked, sentNow });
        return;
      } catch (error) {
        if (signal.aborted) throw error;
        if (
          isHTTPError(error) &&
          [404, 410].includes(error.response.status) &&
          url !== undefined &&
          retries < policy.limit
        ) {
          // The upload is gone from the server (expired, or removed): a new one starts from 0.
          if (fingerprint !== undefined) await store?.remove(fingerprint);
          url = undefined;
          moveTo(0, true);
          retries++;
          continue;
        }
        if (isHTTPError(error) && error.response.status === 409 && retries < policy.limit) {
          // The server holds another offset than the append said (IETF names it): read it, and go on at once.
          readOffset = true;
          retries++;
          continue;
        }
        const verdict = await retryVerdict(
          { error, attempt, retries, method: 'PATCH', unrepeatable: undefined, remaining: Number.POSITIVE_INFINITY },
          policy,
        );
        if (signal.aborted) throw error;
        if (typeof verdict === 'string') {
          if (error instanceof Object) (error as { notRetried?: string }).notRetried = verdict;
          throw error;
        }
        attempt++;
        retries++;
        emit({ type: 'retry', time: now(), attempt, ...verdict, error, offline: isOffline(), resumeFrom: acked });
        await waitToRetry(verdict.delay, signal);
        readOffset = url !== undefined;
        emit({ type: 'start', time: now(), attempt, url: url ?? endpoint, protocol: protocol.name });
      }
    }

    /** The offset the server holds of `url`, or `undefined` when the upload is gone (404, 410). */
    async function serverOffset(at: string) {
      try {
        return await protocol.offset(send, at);
      } catch (error) {
        if (isHTTPError(error) && [404, 410].includes(error.response.status)) return undefined;
        throw error;
      }
    }

    /** Appends the rest of the body from `acked`, chunk by chunk; resolves with the last answer. */
    async function appendAll(at: string, within: UploadLimit): Promise<ProtocolResponse> {
      const chunkSize = chunkSizeWithin(options.chunkSize ?? DEFAULT_CHUNK_SIZE, within);
      for (;;) {
        const chunk = await source.read(acked, chunkSize);
        const from = acked;
        const deferred = source.size === undefined;
        const answer = await protocol.append(send, at, from, chunk.data, chunk.last, deferred, (event) =>
          progress(from + event.loaded, event.granularity),
        );
        const taken = answer.offset;
        retries = 0;
        sentNow += Math.max(0, taken - from);
        acked = from + chunk.size;
        if (taken < acked) moveTo(taken);
        else acked = taken;
        if (chunk.last && taken >= from + chunk.size) return answer.response;
      }
    }

    function checkLimit(within: UploadLimit) {
      if (source.size !== undefined && within.maxSize !== undefined && source.size > within.maxSize) {
        throw new ResumableUploadError(
          `the server takes at most ${within.maxSize} bytes, the body has ${source.size}`,
          'POST',
          endpoint,
        );
      }
    }
  };

  return {
    run: run(),
    release(reason, cancelled) {
      source.close(reason);
      if (!options.terminateOnCancel || url === undefined || !cancelled) return;
      const terminating = requestSender({
        signal: new AbortController().signal,
        timeout: options.timeout,
        headers: options.headers,
      });
      const at = url;
      void protocol.terminate(terminating, at).then(
        () => (fingerprint === undefined ? undefined : store?.remove(fingerprint)),
        () => undefined,
      );
    },
  };
}

/** The tus metadata: the caller's, or a File's name and type. */
function metadataOf({ metadata, body }: ResumableUploadOptions): Record<string, string> {
  if (metadata !== undefined) return metadata;
  const { name } = body as Partial<File>;
  return name === undefined ? {} : { filename: name, filetype: (body as File).type };
}

/** Checks the options before any traffic; returns the endpoint, absolute. */
function validated(options: ResumableUploadOptions): string {
  const fail = (option: string, problem: string): never => {
    throw new InvalidTransferOptionError(option, problem, 'POST', String(options?.endpoint));
  };
  if (typeof options !== 'object' || options === null) fail('options', 'expected an object');
  let endpoint: URL | undefined;
  try {
    endpoint = new URL(options.endpoint, (globalThis as { location?: { href: string } }).location?.href);
  } catch {
    fail('endpoint', 'expected an absolute URL, or one relative to the page');
  }
  if (endpoint?.protocol !== 'http:' && endpoint?.protocol !== 'https:')
    fail('endpoint', 'expected an http: or https: URL');
  const { body, chunkSize, protocol } = options;
  if (!(body instanceof Blob) && !(body instanceof ReadableStream))
    fail('body', 'expected a Blob, File or ReadableStream');
  if (body instanceof ReadableStream && body.locked) fail('body', 'expected an unlocked stream');
  if (chunkSize !== undefined && !(Number.isSafeInteger(chunkSize) && chunkSize >= 1))
    fail('chunkSize', 'expected a safe integer >= 1');
  if (protocol !== undefined && protocol !== 'tus' && protocol !== 'ietf') fail('protocol', "expected 'tus' or 'ietf'");
  if (options.checksum && protocol === 'ietf')
    fail('checksum', "the checksum extension is tus's: expected protocol 'tus'");
  return (endpoint as URL).href;
}
