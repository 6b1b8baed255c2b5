// Prints Vitest's JSON report as one plain closing line, `tests: N passed, N failed, N skipped`,
// the form CI reads for any runner. Exits non-zero if the report is missing or counts no test.
import { readFileSync } from 'node:fs';

const path = process.argv[2] ?? 'test-results/vitest.json';

interface Report {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
}

let report: Report;
try {
  report = JSON.parse(readFileSync(path, 'utf8')) as Report;
} catch (error) {
  console.error(`test-summary: no readable report at ${path}: ${(error as Error).message}`);
  process.exit(1);
}
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
if (report.numTotalTests === 0) {
  console.error('test-summary: the run executed no test');
  process.exit(1);
}
