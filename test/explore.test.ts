/** Bounded exhaustive exploration: verdicts, symmetry reduction, shortest counterexamples, --shortest. */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'fs';
import { join } from 'path';
import { runCli } from './support/cli';
import { successorsOf } from '../explore/alphabet';
import { explore } from '../explore/bfs';
import { exploreParallel } from '../explore/parallel';
import { Machine } from '../run/machine';
import type { Step } from '../scenario/types';
import { DEFAULT_SCOPE, EXPLORE_OPS, scopeOf, type Scope } from '../explore/scope';
import { findPolicy } from '../model/policies';
import { judgeOnModel } from '../run/model';
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

  test('the shortest counterexample of B10, B11, B12, B34 and, with files, B03, B19 and B23 within their scenarios\' scope', () => {
    // Lengths the exhaustive search proves minimal; the doc scenarios tell the whole story (B12 ends
    // with the child's read, B34 reads after the write) and need one more step where so noted.
    const cases: Array<[string, string, number]> = [
      ['B10', 'owner-never-faults', 3], // = the doc scenario's 3 steps
      ['B11', 'counters-nonnegative', 2], // the doc's third step only shows the damage
      ['B12', 'owner-never-faults', 4], // the doc's fifth step (the child's read) is not needed
      ['B34', 'owner-never-faults', 5], // = the doc scenario's 5 steps
      // Files in the alphabet: create, map, truncate, punch, unlink.
      ['B03', 'counters-nonnegative', 2], // a shared anonymous mapping written: its teardown truncates the inode
      ['B19', 'owner-never-faults', 5], // the doc's 6th step only repeats the fault
      ['B23', 'counters-nonnegative', 5], // the doc's munmap and unlink only show the leak
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

  test('--workers: worker threads give the single thread\'s result, counterexamples included', async () => {
    const scope: Scope = { ...DEFAULT_SCOPE, ops: [...DEFAULT_SCOPE.ops, 'setPool'] };
    for (const name of ['linux', 'bug/B34-madvise-dontneed-private-lost-reserve']) {
      const one = explore(findPolicy(name)!, { depth: 4, scope });
      const levels: number[] = [];
      const two = await exploreParallel(name, findPolicy(name)!, { depth: 4, scope, workers: 2, onLevel: (l) => levels.push(l.frontier) });
      expect(Math.max(...levels)).toBeGreaterThan(100); // the deeper levels went through the workers
      expect({ name, explored: two.explored, distinct: two.distinct, depth: two.depthReached, found: JSON.stringify([...two.counterexamples]) }).toEqual({
        name,
        explored: one.explored,
        distinct: one.distinct,
        depth: one.depthReached,
        found: JSON.stringify([...one.counterexamples]),
      });
    }
    // A budget cuts both at the same edge.
    const cut1 = explore(findPolicy('linux')!, { depth: 4, scope, maxEdges: 1234 });
    const cut2 = await exploreParallel('linux', findPolicy('linux')!, { depth: 4, scope, maxEdges: 1234, workers: 2 });
    expect([cut2.explored, cut2.distinct, cut2.complete]).toEqual([cut1.explored, cut1.distinct, false]);
  });

  test('files, mounts and segments in the alphabet: each op kind yields its steps', () => {
    const m = new Machine(findPolicy('linux')!, { nr_hugepages: 2, nr_overcommit_hugepages: 0 });
    const scope: Scope = { ...DEFAULT_SCOPE, files: 1, segs: 1, mounts: [{ size: 1 }], ops: ['mount', 'create', 'shmget', 'setOvercommit'], overcommit: 1 };
    const ops = (steps: Step[]) => steps.map((s) => ('mount' in s && s.op !== 'create' ? `${s.op}:${s.mount}` : 'file' in s ? `${s.op}:${s.file}@${(s as { mount?: string }).mount}` : 'seg' in s ? `${s.op}:${s.seg}/${(s as { pages?: number }).pages}` : `${s.op}:${(s as { pages: number }).pages}`));
    expect(ops(successorsOf(m, scope, 0, 0))).toEqual(['setOvercommit:0', 'setOvercommit:1', 'mount:h0', 'create:f0@default', 'shmget:s0/1', 'shmget:s0/2']);
    m.step({ op: 'mount', mount: 'h0', size: 1 });
    m.step({ op: 'create', file: 'f0', mount: 'h0' });
    m.step({ op: 'shmget', seg: 's0', pages: 1, noreserve: false });
    const after = successorsOf(m, { ...scope, ops: ['umount', 'unlink', 'truncate', 'punch', 'mapFile', 'shmat', 'shmrm'] }, 3, 0);
    expect(after.map((s) => s.op)).toEqual(['umount', 'unlink', 'truncate', 'truncate', 'truncate', 'fallocate', 'fallocate', 'fallocate', 'shmrm', 'mmap', 'mmap', 'mmap', 'mmap', 'shmat']);
    expect(after.filter((s) => s.op === 'mmap').every((s) => s.op === 'mmap' && s.file === 'f0')).toBe(true);
  });

  test('scopeOf: the op kinds, names and mounts a scenario uses, and what the alphabet cannot write', () => {
    const s = parseScenarioText(JSON.stringify({
      format: 'hugecheck.scenario/1', name: 'x', setup: { nr_hugepages: 1 },
      steps: [
        { op: 'mount', mount: 'small', size: 2, minSize: 1 },
        { op: 'create', file: 'f', mount: 'small' },
        { op: 'fallocate', file: 'f', offset: 0, pages: 2, punch: true },
        { op: 'mmap', proc: 'p0', map: 'a', pages: 1, file: 'f', offset: 1, share: 'shared', prot: 'r' },
        { op: 'shmget', seg: 'k', pages: 3, noreserve: true },
        { op: 'setOvercommit', pages: 2 },
        { op: 'mprotect', proc: 'p0', map: 'a', offset: 0, pages: 1, prot: 'none' },
        { op: 'madvise', proc: 'p0', map: 'a', offset: 0, pages: 1, advice: 'remove' },
      ],
    }));
    const { scope, unsupported } = scopeOf(s);
    expect(scope).toEqual({ procs: 1, maps: 1, pages: 3, pool: 1, overcommit: 2, files: 1, segs: 1, mounts: [{ size: 2, minSize: 1 }], ops: ['mount', 'create', 'punch', 'mmap', 'mapFile', 'offset', 'prot', 'shmget', 'noreserve', 'setOvercommit', 'mprotect', 'remove'] });
    expect(unsupported).toEqual([]);
    const partial = parseScenarioText(JSON.stringify({ format: 'hugecheck.scenario/1', name: 'y', steps: [{ op: 'mmap', proc: 'p0', map: 'a', pages: 3 }, { op: 'mprotect', proc: 'p0', map: 'a', offset: 1, pages: 1, prot: 'r' }] }));
    expect(scopeOf(partial).unsupported).toEqual(['mprotect of part of a mapping']);
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

  test('check ends at the exhaustive search\'s length: the search after shrinking replaces 4 steps by 3', async () => {
    const args = ['check', '--policy', 'bug/B12-fork-cow-owner', '--runs', '300', '--seed', '6', '--property', 'owner-never-faults'];
    const r = await run(...args);
    expect(r.out).toMatch(/minimal counterexample \(3 steps/);
    expect(r.out).toMatch(/shortest: shrinking ended at 4 steps; a breadth-first search of its scope found this one of 3, and none shorter exists there/);
    // Without the search, shrinking alone ends at 4.
    const off = await run(...args, '--shortest-budget', '0');
    expect(off.out).toMatch(/minimal counterexample \(4 steps/);
    expect(off.out).not.toMatch(/shortest:/);
    // A budget too small to finish says so and keeps the shrunk one; --json carries the verdict.
    const small = JSON.parse((await run(...args, '--shortest-budget', '3', '--json')).out);
    const v = small.properties[0].violations.find((x: { knownBugs?: string[] }) => !x.knownBugs);
    expect([v.counterexample.steps.length, v.shortest.verdict, v.shortest.explored]).toEqual([4, 'budget', 3]);
    expect(v.replay).toMatch(/--shortest-budget 3$/);
  });

  test('explore --list-ops describes every op kind; --mount is required by mount and checked; --workers 2 prints the same result', async () => {
    const list = await run('explore', '--list-ops');
    expect(list.out.trim().split('\n').map((l) => l.split(/\s+/)[0])).toEqual([...EXPLORE_OPS]);
    const noMount = await run('explore', '--ops', 'mmap,mount');
    expect([noMount.code, noMount.err]).toEqual([2, expect.stringMatching(/--ops includes mount: say which mounts with --mount/)]);
    const bad = await run('explore', '--ops', 'mount', '--mount', 'size=two');
    expect([bad.code, bad.err]).toEqual([2, expect.stringMatching(/--mount: "size=two" is not size=N or min_size=N/)]);
    const args = ['explore', '--policy', 'bug/B23-hole-punch-shared-double-consume', '--depth', '5', '--procs', '1', '--pool', '4', '--maps', '1', '--ops', 'create,mapFile,write,punch,unlink,munmap', '--json'];
    const [one, two] = [JSON.parse((await run(...args, '--workers', '1')).out), JSON.parse((await run(...args, '--workers', '2')).out)];
    const strip = (r: Record<string, unknown>) => ({ ...r, ms: 0, workers: 0 });
    expect(strip(two)).toEqual(strip(one));
    expect(one.violations.map((v: { invariant: string }) => v.invariant)).toContain('counters-nonnegative');
  });

  test('--shortest and --shortest-budget together are refused', async () => {
    const r = await run('check', '--policy', 'linux', '--runs', '1', '--shortest', '--shortest-budget', '5');
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(/give either --shortest or --shortest-budget/)]);
  });
});
