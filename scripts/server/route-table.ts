import type { Exchange } from './exchange.ts';
import type { RecordStore } from './record-store.ts';
import { serveDownload } from './serve-download.ts';
import { serveRecords } from './serve-records.ts';
import { serveSlowHeaders } from './serve-slow-headers.ts';
import { serveStatus } from './serve-status.ts';
import { serveUpload } from './serve-upload.ts';

/** One route: a path pattern whose groups become `params`, and the methods it answers. */
export interface Route {
  path: RegExp;
  methods: readonly string[];
  /** Whether requests to this route get a record (the records endpoint itself does not). */
  recorded: boolean;
  serve(ex: Exchange, params: readonly string[]): void | Promise<void>;
}

/** The routes of the transfer server. */
export function routeTable(store: RecordStore): Route[] {
  const failedOnce = new Set<string>();
  return [
    { path: /^\/upload$/, methods: ['POST', 'PUT'], recorded: true, serve: (ex) => serveUpload(ex, failedOnce) },
    { path: /^\/download$/, methods: ['GET'], recorded: true, serve: serveDownload },
    {
      path: /^\/status\/(\d{3})$/,
      methods: ['GET', 'POST'],
      recorded: true,
      serve: (ex, [code]) => serveStatus(ex, Number(code)),
    },
    { path: /^\/slow-headers$/, methods: ['GET'], recorded: true, serve: serveSlowHeaders },
    { path: /^\/echo-headers$/, methods: ['GET', 'POST'], recorded: true, serve: (ex) => ex.json(200, ex.req.headers) },
    {
      path: /^\/records\/([^/]+)$/,
      methods: ['GET'],
      recorded: false,
      serve: (ex, [id = '']) => serveRecords(ex, store, decodeURIComponent(id)),
    },
  ];
}

/** The route matching `pathname` and its captured params, if any. */
export function matchRoute(routes: readonly Route[], pathname: string): { route: Route; params: string[] } | undefined {
  for (const route of routes) {
    const match = route.path.exec(pathname);
    if (match) return { route, params: match.slice(1) };
  }
  return undefined;
}
