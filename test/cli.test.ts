/** `hugecheck run`: exit codes, the table, --json, bad input. */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from './support/cli';
import { ROOT } from './support/goldens';

const run = runCli;

const golden = join(ROOT, 'scenarios/golden/observed/4c-owner-cow-exhausted.json');
const dir = mkdtempSync(join(tmpdir(), 'hugecheck-cli-'));
const write = (name: string, data: unknown) => {
  const f = join(dir, name);
  writeFileSync(f, typeof data === 'string' ? data : JSON.stringify(data));
  return f;
};

describe('hugecheck run', () => {
  test('a golden: exit 0, a row per step with changed counters marked', async () => {
    const r = await run('run', golden);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ 0 +p0: a = mmap\(2 hp, MAP_PRIVATE\|MAP_HUGETLB\) +ok +2 +2 +2\* +0/);
    expect(r.out).toMatch(/ 8 +p1: read a\[0\] +SIGBUS/);
    expect(r.out).toMatch(/all expectations hold \(14 steps checked\)/);
  });

  test('a failed expectation: exit 1 and each mismatch listed with step, field, expected and observed', async () => {
    const f = write('wrong.json', {
      format: 'hugecheck.scenario/1',
      name: 'wrong',
      setup: { nr_hugepages: 1 },
      steps: [{ op: 'mmap', proc: 'p0', map: 'a', pages: 1, expect: { result: 'ok', counters: { rsvd: 0, free: 1 } } }],
    });
    const r = await run('run', f);
    expect(r.code).toBe(1);
    expect(r.out).toContain('1 mismatch:\nstep 0 (mmap): counters.rsvd expected 0, observed 1');
  });

  test('--json prints the contract trace', async () => {
    const r = await run('run', golden, '--json');
    expect(r.code).toBe(0);
    const trace = JSON.parse(r.out);
    // The contract's fields, and `tool` (an optional field: formats/version.ts).
    expect(Object.keys(trace)).toEqual(['format', 'tool', 'scenario', 'runner', 'initial', 'steps', 'final', 'mismatches']);
    expect(trace.format).toBe('hugecheck.trace/1');
    expect(trace.runner).toBe('model:linux');
    expect(trace.steps).toHaveLength(14);
    expect(trace.steps[8]).toEqual({ result: 'SIGBUS', counters: { total: 2, free: 0, rsvd: 0, surp: 0 }, mounts: { default: { blocks: null, bfree: null } } });
  });

  const bad: Array<[string, () => string, RegExp]> = [
    ['a malformed file', () => write('bad.json', '{"format": "hugecheck.scenario/1",\n "steps": [}'), /bad\.json: not valid JSON at line 2, column 12/],
    ['an unknown op', () => write('op.json', { format: 'hugecheck.scenario/1', name: 'x', steps: [{ op: 'mlockall' }] }), /op\.json, step 0, field "op": unknown op "mlockall"/],
    ['a dangling name', () => write('name.json', { format: 'hugecheck.scenario/1', name: 'x', steps: [{ op: 'shmat', proc: 'p0', seg: 's', map: 'a' }] }), /name\.json, step 0 \(shmat\), field "seg": segment "s" does not exist/],
    ['a bad field', () => write('field.json', { format: 'hugecheck.scenario/1', name: 'x', steps: [{ op: 'setPool', pages: 1.5 }] }), /field\.json, step 0 \(setPool\), field "pages": expected a whole number, got 1\.5/],
    ['a missing file', () => join(dir, 'nope.json'), /cannot read .*nope\.json: no such file/],
  ];
  test.each(bad)('%s: one clear line on stderr, exit 2, nothing run', async (_what, file, message) => {
    const r = await run('run', file());
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(message);
  });

  test('an unknown policy: exit 2 naming the known ones', async () => {
    const r = await run('run', golden, '--policy', 'nope');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown policy "nope" \(known: linux, linux-fixed, /);
  });

  test('an unknown command or option: exit 2', async () => {
    expect((await run('frob')).code).toBe(2);
    expect((await run('run', golden, '--frob')).code).toBe(2);
    expect((await run('--frob')).code).toBe(2);
  });
});
