import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import type { Plugin, UserConfig } from 'vite';
import { defineConfig } from 'vitest/config';
import type { BrowserConfigOptions } from 'vitest/node';
import { transferEndpoints } from './demo/transfer-endpoints.ts';
import { puppeteerFirefox } from './scripts/browsers/firefox-provider.ts';
import { webkitGtk } from './scripts/browsers/webkit-provider.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium.ts';
import { browserCommands } from './test/support/browser-commands.ts';
import { faultProxyCommands } from './test/support/fault-proxy-commands.ts';

/**
 * Debian's Chromium, started as everywhere in the project (scripts/chromium.ts), with a heap that tests can read to
 * the byte after a collection (`performance.memory`, `gc()`: the message streams' flat-memory test).
 */
const chromium = playwright({
  launchOptions: {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, '--enable-precise-memory-info', '--js-flags=--expose-gc'],
  },
});

/**
 * The demo page (`--mode demo`, `demo-h2`, `demo-static`): `demo/` served with the real
 * endpoints at `/api`, over HTTP/1.1 or (h2) HTTPS with HTTP/2; or built as a static site
 * whose endpoints MSW's service worker answers.
 */
function demoConfig(mode: string): UserConfig {
  const mocked = mode === 'demo-static';
  return {
    root: 'demo',
    base: './',
    resolve: {
      alias: [
        { find: /^rx-transfer$/, replacement: fileURLToPath(new URL('./lib/index.ts', import.meta.url)) },
        { find: /^rx-transfer\/queue$/, replacement: fileURLToPath(new URL('./lib/queue/index.ts', import.meta.url)) },
      ],
    },
    server: { host: '127.0.0.1', port: 5173 },
    preview: { host: '127.0.0.1', port: 4173 },
    plugins: mocked ? [mockServiceWorkerFile()] : [transferEndpoints({ https: mode === 'demo-h2' })],
    build: { outDir: '../dist-demo', emptyOutDir: true },
  };
}

/** Emits MSW's worker script from the installed msw, so it always matches the library version. */
function mockServiceWorkerFile(): Plugin {
  return {
    name: 'rx-transfer-demo-msw-worker',
    generateBundle() {
      const source = readFileSync('node_modules/msw/lib/mockServiceWorker.js', 'utf8');
      this.emitFile({ type: 'asset', fileName: 'mockServiceWorker.js', source });
    },
  };
}

/** The browser tests (test/browser/), with the test servers and the fault proxies' commands, in one engine. */
function browserProject(name: string, browser: BrowserConfigOptions) {
  return {
    extends: true,
    test: {
      name,
      include: ['test/browser/**/*.test.ts'],
      globalSetup: ['test/browser/global-setup.ts'],
      browser: { enabled: true, commands: { ...faultProxyCommands, ...browserCommands }, ...browser },
    },
  };
}

/**
 * The other engines' projects: Firefox ESR headless, and WebKitGTK's MiniBrowser under Xvfb
 * (scripts/ensure-browsers.sh installs them). RX_TRANSFER_ENGINES narrows them (comma-separated:
 * `firefox`, `webkit`; `none` for Chromium alone); both by default.
 */
function otherEngines() {
  const wanted = (process.env.RX_TRANSFER_ENGINES ?? 'firefox,webkit').split(',');
  const has = (engine: string) => wanted.includes(engine);
  return [
    ...(has('firefox')
      ? [
          browserProject('firefox', {
            headless: true,
            provider: puppeteerFirefox(),
            instances: [{ browser: 'firefox' }],
          }),
        ]
      : []),
    ...(has('webkit')
      ? [browserProject('webkit', { headless: false, provider: webkitGtk(), instances: [{ browser: 'safari' }] })]
      : []),
  ];
}

export default defineConfig(({ mode }) => {
  if (mode.startsWith('demo')) return demoConfig(mode);
  return {
    root: '.',
    server: { host: '127.0.0.1' },
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      // Readable ESM with real names, like ky and RxJS ship: the app's bundler minifies.
      minify: false,
      sourcemap: true,
      // Three entries: the main one, `rx-transfer/resumable` and `rx-transfer/queue` (optional capabilities an app pays
      // for only if it imports them).
      lib: {
        entry: {
          index: 'lib/index.ts',
          'resumable/index': 'lib/resumable/index.ts',
          'queue/index': 'lib/queue/index.ts',
        },
        formats: ['es'],
      },
      rolldownOptions: {
        external: ['rxjs', /^rxjs\//, 'ky', 'hash-wasm', 'eventsource-parser'],
        // One file per module, as lib/ has them: readable, and the on-demand parts (the ky path,
        // the XHR transport) stay their own files for the app's bundler to split.
        output: { preserveModules: true, preserveModulesRoot: 'lib', entryFileNames: '[name].js' },
      },
    },
    test: {
      testTimeout: 30_000,
      reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
      projects: [
        {
          extends: true,
          test: {
            name: 'node',
            include: ['test/**/*.test.ts'],
            exclude: ['test/browser/**'],
            environment: 'node',
            typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
          },
        },
        browserProject('browser', { headless: true, provider: chromium, instances: [{ browser: 'chromium' }] }),
        ...otherEngines(),
      ],
    },
  };
});
