/**
 * hugecheck check: known kernel bugs on linux, linux-fixed holding everything, deliberately broken
 * policies caught with small counterexamples, determinism, replay, and that a known bug never
 * masks a new violation of the same property.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { checkProperty } from '../checker/check';
import { runCli } from './support/cli';
import type { Report } from '../cli/check';
import { KNOWN_BUGS } from '../model/policies/known-bugs';
import { linux } from '../model/policies/linux';
import { MUTANTS } from '../model/policies/mutants';
import { definePolicy } from '../model/policy';
import { findInvariant } from '../properties/catalogue';
import { judgeOnModel } from '../run/model';
import { parseScenarioText } from '../scenario/validate';
import { readFileSync } from 'fs';

const cli = runCli;

describe('linux: the known kernel bugs', () => {
  let report: Report;
  let code: number;
  // fork-after-steal-reads-zero needs eight precise steps (a steal, a fork of the child that lost
  // the page, a page made free, the grandchild's read): the guided corpus reaches it at seed 1.
  test('every known bug is found (guided generation, 3000 runs per property), labelled, and the run exits 0', async () => {
    const r = await cli('check', '--policy', 'linux', '--runs', '3000', '--seed', '1', '--generator', 'guided', '--json');
    code = r.code;
    report = JSON.parse(r.out);
    expect(code).toBe(0);
    const found = new Set(report.properties.flatMap((p) => p.violations.flatMap((v) => v.knownBugs ?? [])));
    expect([...found].sort()).toEqual(KNOWN_BUGS.map((b) => b.id).sort());
    for (const p of report.properties) for (const v of p.violations) expect(v.knownBugs?.length).toBeGreaterThan(0);
  });

  test('each counterexample has at most 8 steps, carries expect on every step, and reproduces under linux only', () => {
    for (const p of report.properties) {
      for (const v of p.violations) {
        const s = v.counterexample;
        expect(s.steps.length).toBeLessThanOrEqual(8);
        expect(s.steps.every((st) => st.expect?.result && st.expect.counters)).toBe(true);
        const inv = findInvariant(p.id)!;
        expect(judgeOnModel(s, linux, [inv]).violations.has(p.id)).toBe(true);
        // The label's fixes together remove it, and no smaller set of them does.
        const bugs = KNOWN_BUGS.filter((b) => v.knownBugs!.includes(b.id));
        expect(bugs.length).toBe(v.knownBugs!.length);
        expect(judgeOnModel(s, bugs.reduce((q, b) => b.fix(q), linux), [inv]).violations.has(p.id)).toBe(false);
        if (bugs.length > 1) for (const b of bugs) expect(judgeOnModel(s, b.fix(linux), [inv]).violations.has(p.id)).toBe(true);
        expect(judgeOnModel(s, linux, []).trace.mismatches).toEqual([]);
      }
    }
  });
});

describe('linux-fixed', () => {
  test('holds every invariant', async () => {
    const r = await cli('check', '--policy', 'linux-fixed', '--runs', '1500', '--seed', '2', '--json');
    expect(r.code).toBe(0);
    const report: Report = JSON.parse(r.out);
    expect(report.properties.filter((p) => p.status !== 'held').map((p) => p.id)).toEqual([]);
  });
});

describe('policies with one rule broken are caught with small counterexamples', () => {
  const cases = ['bug/B10-private-unreserved', 'bug/B12-fork-cow-owner', 'bug/B19-noresv-steals-reserved', 'bug/B06-pool-shrink-below-reserve', 'bug/B32-mremap-reservation-transfer', 'bug/B34-madvise-dontneed-private-lost-reserve'];
  test.each(cases)('%s', async (name) => {
    const r = await cli('check', '--policy', name, '--runs', '2000', '--seed', '3', '--json');
    expect(r.code).toBe(1);
    const report: Report = JSON.parse(r.out);
    const unexplained = report.properties.flatMap((p) => p.violations.filter((v) => !v.knownBugs).map((v) => v.counterexample.steps.length));
    expect(unexplained.length).toBeGreaterThan(0);
    expect(Math.min(...unexplained)).toBeLessThanOrEqual(6);
  });
  test('every mutant policy is registered', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(10);
  });
});

describe('a known bug never masks a new violation of the same property', () => {
  test('linux plus a second rule broken: the new violation is still reported', () => {
    const b32 = MUTANTS.find((m) => m.name === 'bug/B32-mremap-reservation-transfer')!;
    const both = definePolicy(linux, { name: 'test/linux+B32', description: 't', overrides: { fixupHugetlbReservations: b32.fixupHugetlbReservations } });
    const r = checkProperty(both, findInvariant('counters-nonnegative')!, { runs: 3000, seed: 5 });
    expect(r.unexpected).toBe(true);
    const fresh = r.violations.find((v) => !v.knownBugs)!;
    // Not explained by any known bug: it still fails under each single fix.
    for (const bug of KNOWN_BUGS) expect(judgeOnModel(fresh.counterexample, bug.fix(both), [findInvariant('counters-nonnegative')!]).violations.size).toBe(1);
  });
});

describe('determinism and replay', () => {
  test('same seed and runs give the same bytes', async () => {
    const a = await cli('check', '--policy', 'bug/B12-fork-cow-owner', '--runs', '2000', '--seed', '9', '--property', 'owner-never-faults');
    const b = await cli('check', '--policy', 'bug/B12-fork-cow-owner', '--runs', '2000', '--seed', '9', '--property', 'owner-never-faults');
    expect(a.out).toBe(b.out);
    expect(a.code).toBe(1);
  });

  test('the printed replay command reproduces the failure, and the saved counterexample shows it under hugecheck run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hugecheck-save-'));
    const a = await cli('check', '--policy', 'bug/B12-fork-cow-owner', '--runs', '2000', '--seed', '9', '--property', 'owner-never-faults', '--save', dir);
    const replay = /replay the search: hugecheck (.*)\n/.exec(a.out)![1]!.split(' ');
    const b = await cli(...replay, '--save', dir);
    expect(b.code).toBe(1);
    expect(b.out).toBe(a.out);
    expect(readdirSync(dir)).toEqual(['owner-never-faults.json']);
    const file = join(dir, 'owner-never-faults.json');
    parseScenarioText(readFileSync(file, 'utf8'), file);
    const run = await cli('run', file, '--policy', 'bug/B12-fork-cow-owner');
    expect(run.code).toBe(0); // the expectations are what the policy produced
    expect(run.out).toMatch(/owner-never-faults at step \d+: p0, the owner of the private mapping/);
  });

  test('a time-limited run says it is not reproducible by count', async () => {
    const r = await cli('check', '--policy', 'linux-fixed', '--runs', '100', '--seed', '1', '--property', 'admission', '--time-limit', '30');
    expect(r.out).toMatch(/not reproducible by count/);
  });
});

describe('bad input exits 2 with one line', () => {
  test.each([
    [['--runs', '0'], /--runs must be a whole number >= 1/],
    [['--property', 'nope'], /unknown property "nope"/],
    [['--weights', 'fork'], /--weights: bad weight "fork"/],
    [['--policy', 'nope'], /unknown policy "nope"/],
  ])('%j', async (args, message) => {
    const r = await cli('check', ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});
