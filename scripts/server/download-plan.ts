import { BadRequest } from './bad-request.ts';
import { flag, intOr, optionalInt, optionalPositive } from './query-params.ts';

/** Largest write size accepted for `chunk`. */
export const MAX_CHUNK = 1 << 20;

/** How a download body ends: normally, cut (connection destroyed / stream reset), or stalled until the client leaves. */
export type DownloadEnding = { kind: 'end' } | { kind: 'cut' | 'drop' | 'stall'; at: number };

/** The parsed query of `GET /download`. */
export interface DownloadPlan {
  size: number;
  chunk: number;
  rate: number | undefined;
  gzip: boolean;
  sizeHint: boolean;
  /** The Content-Length to declare: the body's own length, a given number, or none (chunked). */
  length: 'body' | 'none' | number;
  ending: DownloadEnding;
}

/**
 * Reads the download query. `chunk` defaults to 64 KiB, or, when `rate` is given, to a tenth of a second's worth of
 * bytes (at most 64 KiB), so that paced bodies flow smoothly.
 */
export function downloadPlan(url: URL): DownloadPlan {
  const ending = endingOf(url);
  return {
    size: intOr(url, 'size', 0),
    ...pacingOf(url),
    gzip: flag(url, 'gzip'),
    sizeHint: flag(url, 'sizeHint'),
    length: ending.kind === 'drop' ? 'none' : lengthOf(url.searchParams.get('length')),
    ending,
  };
}

/** The write size and rate of a body (`chunk`, `rate`), as {@link downloadPlan} reads them. */
export function pacingOf(url: URL): { chunk: number; rate: number | undefined } {
  const rate = optionalPositive(url, 'rate');
  const chunk = optionalPositive(url, 'chunk') ?? Math.min(65_536, Math.max(1, Math.floor((rate ?? Infinity) / 10)));
  if (chunk > MAX_CHUNK) throw new BadRequest(`chunk must be at most ${MAX_CHUNK}`);
  return { chunk, rate };
}

function endingOf(url: URL): DownloadEnding {
  const endings = (['cut', 'drop', 'stall'] as const).flatMap((kind) => {
    const at = optionalInt(url, `${kind}At`);
    return at === undefined ? [] : [{ kind, at }];
  });
  if (endings.length > 1) throw new BadRequest('use at most one of cutAt, dropAt, stallAt');
  return endings[0] ?? { kind: 'end' };
}

function lengthOf(text: string | null): DownloadPlan['length'] {
  if (text === null || text === '') return 'body';
  if (text === 'none') return 'none';
  const lie = /^lie:(\d+)$/.exec(text);
  if (lie?.[1] === undefined) throw new BadRequest('length must be none or lie:<n>');
  return Number(lie[1]);
}
