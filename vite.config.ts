import { defineConfig } from 'vitest/config';

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
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
