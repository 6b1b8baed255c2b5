import type { ServerSentEvent, TransferEvent } from 'rx-transfer';
import { createTransferCard, type TransferCard } from './transfer-card.ts';

const MAX_LINES = 12;

/**
 * A card for a message stream: the transfer card (state, timeline, event log, Cancel) with the
 * messages drawn as they come (an SSE story's words as running text, an NDJSON tail's last lines)
 * and the reconnects counted.
 */
export function createMessageCard(
  title: string,
  shape: 'text' | 'lines',
  announce: (text: string) => void,
): TransferCard {
  const card = createTransferCard(title, 'download', announce);
  const { element } = card;
  element.dataset.kind = 'messages';
  const counted = document.createElement('span');
  counted.className = 'count';
  counted.textContent = '0 messages';
  const reconnects = document.createElement('span');
  reconnects.className = 'reconnects';
  reconnects.textContent = 'reconnects: 0';
  element.querySelector('.figures')?.prepend(counted, reconnects);
  const body = document.createElement(shape === 'text' ? 'p' : 'ol');
  body.className = `messages ${shape}`;
  body.setAttribute('aria-label', 'messages');
  element.querySelector('progress')?.after(body);
  let count = 0;
  return {
    ...card,
    show(event: TransferEvent) {
      card.show(event);
      if (event.type === 'retry') reconnects.textContent = `reconnects: ${event.attempt - 1}`;
      if (event.type !== 'message') return;
      count++;
      counted.textContent = `${count} messages`;
      const state = element.querySelector('.state') as HTMLElement;
      if (state.textContent !== 'streaming') state.textContent = 'streaming';
      if (shape === 'text') {
        body.append((event.message as ServerSentEvent).data);
        return;
      }
      const line = document.createElement('li');
      line.textContent = JSON.stringify(event.message);
      body.append(line);
      if (body.children.length > MAX_LINES) body.firstElementChild?.remove();
    },
  };
}
