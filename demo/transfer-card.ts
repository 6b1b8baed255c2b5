import { isHTTPError, type TransferEvent } from 'rx-transfer';
import { formatBytes, formatSeconds, hexPreview } from './format.ts';
import { createResumeNotes } from './resume-notes.ts';

/** The final states a card can show; `data-state` carries them for styling and tests. */
export type CardState = 'running' | 'done' | 'failed' | 'cancelled';

/** One transfer on the page, drawn from its events. */
export interface TransferCard {
  readonly element: HTMLLIElement;
  /** Draws one lifecycle event: progress, figures, path, timeline and log. */
  show(event: TransferEvent): void;
  fail(error: unknown): void;
  /** Marks the transfer finished; `extra` is shown beside the state (a link, a preview). */
  finish(extra?: Node): void;
  cancel(): void;
  /** Called when the user presses Cancel. */
  onCancel(action: () => void): void;
}

/** The stages a card's timeline shows: a download has no request body, so no `sent`. */
const STAGES = {
  upload: ['start', 'sent', 'headers', 'complete'],
  download: ['start', 'headers', 'complete'],
} as const;
const MAX_LOG = 200;

/** Creates the card for a transfer titled `title` whose main direction is `kind`. */
export function createTransferCard(
  title: string,
  kind: 'upload' | 'download',
  announce: (text: string) => void,
): TransferCard {
  const element = document.createElement('li');
  element.className = 'card';
  element.dataset.kind = kind;
  element.innerHTML = `
    <header><h3></h3><span class="state" role="status">running</span><button type="button" class="secondary cancel">Cancel</button></header>
    <progress max="100"></progress>
    <div class="figures"><span class="amount">waiting</span><span class="rate"></span><span class="eta"></span><span class="path"></span></div>
    <ol class="timeline">${STAGES[kind].map((stage) => `<li data-stage="${stage}">${stage}</li>`).join('')}</ol>
    <details class="log"><summary>Event log</summary><ol></ol></details>
    <div class="extra"></div>`;
  const part = <T extends Element>(selector: string) => element.querySelector(selector) as T;
  part<HTMLHeadingElement>('h3').textContent = title;
  const bar = part<HTMLProgressElement>('progress');
  bar.setAttribute('aria-label', `${kind} of ${title}`);
  const state = part<HTMLSpanElement>('.state');
  const cancelButton = part<HTMLButtonElement>('.cancel');
  const log = part<HTMLOListElement>('.log ol');
  const notes = createResumeNotes();
  part<HTMLOListElement>('.timeline').after(notes.element);
  let startedAt = 0;

  const settle = (next: CardState, text: string) => {
    element.dataset.state = next;
    state.className = `state ${next}`;
    state.textContent = text;
    cancelButton.hidden = true;
    if (!bar.hasAttribute('value')) bar.value = 0; // no endless indeterminate animation once it has ended
    part<HTMLSpanElement>('.eta').textContent = '';
    announce(`${title}: ${text}`);
  };
  const addLog = (line: string) => {
    const item = document.createElement('li');
    item.textContent = line;
    log.append(item);
    if (log.children.length > MAX_LOG) log.firstElementChild?.remove();
  };
  element.dataset.state = 'running';

  return {
    element,
    show(event) {
      startedAt ||= event.time;
      notes.show(event);
      addLog(`+${(event.time - startedAt).toFixed(0)} ms ${describeEvent(event)}`);
      if (event.type === 'start') part<HTMLSpanElement>('.path').textContent = `path: ${event.transport}`;
      const stage = element.querySelector(`[data-stage="${event.type}"]`);
      if (stage !== null) {
        stage.classList.add('reached');
        stage.textContent = `${event.type} +${(event.time - startedAt).toFixed(0)} ms`;
      }
      if (event.type === (kind === 'upload' ? 'upload-progress' : 'download-progress')) {
        if (event.percent === undefined) bar.removeAttribute('value');
        else bar.value = event.percent;
        const total = event.total === undefined ? 'total unknown' : `of ${formatBytes(event.total)}`;
        part<HTMLSpanElement>('.amount').textContent = `${formatBytes(event.loaded)} ${total}`;
        part<HTMLSpanElement>('.rate').textContent = event.rate === undefined ? '' : `${formatBytes(event.rate)}/s`;
        part<HTMLSpanElement>('.eta').textContent = event.eta === undefined ? '' : `${formatSeconds(event.eta)} left`;
      }
      if (event.type === 'retry') {
        const resuming = event.resumeFrom === undefined ? '' : `, resuming from ${formatBytes(event.resumeFrom)}`;
        state.textContent = `retrying (attempt ${event.attempt}${resuming})${event.offline ? ': waiting to be online' : ''}`;
        announce(`${title}: retrying`);
      }
      if (event.type === 'complete') {
        bar.value = 100;
        if (event.prefix !== undefined) showPreview(part<HTMLDivElement>('.extra'), event.prefix);
      }
    },
    fail(error) {
      notes.fail(error);
      addLog(`error ${describeError(error)}`);
      settle('failed', `failed: ${describeError(error)}`);
    },
    finish(extra) {
      if (extra !== undefined) part<HTMLDivElement>('.extra').prepend(extra);
      settle('done', 'done');
    },
    cancel() {
      addLog('cancelled: unsubscribed');
      settle('cancelled', 'cancelled');
    },
    onCancel(action) {
      cancelButton.addEventListener('click', action, { once: true });
    },
  };
}

function describeEvent(event: TransferEvent): string {
  switch (event.type) {
    case 'start':
      return `start attempt ${event.attempt} ${event.method} ${event.url} via ${event.transport}`;
    case 'upload-progress':
    case 'download-progress':
      return `${event.type} ${formatBytes(event.loaded)}${event.total === undefined ? '' : ` / ${formatBytes(event.total)}`}`;
    case 'sent':
      return `sent ${formatBytes(event.bytes)}`;
    case 'headers':
      return `headers ${event.status} ${event.statusText}`;
    case 'retry': {
      const from = event.resumeFrom === undefined ? '' : ` from byte ${event.resumeFrom}`;
      return `retry: attempt ${event.attempt}${from} in ${formatSeconds(event.delay / 1000)} (${event.delaySource})${event.offline ? ', once online' : ''} after ${describeError(event.error)}`;
    }
    case 'complete':
      return `complete ${formatBytes(event.downloaded)} received`;
    case 'message':
      return `message ${JSON.stringify(event.message).slice(0, 80)}`;
  }
}

/** The error's name and message, and for an HTTP status the body text the server sent. */
export function describeError(error: unknown): string {
  if (isHTTPError(error)) return `${error.name}: ${error.response.status} ${String(error.data ?? '')}`.trim();
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function showPreview(container: HTMLElement, prefix: Uint8Array): void {
  const preview = document.createElement('pre');
  preview.className = 'preview';
  preview.setAttribute('aria-label', 'first bytes');
  preview.textContent = hexPreview(prefix);
  container.append(preview);
}
