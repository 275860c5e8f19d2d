/** `hugecheck report`, `hugecheck repro` and `--out`: inputs, outputs, exit codes, bad input. */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from './support/cli';
import { ROOT } from './support/goldens';

const run = runCli;

const k3 = join(ROOT, 'scenarios/golden/kernel-runs/k3-min-size-surplus-restore.json');
const dir = mkdtempSync(join(tmpdir(), 'hugecheck-cli-reports-'));

describe('hugecheck repro', () => {
  test('prints a C program with one checked block per step', async () => {
    const r = await run('repro', k3);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\/\*\n \* hugecheck reproducer for the scenario "k3-min-size-surplus-restore"/);
    expect(r.out.match(/\tif \(begin\(\d+, /g)).toHaveLength(13);
    // Names are handles (6 is mapping b of step 4); the handle table keeps the names.
    expect(r.out).toContain('settle(op_write(0, 6, 0, 2), create, from, end_run, end_ok) : R_SKIPPED);\n\t\texpect_result("SIGBUS");');
    expect(r.out).toMatch(/static const char \*const HANDLE_NAME\[N_HANDLES\] = \{"p0", "default", [^}]*"b"/);
    expect(r.out).toContain('The model predicts: reserve-backed broken at step 5.');
  });

  test('--only-declared checks only what the scenario says', async () => {
    const f = join(dir, 'partial.json');
    writeFileSync(f, JSON.stringify({ format: 'hugecheck.scenario/1', name: 'partial', setup: { nr_hugepages: 1 }, steps: [{ op: 'mmap', proc: 'p0', map: 'a', pages: 1 }, { op: 'write', proc: 'p0', map: 'a', page: 0, expect: { counters: { free: 0 } } }] }));
    const all = await run('repro', f);
    const declared = await run('repro', f, '--only-declared');
    const body = (c: string) => c.slice(c.indexOf('static void scenario(void) {'));
    expect(body(all.out)).toContain('expect_counters(1, 1, 1, 0);');
    expect(body(declared.out)).not.toContain('expect_counters(');
    expect(body(declared.out)).not.toContain('expect_result(');
    expect(body(declared.out)).toContain('expect_counter(1, 0); /* free */');
  });

  test('--jest prints a regression test', async () => {
    const r = await run('repro', '--jest', k3);
    expect(r.code).toBe(0);
    expect(r.out).toContain("import { findPolicy, judgeOnModel, runOnModel, validateScenario } from 'hugecheck';");
    expect(r.out).toContain('{"reserve-backed":5,');
  });

  test('bad input: exit 2 and the file named', async () => {
    const f = join(dir, 'bad.json');
    writeFileSync(f, JSON.stringify({ format: 'hugecheck.scenario/1', name: 'bad', steps: [{ op: 'mmap', proc: 'p9', map: 'a', pages: 1 }] }));
    const r = await run('repro', f);
    expect(r.code).toBe(2);
    expect(r.err).toContain('bad.json');
    expect(r.err).toMatch(/step 0/);
    expect(r.out).toBe('');
  });
});

describe('hugecheck report', () => {
  test('a scenario as Markdown: the violation sentence and a row per step', async () => {
    const r = await run('report', k3, '--format', 'md');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\*\*reserve-backed \(every reservation is backed by a free page .*\) broke at step 5: Rsvd 1 exceeds Free 0/);
    expect(r.out).toContain('Known kernel bug surplus-restore-release');
    expect(r.out.match(/^\| \**\d+/gm)).toHaveLength(13);
  });

  test('a check result (check --json) as HTML, one case per counterexample', async () => {
    const c = await run('check', '--policy', 'linux', '--runs', '200', '--seed', '7', '--property', 'counters-nonnegative', '--property', 'quiescent-clean', '--json');
    const f = join(dir, 'check.json');
    writeFileSync(f, c.out);
    const report = JSON.parse(c.out);
    const n = report.properties.reduce((k: number, p: { violations: unknown[] }) => k + p.violations.length, 0);
    expect(n).toBeGreaterThan(0);
    expect(report.properties.find((p: { violations: unknown[] }) => p.violations.length).violations[0].replay).toMatch(/^hugecheck check --policy linux --seed 7 --runs 200 --property /);
    const r = await run('report', f, '--format', 'html');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^<!DOCTYPE html>/i);
    expect(r.out.match(/<svg/g)!.length).toBeGreaterThanOrEqual(n);
    expect(r.out).not.toMatch(/(src|href)="https?:/);
  });

  test('a zoo result carries its counterexamples and reports them', async () => {
    const z = await run('zoo', '--runs', '100', '--seed', '1', '--json');
    const data = JSON.parse(z.out);
    const b12 = data.bugs.find((b: { caughtBy: string[] }) => b.caughtBy.length > 0);
    expect(b12.counterexamples.length).toBe(b12.caughtBy.length);
    const f = join(dir, 'zoo.json');
    writeFileSync(f, z.out);
    const r = await run('report', f);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${b12.bug}: ${b12.caughtBy[0]}`);
  }, 60_000);

  test('an unknown input format or --format: exit 2 with the reason', async () => {
    const f = join(dir, 'trace.json');
    writeFileSync(f, JSON.stringify({ format: 'hugecheck.trace/1' }));
    expect((await run('report', f)).err).toMatch(/not a scenario, check report or zoo result/);
    expect((await run('report', k3, '--format', 'pdf')).code).toBe(2);
  });
});

describe('--out DIR', () => {
  test('check writes every counterexample as scenario, reports, C and Jest, and the run report', async () => {
    const out = join(dir, 'out');
    const r = await run('check', '--policy', 'linux', '--runs', '300', '--seed', '7', '--property', 'counters-nonnegative', '--out', out);
    expect(r.code).toBe(0);
    const files = readdirSync(out).sort();
    // One set of files per counterexample (one per known bug found), and the run's report.
    const cases = [...new Set(files.filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)))];
    expect(cases.length).toBeGreaterThan(0);
    expect(files).toEqual([...cases.flatMap((c) => ['.c', '.html', '.json', '.md', '.test.ts'].map((x) => c + x)), 'report.html', 'report.md'].sort());
    for (const c of cases) expect(c).toMatch(/^counters-nonnegative(-\d+)?$/);
    // The written scenario replays: run it and it holds its expectations.
    const replay = await run('run', join(out, `${cases[0]}.json`));
    expect(replay.code).toBe(0);
    expect(readFileSync(join(out, `${cases[0]}.c`), 'utf8')).toContain('int main(int argc, char **argv)');
  });
});
