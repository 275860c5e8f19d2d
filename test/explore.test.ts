/** Bounded exhaustive exploration: verdicts, symmetry reduction, shortest counterexamples, --shortest. */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'fs';
import { join } from 'path';
import { runCli } from './support/cli';
import { explore } from '../explore/bfs';
import { DEFAULT_SCOPE, scopeOf, type Scope } from '../explore/scope';
import { findPolicy } from '../model/policies';
import { judgeOnModel } from '../properties/judge';
import { parseScenarioText } from '../scenario/validate';
import { ROOT } from './support/goldens';

const zoo = (id: string) => {
  const f = require('fs').readdirSync(join(ROOT, 'scenarios', 'zoo')).find((x: string) => x.startsWith(id));
  return parseScenarioText(readFileSync(join(ROOT, 'scenarios', 'zoo', f), 'utf8'), f);
};
const bug = (id: string) => findPolicy([...require('../model/policies').POLICIES.keys()].find((k: string) => k.startsWith(`bug/${id}`))!)!;
const lengths = (r: ReturnType<typeof explore>) => Object.fromEntries([...r.counterexamples].map(([id, c]) => [id, c.scenario.steps.length]));

describe('hugecheck explore', () => {
  test('linux-fixed: no violation within a small scope', () => {
    const r = explore(findPolicy('linux-fixed')!, { depth: 4, scope: DEFAULT_SCOPE });
    expect(r.counterexamples.size).toBe(0);
    expect(r.depthReached).toBe(4);
    expect(r.distinct).toBeGreaterThan(1000);
  });

  test('the shortest counterexample of B10, B11, B12 and B34 within their scenarios\' scope', () => {
    // Lengths the exhaustive search proves minimal; the doc scenarios tell the whole story (B12 ends
    // with the child's read, B34 reads after the write) and need one more step where so noted.
    const cases: Array<[string, string, number]> = [
      ['B10', 'owner-never-faults', 3], // = the doc scenario's 3 steps
      ['B11', 'counters-nonnegative', 2], // the doc's third step only shows the damage
      ['B12', 'owner-never-faults', 4], // the doc's fifth step (the child's read) is not needed
      ['B34', 'owner-never-faults', 5], // = the doc scenario's 5 steps
    ];
    for (const [id, inv, len] of cases) {
      const s = zoo(id);
      const r = explore(bug(id), { depth: s.steps.length, scope: scopeOf(s).scope });
      expect({ id, inv, len: lengths(r)[inv] }).toEqual({ id, inv, len });
      // The counterexample really breaks it, and nothing shorter does: a search one step shallower finds none.
      const c = r.counterexamples.get(inv)!;
      expect(judgeOnModel(c.scenario, bug(id)).violations.has(inv)).toBe(true);
      const shallower = explore(bug(id), { depth: len - 1, scope: scopeOf(s).scope });
      expect(shallower.counterexamples.has(inv)).toBe(false);
    }
  });

  test('symmetry reduction gives the plain search\'s verdicts with fewer states', () => {
    const scope: Scope = { ...DEFAULT_SCOPE, procs: 3, maps: 1, pages: 1, pool: 1 };
    for (const name of ['linux', 'linux-fixed', 'bug/B12-fork-cow-owner', 'bug/B10-private-unreserved']) {
      const p = findPolicy(name)!;
      const sym = explore(p, { depth: 4, scope });
      const plain = explore(p, { depth: 4, scope, symmetry: false });
      expect({ name, v: lengths(sym) }).toEqual({ name, v: lengths(plain) });
      expect(sym.distinct).toBeLessThan(plain.distinct);
    }
  });

  test('same inputs, same result', () => {
    const a = explore(bug('B12'), { depth: 4, scope: scopeOf(zoo('B12')).scope });
    const b = explore(bug('B12'), { depth: 4, scope: scopeOf(zoo('B12')).scope });
    expect([a.explored, a.distinct, JSON.stringify([...a.counterexamples])]).toEqual([b.explored, b.distinct, JSON.stringify([...b.counterexamples])]);
  });
});

describe('the CLI', () => {
  const run = runCli;

  test('explore: exit 1 with the shortest counterexample as a scenario; --json; bad scope is exit 2', async () => {
    const r = await run('explore', '--policy', 'bug/B12-fork-cow-owner', '--depth', '4', '--procs', '2', '--maps', '1', '--pages', '1', '--pool', '1', '--ops', 'mmap,write,fork,read');
    expect(r.code).toBe(1);
    expect(r.out).toContain('owner-never-faults: shortest counterexample, 4 steps');
    const j = JSON.parse((await run('explore', '--policy', 'linux-fixed', '--depth', '3', '--json')).out);
    expect(j).toMatchObject({ format: 'hugecheck.explore/1', violations: [], depthReached: 3 });
    const bad = await run('explore', '--ops', 'mmap,teleport');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('unknown op "teleport"');
  });

  test('check --shortest ends at the exhaustive search\'s length', async () => {
    const r = await run('check', '--policy', 'bug/B12-fork-cow-owner', '--runs', '300', '--seed', '1', '--property', 'owner-never-faults', '--shortest');
    expect(r.out).toMatch(/minimal counterexample \(4 steps/);
    expect(r.out).toMatch(/shortest: (proved|the search found \d+ steps; exhaustive exploration of its scope found this one of 4)/);
  });
});
