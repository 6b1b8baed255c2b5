import { TransferError } from './transfer-errors.js';

// The errors of the message streams, apart from transfer-errors.ts: only lib/messages/ (loaded on
// demand) throws them, and in that module they would be carried by every app at start.

/**
 * A message stream held a line longer than `maxLineLength` characters (`'lines'`, `'ndjson'`), or an
 * event not yet complete that long (`'sse'`): the read is stopped there, so what is buffered stays
 * bounded whatever the server sends. `line` is the number of the line (from 1; `undefined` for
 * `'sse'`), `limit` the option's value.
 */
export class LineTooLongError extends TransferError {
  override readonly name = 'LineTooLongError';
  readonly limit: number;
  readonly line: number | undefined;

  constructor(method: string, url: string, limit: number, line: number | undefined) {
    const where = line === undefined ? 'An event' : `Line ${line}`;
    super(`${where} of the message stream runs past ${limit} characters`, method, url);
    this.limit = limit;
    this.line = line;
  }
}

/**
 * A line of an NDJSON stream (`responseType: 'ndjson'`) is not JSON; `badLines: 'skip'` drops such
 * lines instead. `line` is its number (from 1, in the response of the attempt), `text` the line
 * (its first 65536 characters), `cause` the parser's `SyntaxError`.
 */
export class MessageParseError extends TransferError {
  override readonly name = 'MessageParseError';
  readonly line: number;
  readonly text: string;

  constructor(method: string, url: string, line: number, text: string, cause: unknown) {
    super(`Line ${line} of the NDJSON stream is not JSON`, method, url, { cause });
    this.line = line;
    this.text = text.slice(0, 65_536);
  }
}
