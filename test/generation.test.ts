/**
 * How scenarios are drawn: swarm generation (per-scenario op kinds and options), the statistics a
 * check keeps of what its runs exercised, the 'weak' health check, and the coverage-guided corpus.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { checkProperty } from '../checker/check';
import { addStats, emptyStats, outcomeClass, Probe, weakness } from '../checker/coverage';
import { Corpus } from '../checker/guided';
import { drawnArbitrary, keepProbability, scenarioArbitrary, swarmConfigArbitrary } from '../generator/arbitrary';
import { COMMAND_KINDS, DEFAULT_WEIGHTS } from '../generator/commands';
import { linux } from '../model/policies/linux';
import { definePolicy } from '../model/policy';
import { findInvariant } from '../properties/catalogue';
import { judgeOnModel } from '../run/model';
import { validateScenario } from '../scenario/validate';
import { runCli } from './support/cli';

const noSteal = definePolicy(linux, { name: 'test/no-steal', description: 'the owner never takes a page back', overrides: { unmapRefPrivate() {} } });
const mmaps = (s: { steps: Array<{ op: string; share?: string; noreserve?: boolean }> }) => s.steps.filter((x) => x.op === 'mmap');

describe('swarm generation', () => {
  test('the same seed draws the same scenarios; every one is valid', () => {
    const a = fc.sample(scenarioArbitrary({ swarm: true }), { numRuns: 200, seed: 9 });
    expect(fc.sample(scenarioArbitrary({ swarm: true }), { numRuns: 200, seed: 9 })).toEqual(a);
    for (const s of a) validateScenario(JSON.parse(JSON.stringify(s)));
  });

  test('a configuration keeps kinds by their weight and always something to map', () => {
    const cfgs = fc.sample(swarmConfigArbitrary(), { numRuns: 2000, seed: 3 });
    for (const c of cfgs) expect(c.kinds.includes('mmap') || c.kinds.includes('shmget')).toBe(true);
    const share = (k: string) => cfgs.filter((c) => c.kinds.includes(k as never)).length / cfgs.length;
    // touch (weight 26) is kept far more often than umount (weight 1), and neither always.
    expect(share('touch')).toBeGreaterThan(share('umount') + 0.2);
    expect(share('umount')).toBeLessThan(0.7);
    expect(keepProbability(0)).toBe(0);
    expect(COMMAND_KINDS.every((k) => keepProbability(DEFAULT_WEIGHTS[k]) <= 0.9)).toBe(true);
  });

  test('rare combinations come at full strength: scenarios whose mappings are all MAP_NORESERVE', () => {
    const allNoreserve = (swarm: boolean) =>
      fc.sample(scenarioArbitrary({ swarm }), { numRuns: 2000, seed: 4 }).filter((s) => mmaps(s).length >= 3 && mmaps(s).every((m) => m.noreserve)).length;
    expect(allNoreserve(false)).toBeLessThan(5);
    expect(allNoreserve(true)).toBeGreaterThan(50);
  });

  test('drawn scenarios carry the commands they resolve from', () => {
    for (const d of fc.sample(drawnArbitrary({ maxCommands: 10, swarm: true }), { numRuns: 50, seed: 5 })) expect(d.scenario.steps.length).toBeLessThanOrEqual(d.genome.cmds.length);
  });
});

describe('statistics and the weak health check', () => {
  test('outcome classes', () => {
    expect([true, false, 0, 3, -1, null, undefined, 'ENOMEM', {}].map(outcomeClass)).toEqual(['true', 'false', '0', '>0', '<0', 'null', 'void', 'ENOMEM', 'object']);
  });

  test('a probe counts the scenarios that reach a function, and its calls and outcomes', () => {
    const probe = new Probe(linux, ['doMmap']);
    const s = validateScenario({ format: 'hugecheck.scenario/1', name: 't', setup: { nr_hugepages: 1 }, steps: [{ op: 'mmap', proc: 'p0', map: 'a', pages: 1 }, { op: 'mmap', proc: 'p0', map: 'b', pages: 1 }] });
    probe.begin();
    const j = judgeOnModel(s, probe.policy, []);
    probe.end(s, j.trace);
    expect(probe.stats.functions.doMmap).toEqual({ scenarios: 1, calls: 2, outcomes: { null: 1, ENOMEM: 1 } });
    expect(probe.stats.ops.mmap).toEqual({ ok: 1, ENOMEM: 1 });
    expect(probe.stats.steps).toBe(2);
    // Outside a recording nothing is counted.
    judgeOnModel(s, probe.policy, []);
    expect(probe.stats.functions.doMmap!.calls).toBe(2);
  });

  test('stats add up: runs equal the search\'s runs, op steps equal the steps', () => {
    const r = checkProperty(noSteal, findInvariant('admission')!, { runs: 300, seed: 1, generator: 'swarm' });
    expect(r.status).toBe('held');
    expect(r.stats.scenarios).toBe(r.runs);
    const opSteps = Object.values(r.stats.ops).reduce((n, rs) => n + Object.values(rs).reduce((a, b) => a + b, 0), 0);
    expect(opSteps).toBe(r.stats.steps);
    expect(r.stats.changed).toEqual(['unmapRefPrivate']);
    expect(addStats(addStats(emptyStats(), r.stats), r.stats).scenarios).toBe(2 * r.runs);
  });

  test('a property that held while the changed function was barely reached is weak; linux is never weak', () => {
    const r = checkProperty(noSteal, findInvariant('eof-sigbus')!, { runs: 1000, seed: 1, generator: 'swarm' });
    expect(r.status).toBe('held');
    expect(r.weak).toMatch(/^unmapRefPrivate ran in \d+ of 1000 runs$/);
    expect(checkProperty(linux, findInvariant('admission')!, { runs: 300, seed: 1 }).weak).toBeUndefined();
    expect(weakness({ ...emptyStats(['f']), scenarios: 100, functions: { f: { scenarios: 50, calls: 50, outcomes: { true: 50 } } } })).toBe('f only ever returned true');
    expect(weakness({ ...emptyStats(['f']), scenarios: 100, functions: { f: { scenarios: 50, calls: 60, outcomes: { true: 50, false: 10 } } } })).toBeNull();
  });

  test('check prints the reach of the policy\'s change, and --stats the table', async () => {
    const r = await runCli('check', '--policy', 'no-restore-on-zap', '--seed', '1', '--runs', '200', '--property', 'admission', '--stats');
    expect(r.out).toMatch(/the policy's change, over 200 runs/);
    expect(r.out).toMatch(/zapRestoresReserve +\(zap_restores_reserve\) +ran in \d+ runs/);
    expect(r.out).toMatch(/what the runs exercised \(200 runs over 1 property, \d+ steps\)/);
    expect(r.out).toMatch(/\n {2}mmap +\d+ {2}/);
  });
});

describe('coverage-guided generation', () => {
  test('a corpus keeps a genome only for a feature not seen before, and differing ones apart', () => {
    const c = new Corpus();
    const g = { setup: { nr_hugepages: 1, nr_overcommit_hugepages: 0 }, cmds: [] };
    expect(c.offer(g, ['a', 'b'])).toBe(true);
    expect(c.offer(g, ['b'])).toBe(false);
    expect(c.offer(g, ['b'], true)).toBe(true);
    expect(c.priority.length).toBe(1);
    expect(c.entries.length).toBe(2);
  });

  test('guided runs reach a rarely reached change far more often, deterministically', () => {
    const inv = findInvariant('admission')!;
    const swarm = checkProperty(noSteal, inv, { runs: 1000, seed: 1, generator: 'classic' });
    const guided = checkProperty(noSteal, inv, { runs: 1000, seed: 1, generator: 'guided', shortestBudget: 0 });
    const reach = (r: typeof swarm) => r.stats.functions.unmapRefPrivate?.scenarios ?? 0;
    expect(reach(guided)).toBeGreaterThan(5 * Math.max(1, reach(swarm)));
    expect(guided.weak).toBeUndefined();
    const again = checkProperty(noSteal, inv, { runs: 1000, seed: 1, generator: 'guided', shortestBudget: 0 });
    expect(again.stats).toEqual(guided.stats);
    expect(again.violations.map((v) => v.counterexample)).toEqual(guided.violations.map((v) => v.counterexample));
  });

  test('a guided check of owner-never-faults finds the policy\'s break', () => {
    const r = checkProperty(noSteal, findInvariant('owner-never-faults')!, { runs: 1000, seed: 1, generator: 'guided' });
    expect(r.unexpected).toBe(true);
  });

  test('--generator is checked and recorded in the replay line', async () => {
    const bad = await runCli('check', '--generator', 'afl', '--runs', '10');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--generator must be one of classic, swarm, guided, got "afl"/);
    const r = await runCli('check', '--policy', 'bug/B12-fork-cow-owner', '--seed', '1', '--runs', '300', '--property', 'owner-never-faults', '--generator', 'swarm', '--json');
    const report = JSON.parse(r.out);
    expect(report.settings.generator).toBe('swarm');
    expect(report.properties[0].violations.find((v: { knownBugs?: string[] }) => !v.knownBugs).replay).toMatch(/--generator swarm$/);
  });
});
