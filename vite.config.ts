import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

/** Debian's Chromium (scripts/ensure-chromium.sh installs it); Playwright's own download does not work here. */
const chromium = playwright({
  launchOptions: {
    executablePath: '/usr/bin/chromium',
    // Playwright adds --headless, --no-sandbox, --no-first-run, --disable-background-networking,
    // --disable-component-update, --disable-sync and a fresh --user-data-dir itself.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  },
});

export default defineConfig({
  root: '.',
  server: { host: '127.0.0.1' },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    sourcemap: true,
    lib: { entry: 'lib/index.ts', formats: ['es'], fileName: 'index' },
    rolldownOptions: { external: ['rxjs', /^rxjs\//, 'ky'] },
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
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/global-setup.ts'],
          browser: { enabled: true, headless: true, provider: chromium, instances: [{ browser: 'chromium' }] },
        },
      },
    ],
  },
});
