import type { Exchange } from './exchange.ts';
import type { RecordStore } from './record-store.ts';
import type { ResumableUploads } from './resumable-uploads.ts';
import { serveDownload } from './serve-download.ts';
import { serveDrip } from './serve-drip.ts';
import { serveDrippedHeaders } from './serve-dripped-headers.ts';
import { serveFile } from './serve-file.ts';
import { serveFlaky } from './serve-flaky.ts';
import { serveMessages } from './serve-messages.ts';
import { serveRecords } from './serve-records.ts';
import { serveCreation, serveUploadResource } from './serve-resumable.ts';
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

/** The routes of the transfer server; `uploads` holds those of the IETF resumable-upload routes. */
export function routeTable(store: RecordStore, uploads: ResumableUploads): Route[] {
  const failedOnce = new Set<string>();
  return [
    { path: /^\/upload$/, methods: ['POST', 'PUT'], recorded: true, serve: (ex) => serveUpload(ex, failedOnce) },
    { path: /^\/download$/, methods: ['GET'], recorded: true, serve: (ex) => serveDownload(ex) },
    { path: /^\/file$/, methods: ['GET'], recorded: true, serve: serveFile },
    {
      path: /^\/status\/(\d{3})$/,
      methods: ['GET', 'POST'],
      recorded: true,
      serve: (ex, [code]) => serveStatus(ex, Number(code)),
    },
    { path: /^\/slow-headers$/, methods: ['GET'], recorded: true, serve: serveSlowHeaders },
    { path: /^\/drip$/, methods: ['GET'], recorded: true, serve: serveDrip },
    { path: /^\/dripped-headers$/, methods: ['GET'], recorded: true, serve: serveDrippedHeaders },
    { path: /^\/flaky$/, methods: ['GET', 'POST', 'PUT'], recorded: true, serve: serveFlaky },
    { path: /^\/messages$/, methods: ['GET', 'POST'], recorded: true, serve: serveMessages },
    { path: /^\/echo-headers$/, methods: ['GET', 'POST'], recorded: true, serve: (ex) => ex.json(200, ex.req.headers) },
    { path: /^\/resumable\/$/, methods: ['POST'], recorded: true, serve: (ex) => serveCreation(ex, uploads) },
    {
      path: /^\/resumable\/([^/]+)$/,
      methods: ['HEAD', 'PATCH', 'DELETE', 'GET'],
      recorded: true,
      serve: (ex, [id = '']) => serveUploadResource(ex, uploads, id),
    },
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
