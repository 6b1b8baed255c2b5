import { isTransferError, type TransferEvent } from 'rx-transfer';
import { formatBytes } from './format.ts';

/** A card's lines on resumes and on the digest check; both stay empty for a download that needs neither. */
export interface ResumeNotes {
  readonly element: HTMLElement;
  show(event: TransferEvent): void;
  fail(error: unknown): void;
}

/**
 * The resume and digest lines of a download card: one line per retry (where it resumes from, the `retry` event's
 * `resumeFrom`, or that it starts again from 0), completed by the status and Content-Range of the answer; and the
 * digest's verdict: the algorithm checked once the body matched, or the `IntegrityError`.
 */
export function createResumeNotes(): ResumeNotes {
  const element = document.createElement('div');
  element.className = 'notes';
  element.innerHTML = '<ol class="resumes"></ol><p class="digest" hidden></p>';
  const resumes = element.querySelector('.resumes') as HTMLOListElement;
  const digest = element.querySelector('.digest') as HTMLParagraphElement;
  let stated: string | undefined;
  let pending: HTMLLIElement | undefined;
  const verdict = (text: string, ok: boolean) => {
    digest.hidden = false;
    digest.textContent = text;
    digest.dataset.ok = String(ok);
  };
  return {
    element,
    show(event) {
      if (event.type === 'retry') {
        pending = document.createElement('li');
        const from = event.resumeFrom;
        pending.textContent =
          from === undefined
            ? `attempt ${event.attempt} starts again from 0`
            : `attempt ${event.attempt} resumes from ${formatBytes(from)} (Range: bytes=${from}-)`;
        resumes.append(pending);
      }
      if (event.type === 'headers') {
        if (pending !== undefined) {
          const range = event.headers.get('content-range');
          pending.textContent += `: ${event.status}${range === null ? '' : `, ${range}`}`;
          pending = undefined;
        }
        if (event.status === 200) stated = digestStated(event.headers);
      }
      if (event.type === 'complete' && stated !== undefined) verdict(`${stated} checked: the body matches`, true);
    },
    fail(error) {
      if (isTransferError(error, 'IntegrityError')) {
        const { algorithm, expected, actual } = error;
        verdict(`IntegrityError: ${algorithm} expected ${expected}, got ${actual}`, false);
      }
    },
  };
}

/**
 * The digest rx-transfer checks for a response with `headers`: Repr-Digest or Content-Digest, sha-512 before
 * sha-256, none under a Content-Encoding (it covers the encoded bytes).
 */
function digestStated(headers: Headers): string | undefined {
  if (headers.has('content-encoding')) return undefined;
  const fields = `${headers.get('repr-digest') ?? ''},${headers.get('content-digest') ?? ''}`;
  const algorithms = (['sha-512', 'sha-256'] as const).filter((name) => fields.includes(`${name}=:`));
  return algorithms[0];
}
