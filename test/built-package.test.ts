import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./support/run-built-package.js', import.meta.url));
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
/** The Node the tests run on, and Debian's own Node (20 on this machine) where it is a different one. */
const nodes = [process.execPath, '/usr/bin/node'].filter(
  (path, index, all) => existsSync(path) && all.indexOf(path) === index,
);

describe('the built package (dist/, after `npm run build`)', () => {
  it('ships readable ES module code with its source map', () => {
    const code = readFileSync(`${dist}errors/transfer-errors.js`, 'utf8');
    const map = JSON.parse(readFileSync(`${dist}core/transfer.js.map`, 'utf8')) as { sources: string[] };
    expect(code).toMatch(/\/\/# sourceMappingURL=transfer-errors\.js\.map\s*$/);
    expect(code).toMatch(/\bvar TruncatedBodyError = class extends TransferError\b|\bclass TruncatedBodyError\b/);
    expect(readFileSync(`${dist}index.js`, 'utf8')).toContain('export {');
    expect(map.sources.some((source) => source.endsWith('lib/core/transfer.ts'))).toBe(true);
  });

  it.each(nodes)('runs in %s with real class names on its errors', async (node) => {
    const { stdout } = await run(node, [script], { timeout: 20_000 });
    const seen = JSON.parse(stdout);
    for (const [exported, name] of seen.classNames) expect(name, `${exported}'s class name`).toBe(exported);
    expect(seen.classNames.map(([exported]: [string]) => exported)).toEqual(
      expect.arrayContaining(['TruncatedBodyError', 'InvalidTransferOptionError', 'TransferAbortError', 'HTTPError']),
    );
    expect(seen.get).toEqual({ method: 'GET', url: '/get', bytes: 0 });
    expect(seen.upload.types).toEqual(['start', 'upload-progress', 'sent', 'headers', 'download-progress', 'complete']);
    expect(seen.upload.body.bytes).toBe(300_000);
    expect(seen.streamUpload.bytes).toBe(100_000);
    expect(seen.throughKy.url).toBe('/ky?page=2');
    expect(seen.truncated).toMatchObject({
      constructorName: 'TruncatedBodyError',
      isTransferError: true,
      stackHead: expect.stringMatching(/^TruncatedBodyError: Response body ended after 9 of 100 bytes/),
    });
    expect(seen.httpError).toMatchObject({ constructorName: 'HTTPError', isTransferError: false });
    // The second entry point, rx-transfer/queue, resolved through the package's own exports.
    expect(seen.queue).toEqual({
      type: 'summary',
      items: { total: 3, done: 2, failed: 1, cancelled: 0 },
      failed: ['/missing'],
    });
  });
});
