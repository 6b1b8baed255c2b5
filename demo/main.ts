import { type TransferOptions, transfer } from 'rx-transfer';
import { formatBytes } from './format.ts';
import { createMessageCard } from './message-card.ts';
import { wireQueuePanel } from './queue-panel.ts';
import { createTransferCard, type TransferCard } from './transfer-card.ts';

const mocked = import.meta.env.MODE === 'demo-static';
const cards = document.querySelector('#transfers') as HTMLOListElement;
const announcer = document.querySelector('#announcer') as HTMLDivElement;
const announce = (text: string) => {
  announcer.textContent = text;
};

/**
 * Runs one transfer and draws it on a card: the whole of rx-transfer's use is here.
 * Events update the card; the error channel fails it; Cancel unsubscribes, which aborts
 * the exchange, body read included.
 */
function run(card: TransferCard, options: TransferOptions, onBody?: (body: unknown) => Node | undefined): void {
  let body: unknown;
  const subscription = transfer({ progressInterval: 'frame', ...options }).subscribe({
    next: (event) => {
      card.show(event);
      if (event.type === 'complete') body = event.body;
    },
    error: (error: unknown) => card.fail(error),
    complete: () => card.finish(onBody?.(body)),
  });
  card.onCancel(() => {
    subscription.unsubscribe();
    card.cancel();
  });
}

function addCard(title: string, kind: 'upload' | 'download'): TransferCard {
  const card = createTransferCard(title, kind, announce);
  cards.prepend(card.element);
  return card;
}

function upload(file: File): void {
  run(addCard(`${file.name} (${formatBytes(file.size)})`, 'upload'), { url: 'api/upload', method: 'POST', body: file });
}

/** The download endpoint and options for the form's choices. */
function downloadQuery(form: FormData): { path: string; label: string; options: Partial<TransferOptions> } {
  const size = Number(form.get('size'));
  const params = new URLSearchParams({ size: String(size) });
  const rate = String(form.get('rate') ?? '');
  if (rate !== '') params.set('rate', rate);
  if (form.get('gzip') !== null) params.set('gzip', '1');
  const failure = String(form.get('failure') ?? '');
  const label = [formatBytes(size), rate && `${formatBytes(Number(rate))}/s`, params.has('gzip') && 'gzip', failure]
    .filter(Boolean)
    .join(', ');
  if (failure === 'status') {
    return { path: 'api/status/500?body=the%20server%20broke', label: '500 with a body', options: {} };
  }
  if (failure === 'resume' || failure === 'resume-corrupt') return resumedQuery(params, size, label, failure);
  if (failure === 'drop') params.set('length', 'none');
  if (failure === 'drop') params.set('dropAt', String(Math.floor(size / 2)));
  if (failure === 'cut') params.set('cutAt', String(Math.floor(size * 0.7)));
  if (failure === 'stall') params.set('stallAt', String(Math.floor(size * 0.3)));
  return { path: `api/download?${params}`, label, options: {} };
}

/**
 * A file the server serves with Range, an ETag and its sha-256 (`Repr-Digest`), whose connection drops at 40% and
 * again at 75% (each request of the id at the next offset; the server waits 200 ms before each drop, so that the
 * browser hands over what arrived); `resume-corrupt` also flips a bit at 90% under the same digest.
 */
function resumedQuery(params: URLSearchParams, size: number, label: string, failure: string) {
  params.set('id', crypto.randomUUID());
  params.set('digest', 'sha-256');
  params.set('cutAt', `${Math.floor(size * 0.4)},${Math.floor(size * 0.75)}`);
  params.set('lingerMs', '200');
  if (failure === 'resume-corrupt') params.set('corrupt', String(Math.floor(size * 0.9)));
  return { path: `api/file?${params}`, label, options: { retry: { limit: 3, delay: 500 } } };
}

async function download(form: FormData): Promise<void> {
  const { path, label, options } = downloadQuery(form);
  const card = addCard(`download ${label}`, 'download');
  const common = { url: path, keepBytes: 64, ...options };
  const picker = (window as { showSaveFilePicker?: (o: object) => Promise<FileSystemFileHandle> }).showSaveFilePicker;
  if (form.get('save') !== null && picker !== undefined) {
    const handle = await picker({ suggestedName: 'download.bin' }).catch(() => undefined);
    if (handle === undefined) return card.cancel();
    return run(card, { ...common, sink: await handle.createWritable() });
  }
  run(card, { ...common, responseType: 'blob' }, (body) =>
    form.get('save') === null ? undefined : saveLink(body as Blob),
  );
}

/**
 * A message stream on a card: a story streamed word by word over SSE (as a model streams its tokens), or
 * an NDJSON log tail; with a drop, the SSE story reconnects with Last-Event-ID and goes on where it
 * stopped, while the log tail, which has no IDs to resume from, fails and says why.
 */
function streamMessages(form: FormData): void {
  const story = form.get('stream') === 'story';
  const params = new URLSearchParams({ id: crypto.randomUUID(), every: story ? '120' : '150' });
  if (story)
    for (const [name, value] of Object.entries({ story: '1', format: 'sse', ids: '1', retry: '800' }))
      params.set(name, value);
  else for (const [name, value] of Object.entries({ format: 'ndjson', count: '40' })) params.set(name, value);
  const drop = form.get('drop') !== null;
  if (drop) params.set('dropAt', story ? '15' : '10');
  const title = `${story ? 'SSE story, word by word' : 'NDJSON log tail'}${drop ? ', dropped mid-way' : ''}`;
  const card = createMessageCard(title, story ? 'text' : 'lines', announce);
  cards.prepend(card.element);
  run(card, { url: `api/messages?${params}`, responseType: story ? 'sse' : 'ndjson' });
}

function saveLink(blob: Blob): Node {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = 'download.bin';
  link.textContent = `Save ${formatBytes(blob.size)}`;
  return link;
}

function describeMode(): string {
  if (mocked) {
    return 'Static build: a service worker (MSW) answers the endpoints. It reads each request body whole before answering, so upload progress here is coarse.';
  }
  const h2 = location.protocol === 'https:';
  return h2
    ? 'Served over HTTPS with HTTP/2: uploads stream on the fetch-stream path, with progress per chunk.'
    : 'Served over plain HTTP/1.1: browsers stream uploads only over HTTP/2, so uploads here go by XHR (see each card’s path). Run `npm run demo:h2` for the HTTP/2 path.';
}

function wire(): void {
  (document.querySelector('#mode') as HTMLElement).textContent = describeMode();
  const files = document.querySelector('#files') as HTMLInputElement;
  files.addEventListener('change', () => {
    for (const file of files.files ?? []) upload(file);
    files.value = '';
  });
  const drop = document.querySelector('#drop') as HTMLElement;
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    for (const file of event.dataTransfer?.files ?? []) upload(file);
  });
  document.querySelector('#upload-sample')?.addEventListener('click', () => {
    upload(new File([new Uint8Array(48_000_000)], 'generated.bin', { type: 'application/octet-stream' }));
  });
  const messages = document.querySelector('#messages-form') as HTMLFormElement;
  messages.addEventListener('submit', (event) => {
    event.preventDefault();
    streamMessages(new FormData(messages));
  });
  const form = document.querySelector('#download-form') as HTMLFormElement;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void download(new FormData(form));
  });
}

if (mocked) {
  const { startMockWorker } = await import('./mock/worker.ts');
  await startMockWorker();
}
wire();
wireQueuePanel(announce);
document.body.dataset.ready = 'true';
