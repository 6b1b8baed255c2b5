import type { TransferEvent } from 'rx-transfer';
import {
  createTransferQueue,
  type QueueAggregateEvent,
  type QueueEvent,
  type QueueItem,
  type QueueSummaryEvent,
  type TransferQueue,
} from 'rx-transfer/queue';
import type { Subscription } from 'rxjs';
import { formatBytes, formatSeconds } from './format.ts';
import { createThroughputChart } from './throughput-chart.ts';
import { describeError } from './transfer-card.ts';

/** One item's row in the panel's list. */
interface Row {
  show(event: TransferEvent): void;
  settle(state: 'done' | 'failed' | 'cancelled', text: string): void;
}

const $ = <T extends Element>(selector: string) => document.querySelector(selector) as T;

/**
 * The multi-file panel: one `createTransferQueue` for the page. Items go in from the "download a set" form and from
 * picked files (uploads); the panel shows one aggregate bar with its figures, a row per item, and a live chart of the
 * throughput of each transfer and of the total, drawn from the queue's sampled `aggregate` events.
 */
export function wireQueuePanel(announce: (text: string) => void): void {
  const bar = $<HTMLProgressElement>('#queue-bar');
  const list = $<HTMLOListElement>('#queue-items');
  const pauseButton = $<HTMLButtonElement>('#queue-pause');
  const chart = createThroughputChart($<HTMLCanvasElement>('#queue-chart'));
  const rows = new Map<string, Row>();
  /** Each running item's latest rate, for the chart. */
  const rates = new Map<string, number>();
  let queue: TransferQueue | undefined;
  let subscription: Subscription | undefined;
  let concurrency = 0;
  let idle = true;
  let mostRunning = 0;

  const onEvent = (event: QueueEvent) => {
    if (event.type === 'item') {
      rows.get(event.key)?.show(event.event);
      if (event.event.type.endsWith('-progress')) rates.set(event.key, (event.event as { rate?: number }).rate ?? 0);
      if (event.event.type === 'complete') settleRow(event.key, 'done', 'done');
    } else if (event.type === 'item-failed') {
      settleRow(event.key, 'failed', `failed: ${describeError(event.error)}`);
    } else if (event.type === 'item-cancelled') {
      settleRow(event.key, 'cancelled', `cancelled${event.started ? '' : ' before it started'}`);
    } else if (event.type === 'aggregate') {
      showAggregate(event);
      chart.add(event.time, event.rate ?? 0, rates);
    } else {
      showSummary(event);
    }
  };
  const settleRow = (key: string, state: 'done' | 'failed' | 'cancelled', text: string) => {
    rates.delete(key);
    rows.get(key)?.settle(state, text);
  };
  const showAggregate = (event: QueueAggregateEvent) => {
    const { items } = event;
    mostRunning = Math.max(mostRunning, items.running);
    if (event.percent === undefined) bar.removeAttribute('value');
    else bar.value = event.percent;
    const unknown = items.unknown > 0 ? ` + ${formatBytes(event.unknownLoaded)} of unknown size` : '';
    $('#queue-amount').textContent = `${formatBytes(event.loaded)} of ${formatBytes(event.total)}${unknown}`;
    $('#queue-rate').textContent = event.rate === undefined ? '' : `${formatBytes(event.rate)}/s`;
    $('#queue-eta').textContent = event.eta === undefined ? '' : `${formatSeconds(event.eta)} left`;
    $('#queue-counts').textContent =
      `${items.running} running · ${items.waiting} waiting · ${items.done} done · ${items.failed} failed · ${items.cancelled} cancelled`;
    const partial = $<HTMLParagraphElement>('#queue-partial');
    partial.hidden = !event.partial;
    partial.textContent = `Partial: ${items.unknown} of ${items.total} items have no known size yet, so the bar and its percent cover the other ${items.total - items.unknown}, and there is no ETA.`;
    const panel = $<HTMLElement>('#queue-panel');
    panel.dataset.running = String(items.running);
    panel.dataset.mostRunning = String(mostRunning);
    panel.dataset.percent = String(event.percent ?? '');
  };
  const showSummary = (event: QueueSummaryEvent<string>) => {
    idle = true;
    const { items } = event;
    const failures = event.failed.map(({ key }) => key).join(', ');
    const text =
      `${items.done} of ${items.total} done, ${items.failed} failed${failures === '' ? '' : ` (${failures})`}, ` +
      `${items.cancelled} cancelled: ${formatBytes(event.bytes)} in ${formatSeconds(event.duration / 1000)}`;
    $('#queue-summary').textContent = text;
    $<HTMLElement>('#queue-panel').dataset.state = 'idle';
    $('#queue-eta').textContent = '';
    announce(`Queue: ${text}`);
  };
  /** The queue for this concurrency: a new one when it changed while nothing ran. */
  const queueFor = (wanted: number): TransferQueue => {
    if (queue !== undefined && (wanted === concurrency || !idle)) return queue;
    subscription?.unsubscribe();
    concurrency = wanted;
    queue = createTransferQueue({ concurrency, progressInterval: 250 });
    subscription = queue.events$.subscribe(onEvent);
    return queue;
  };
  const enqueue = (items: readonly QueueItem[]) => {
    const target = queueFor(Number($<HTMLSelectElement>('#queue-form select[name="concurrency"]').value));
    if (idle) startSet();
    for (const item of items) {
      rows.set(item.key, addRow(list, item.key, item.direction ?? 'download'));
      target.add(item);
    }
  };
  const startSet = () => {
    idle = false;
    mostRunning = 0;
    rows.clear();
    rates.clear();
    list.replaceChildren();
    chart.clear();
    $('#queue-summary').textContent = '';
    $<HTMLElement>('#queue-panel').dataset.state = 'running';
  };

  $<HTMLFormElement>('#queue-form').addEventListener('submit', (event) => {
    event.preventDefault();
    enqueue(downloadSet(new FormData(event.target as HTMLFormElement), rows));
  });
  const files = $<HTMLInputElement>('#queue-files');
  files.addEventListener('change', () => {
    const rate = Number($<HTMLSelectElement>('#queue-form select[name="rate"]').value);
    enqueue([...(files.files ?? [])].map((file) => uploadItem(file, rate, rows)));
    files.value = '';
  });
  pauseButton.addEventListener('click', () => {
    if (queue?.paused) queue.resume();
    else queue?.pause();
    const paused = queue?.paused === true;
    pauseButton.textContent = paused ? 'Resume' : 'Pause';
    pauseButton.setAttribute('aria-pressed', String(paused));
    $<HTMLElement>('#queue-panel').dataset.paused = String(paused);
  });
  $<HTMLButtonElement>('#queue-cancel').addEventListener('click', () => queue?.cancelAll());
}

/** The set the form asks for: `count` downloads of `size` bytes at `rate` each, declared sizes unless some are unknown. */
function downloadSet(form: FormData, taken: ReadonlyMap<string, Row>): QueueItem[] {
  const count = Number(form.get('count'));
  const size = Number(form.get('size'));
  const rate = Number(form.get('rate'));
  const first = taken.size;
  return Array.from({ length: count }, (_, i) => {
    const key = `file-${String(first + i + 1).padStart(2, '0')}.bin`;
    if (form.get('failing') !== null && i === Math.floor(count / 2)) {
      return { key, options: { url: 'api/status/500?body=the%20server%20broke', retry: 1 } };
    }
    const params = new URLSearchParams({ size: String(size) });
    if (rate > 0) params.set('rate', String(rate));
    const unknown = form.get('unknown') !== null && i % 3 === 2;
    if (unknown) params.set('length', 'none');
    const options = { url: `api/download?${params}`, responseType: 'none' as const };
    return unknown ? { key, options } : { key, options, size };
  });
}

/** A picked file as an upload, read by the server at `rate` (if any); its key made unique. */
function uploadItem(file: File, rate: number, taken: ReadonlyMap<string, Row>): QueueItem {
  let key = file.name;
  for (let n = 2; taken.has(key); n++) key = `${file.name} (${n})`;
  const query = rate > 0 ? `?readRate=${rate}` : '';
  return { key, options: { url: `api/upload${query}`, method: 'POST', body: file }, direction: 'upload' };
}

/** Appends a row for one item: its key, a bar, and its state. */
function addRow(list: HTMLOListElement, key: string, direction: 'upload' | 'download'): Row {
  const row = document.createElement('li');
  row.className = 'queue-item';
  row.dataset.state = 'waiting';
  row.innerHTML =
    '<span class="name"></span><progress max="100" value="0"></progress><span class="state">waiting</span>';
  const part = <T extends Element>(selector: string) => row.querySelector(selector) as T;
  part('.name').textContent = key;
  const bar = part<HTMLProgressElement>('progress');
  bar.setAttribute('aria-label', key);
  list.append(row);
  const counted = direction === 'upload' ? 'upload-progress' : 'download-progress';
  return {
    show(event) {
      if (event.type === 'start') {
        row.dataset.state = 'running';
        part('.state').textContent = event.attempt > 1 ? `running (attempt ${event.attempt})` : 'running';
      }
      if (event.type === 'retry') part('.state').textContent = `retrying in ${formatSeconds(event.delay / 1000)}`;
      if (event.type !== counted) return;
      if (event.percent === undefined) bar.removeAttribute('value');
      else bar.value = event.percent;
    },
    settle(state, text) {
      row.dataset.state = state;
      part('.state').textContent = text;
      part<HTMLElement>('.state').title = text;
      if (state === 'done') bar.value = 100;
      else if (!bar.hasAttribute('value')) bar.value = 0;
    },
  };
}
