import type { Plugin } from 'vite';
import { createCertificate } from '../scripts/server/create-certificate.ts';
import { createRequestHandler } from '../scripts/server/create-request-handler.ts';
import type { Exchange } from '../scripts/server/exchange.ts';
import { RecordStore } from '../scripts/server/record-store.ts';

/**
 * Mounts the real test server's endpoints (upload sink, download source with size, rate,
 * gzip and failure modes, statuses) at `/api` of Vite's dev server, so that the demo needs
 * no server of the user's own. With `https`, a certificate is made at run time and Vite
 * serves HTTP/2, the one protocol on which Chromium streams request bodies.
 */
export function transferEndpoints(options: { https: boolean }): Plugin {
  const live = new Set<Exchange>();
  return {
    name: 'rx-transfer-demo-endpoints',
    async config() {
      if (!options.https) return {};
      const { key, cert } = await createCertificate();
      return { server: { https: { key, cert } }, preview: { https: { key, cert } } };
    },
    configureServer(server) {
      const handle = createRequestHandler(new RecordStore(), live);
      server.middlewares.use('/api', (req, res) => handle(req, res));
      server.httpServer?.once('close', () => {
        for (const exchange of live) exchange.reset();
      });
    },
  };
}
