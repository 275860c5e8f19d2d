#!/usr/bin/env node
// `npm test`'s Jest run, in two parts: the suites that use the real kernel one after another (they
// share one machine-wide pool, and check that the machine is left as it was), the others on every
// core (this machine has 2: Jest's default would use 1). Ends with the one plain line
// "N passed, N failed" for both parts; exits 1 if anything failed. Arguments are passed to a
// single Jest run instead (`npm test -- test/model.test.ts`).
const { spawnSync } = require('child_process');
const { mkdtempSync, readFileSync, rmSync } = require('fs');
const { availableParallelism, tmpdir } = require('os');
const { join } = require('path');
const { line } = require('./plain-summary-reporter');

const jest = require.resolve('jest/bin/jest');
const args = process.argv.slice(2);
if (args.length) process.exit(spawnSync(process.execPath, [jest, ...args], { stdio: 'inherit' }).status ?? 1);

/** The suites that open kernel sessions or run reproducers on the kernel. */
const KERNEL_SUITES = ['test/kernel.test.ts', 'test/repro.test.ts', 'test/skip-agreement.test.ts'];
const dir = mkdtempSync(join(tmpdir(), 'hugecheck-tests-'));
const summary = join(dir, 'summary');
const env = { ...process.env, HUGECHECK_TEST_SUMMARY: summary };
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const parts = [
  ['--maxWorkers', String(Math.max(1, availableParallelism())), '--testPathIgnorePatterns', ...KERNEL_SUITES.map((f) => escape(f))],
  ['--runInBand', '--runTestsByPath', ...KERNEL_SUITES],
];
let status = 0;
const problems = [];
parts.forEach((part, k) => {
  const r = spawnSync(process.execPath, [jest, ...part], { stdio: 'inherit', env });
  if (r.status !== 0) {
    status = 1;
    problems.push(`Jest part ${k + 1} ${r.status === null ? `was killed (${r.signal})` : `exited ${r.status}`}`);
  }
});
let total = { passed: 0, failed: 0, skipped: 0 };
let lines = [];
try {
  lines = readFileSync(summary, 'utf8').trim().split('\n').filter(Boolean);
} catch {
  // no part got as far as its summary
}
for (const l of lines) {
  const c = JSON.parse(l);
  total = { passed: total.passed + c.passed, failed: total.failed + c.failed, skipped: total.skipped + c.skipped };
}
if (lines.length !== parts.length) problems.push(`${parts.length - lines.length} Jest part(s) ended without a summary`);
rmSync(dir, { recursive: true, force: true });
// A part that failed without a failed test (a crash, no tests found, a signal) still counts as one.
if (problems.length) {
  status = 1;
  if (total.failed === 0) total.failed = 1;
  process.stdout.write(`test run problems: ${problems.join('; ')}\n`);
}
process.stdout.write(`${line(total)}\n`);
process.exit(status || (total.failed > 0 ? 1 : 0));
