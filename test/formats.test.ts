/**
 * The JSON formats (formats/): the tool's version is package.json's, every document a command
 * writes says which format and which hugecheck wrote it, the readers name the field that is wrong,
 * and a property's outcome is one of two shapes.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'fs';
import { join } from 'path';
import { FORMATS, FormatError, parseCheckReport, parseZooReport, TOOL, TOOL_VERSION, type CheckReport, type HeldProperty, type PropertyOutcome } from '../formats';
import { runCli } from './support/cli';
import { ROOT } from './support/goldens';

const golden = join(ROOT, 'scenarios', 'golden', 'kernel-runs', 'k15-fork-after-steal-reads-zero.json');

describe('formats', () => {
  test('the tool version is package.json\'s; every format is listed once, versioned', () => {
    expect(TOOL_VERSION).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    const names = FORMATS.map((f) => f.format);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^hugecheck\.[a-z-]+\/\d+$/);
  });

  test('every document a command writes carries its format and the tool', async () => {
    const docs = [
      await runCli('check', '--policy', 'bug/B12-fork-cow-owner', '--seed', '1', '--runs', '50', '--property', 'owner-never-faults', '--json'),
      await runCli('explore', '--depth', '2', '--json'),
      await runCli('diff-policy', '--policy', 'bug/B12-fork-cow-owner', '--runs', '50', '--seed', '1', '--max', '1', '--json'),
      await runCli('run', golden, '--json'),
    ].map((r) => JSON.parse(r.out) as { format: string; tool: string });
    expect(docs.map((d) => [d.format, d.tool])).toEqual([
      ['hugecheck.report/1', TOOL],
      ['hugecheck.explore/1', TOOL],
      ['hugecheck.diff-policy/1', TOOL],
      ['hugecheck.trace/1', TOOL],
    ]);
    for (const d of docs) expect(FORMATS.map((f) => f.format)).toContain(d.format);
    // What check writes, its reader reads back; a zoo result (zoo --json, the slowest command: its
    // output is typed `satisfies ZooReport`) made of check's counterexample reads back too.
    const report = parseCheckReport(docs[0]);
    expect(report.properties[0]!.status).toBe('violated');
    const scenario = report.properties[0]!.violations[0]!.counterexample;
    const zoo = { format: 'hugecheck.zoo/1', tool: TOOL, runs: 50, seed: 1, bugs: [{ bug: 'bug/B12-fork-cow-owner', caughtBy: ['owner-never-faults'], firstFailureMs: 1, minimalSteps: 3, docSteps: 4, counterexamples: [{ invariant: 'owner-never-faults', scenario }] }] };
    expect(parseZooReport(zoo).bugs[0]!.counterexamples[0]!.scenario).toEqual(scenario);
    expect(() => parseZooReport({ ...zoo, bugs: [{ ...zoo.bugs[0], counterexamples: [{ invariant: 'x', scenario: { ...scenario, steps: 'none' } }] }] })).toThrow(/^bugs\.bug\/B12-fork-cow-owner\.counterexamples\[0\]\.scenario: /);
  });

  test('a reader names the field that is wrong', async () => {
    const r = JSON.parse((await runCli('check', '--policy', 'bug/B12-fork-cow-owner', '--seed', '1', '--runs', '50', '--property', 'owner-never-faults', '--json')).out) as CheckReport;
    const broken = (f: (r: CheckReport) => void) => {
      const copy = JSON.parse(JSON.stringify(r)) as CheckReport;
      f(copy);
      return () => parseCheckReport(copy);
    };
    expect(broken((c) => ((c as { format: string }).format = 'hugecheck.trace/1'))).toThrow(new FormatError('format is "hugecheck.trace/1", expected "hugecheck.report/1" (the output of hugecheck check --json)'));
    expect(broken((c) => ((c.properties[0] as { status: string }).status = 'maybe'))).toThrow('properties.owner-never-faults.status: expected "held" or "violated", got "maybe"');
    expect(broken((c) => (c.properties[0]!.violations[0]!.counterexample.steps[0] as { op: string }).op = 'mmapp')).toThrow(/^properties\.owner-never-faults\.violations\[0\]\.counterexample: /);
    expect(broken((c) => ((c as { runs: unknown }).runs = 'many'))).toThrow('runs: expected a number');
    expect(broken((c) => ((c.properties[0] as { status: string }).status = 'held'))).toThrow(/properties\.owner-never-faults: "held" with 1 violations/);
  });

  // A held property has no violations and is never unexpected: the type says so (`npm test`'s type
  // check compiles these lines, and an unused @ts-expect-error is an error).
  test('a held property has no violations: the type says so', () => {
    const held: HeldProperty = { id: 'x', runs: 1, interrupted: false, status: 'held', unexpected: false, violations: [] };
    // @ts-expect-error a held property cannot be unexpected
    const unexpected: HeldProperty = { ...held, unexpected: true };
    // @ts-expect-error a held property cannot carry a violation
    const withViolation: PropertyOutcome = { ...held, violations: [{} as CheckReport['properties'][number]['violations'][number]] };
    expect([unexpected, withViolation].length).toBe(2);
  });
});
