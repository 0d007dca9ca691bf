// Prints 'N passed, N failed' from vitest's JSON report (written by the json reporter in vitest.config.ts).
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

/** The first non-empty line of a failure message, shortened to 300 characters. */
const firstLine = (message) =>
  (message ?? '')
    .split('\n')
    .find((line) => line.trim() !== '')
    ?.trim()
    .slice(0, 300) ?? '';

const [file, status, docsStatus = '0', formatStatus = '0'] = process.argv.slice(2);
// A failed docs build and a failed format check count as one more failure each.
const docsFailed = (docsStatus === '0' ? 0 : 1) + (formatStatus === '0' ? 0 : 1);
if (docsStatus !== '0') console.log(`pnpm run docs failed (exit status ${docsStatus}): TypeDoc reported errors or warnings`);
if (formatStatus !== '0') console.log(`pnpm format:check failed (exit status ${formatStatus}): run 'pnpm format'`);
if (!existsSync(file)) {
  console.log(`test report ${file} missing (exit status ${status}): the build or the runner failed before tests ran`);
  console.log(`0 passed, ${1 + docsFailed} failed`);
} else {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // Suites that fail to load count as failures too.
  const brokenFiles = (r.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
  const failed = r.numFailedTests + brokenFiles + docsFailed;
  // Name each failure next to the closing line: CI's log keeps only its tail, far below vitest's own report.
  for (const f of r.testResults ?? []) {
    const where = relative(process.cwd(), f.name);
    if (f.status === 'failed' && (f.assertionResults ?? []).length === 0) console.log(`FAILED ${where} (did not load): ${firstLine(f.message)}`);
    for (const a of f.assertionResults ?? []) {
      if (a.status === 'failed') console.log(`FAILED ${where} > ${a.fullName}: ${firstLine(a.failureMessages?.[0])}`);
    }
  }
  console.log(`${r.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
}
