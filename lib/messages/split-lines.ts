/** A parser of a message stream's decoded text, fed as it arrives. */
export interface MessageParser {
  /** Parses the next piece of text, delivering each message it completes. */
  readonly feed: (text: string) => void;
  /** The text has ended: delivers what a last piece completes. */
  readonly end: () => void;
}

const CR = 13;

/**
 * Splits text into lines at `\n`, dropping a `\r` before it, across pieces cut anywhere; a last
 * line without its `\n` is a line too. Each line goes to `onLine` with its number (from 1); a line
 * (or the piece of one still held) longer than `maxLength` characters throws `tooLong(number)`
 * before more is held.
 */
export function splitLines(
  maxLength: number,
  onLine: (line: string, number: number) => void,
  tooLong: (number: number) => Error,
): MessageParser {
  let held = '';
  let number = 0;
  const line = (text: string) => {
    number++;
    const ended = text.charCodeAt(text.length - 1) === CR ? text.slice(0, -1) : text;
    if (ended.length > maxLength) throw tooLong(number);
    onLine(ended, number);
  };
  return {
    feed(text) {
      let start = 0;
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
        line(start === 0 && held !== '' ? held + text.slice(0, end) : text.slice(start, end));
        start = end + 1;
      }
      held = start === 0 ? held + text : text.slice(start);
      // One more for a `\r` whose `\n` is still to come.
      if (held.length > maxLength + 1) throw tooLong(number + 1);
    },
    end() {
      if (held !== '') line(held);
      held = '';
    },
  };
}
