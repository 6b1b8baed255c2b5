import type { QueueItem } from './queue-options.js';

/** What an item counts for in a batch's figures: which body, and its total when known before it starts. */
export interface ItemWeight {
  readonly direction: 'upload' | 'download';
  readonly size: number | undefined;
}

/**
 * An item's weight: its `direction` (by default its request body when it has one, else its response), and its
 * `size`, or else its request body's size when it is an upload of a Blob, an ArrayBuffer or a view (other bodies,
 * and responses, are known only once their transfer reports a total).
 */
export function weightOf({ options, direction, size }: QueueItem<unknown>): ItemWeight {
  const counted = direction ?? (options.body === undefined && options.json === undefined ? 'download' : 'upload');
  const { body } = options;
  const bodySize =
    body instanceof Blob
      ? body.size
      : body instanceof ArrayBuffer || ArrayBuffer.isView(body)
        ? body.byteLength
        : undefined;
  return { direction: counted, size: size ?? (counted === 'upload' ? bodySize : undefined) };
}
