/**
 * Policies: the seeds' proposals and what the checker finds in each, the bug zoo (each bug caught,
 * its doc scenario passing on linux and failing on the bug), a user's policy module written outside
 * the repository, and `hugecheck policies`.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { checkProperty } from '../checker/check';
import { loadPolicyModule } from '../io/policy-loader';
import { runCli } from './support/cli';
import { zooPolicies } from '../cli/zoo';
import { findPolicy, POLICIES } from '../model/policies';
import { linux } from '../model/policies/linux';
import { SEED_POLICIES } from '../model/policies/seeds';
import { runOnModel } from '../run/model';
import { CATALOGUE } from '../properties/catalogue';
import { proveShortest } from '../explore/shortest';
import { parseScenarioText } from '../scenario/validate';
import { ROOT } from './support/goldens';

const cli = runCli;

/** The invariants each seed policy breaks beyond linux's known kernel bugs (README, "Policies"). */
const SEED_OUTCOMES: Record<string, string[]> = {
  'pre-private-reserves': ['owner-never-faults', 'exact-consumption', 'fault-progress'],
  'reserve-until-fork': ['owner-never-faults'],
  'hugetlb-chardev': ['pool-conservation', 'quiescent-clean', 'owner-never-faults', 'exact-consumption', 'fault-progress', 'documented-results', 'quiet-clean'],
  'map-contig': ['admission', 'error-atomicity'],
  'mremap-mirror': [],
  'mremap-grow': ['pool-conservation'],
  'no-restore-on-zap': ['owner-never-faults', 'exact-consumption'],
};

describe('the seeds\' proposals', () => {
  test('every proposal is a policy', () => {
    expect(SEED_POLICIES.map((p) => p.name).sort()).toEqual(Object.keys(SEED_OUTCOMES).sort());
  });

  test.each(Object.entries(SEED_OUTCOMES))('%s breaks exactly %j (beyond linux\'s known bugs; 1000 runs, seed 1), each with a counterexample proved shortest', (name, expected) => {
    const policy = findPolicy(name)!;
    const results = CATALOGUE.map((inv) => [inv, checkProperty(policy, inv, { runs: 1000, seed: 1 })] as const).filter(([, r]) => r.unexpected);
    expect(results.map(([inv]) => inv.id)).toEqual(expected);
    for (const [inv, r] of results) {
      const v = r.violations.find((x) => !x.knownBugs)!;
      // A counterexample with an op the exploration cannot write (a growing mremap) is not proved.
      if (v.shortest?.kind === 'unsupported') continue;
      // check's own search proves it shortest, or (a known bug found first, so it kept to what that
      // bug does not explain) searched its whole scope; the search below, with no filter, is the proof.
      expect([inv.id, v.shortest?.kind === 'proved' || v.shortest?.kind === 'shorter' || v.shortest?.kind === 'searched']).toEqual([inv.id, true]);
      // An independent search: nothing shorter than check's final counterexample exists in its scope.
      expect([inv.id, proveShortest(policy, inv, v.counterexample).kind]).toEqual([inv.id, 'proved']);
    }
  });

  test('mremap-mirror maps a shared mapping again, sharing its reservations; a private one is refused', () => {
    const s = parseScenarioText(JSON.stringify({
      format: 'hugecheck.scenario/1', name: 'mirror', setup: { nr_hugepages: 2 },
      steps: [
        { op: 'mmap', proc: 'p0', map: 'a', pages: 2, share: 'shared' },
        { op: 'write', proc: 'p0', map: 'a', page: 1, value: 9 },
        { op: 'mremap', proc: 'p0', map: 'a', oldPages: 0, newPages: 2, to: 'm' },
        { op: 'read', proc: 'p0', map: 'm', page: 1 },
        { op: 'mmap', proc: 'p0', map: 'p', pages: 1, noreserve: true },
        { op: 'mremap', proc: 'p0', map: 'p', oldPages: 0, newPages: 1, to: 'q' },
      ],
    }));
    const t = runOnModel(s, findPolicy('mremap-mirror')!);
    expect(t.steps.map((o) => o.result)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'EINVAL']);
    expect(t.steps[3]).toMatchObject({ value: 9, counters: { total: 2, free: 1, rsvd: 1 } });
    expect(runOnModel(s, linux).steps[2]!.result).toBe('EINVAL');
  });

  test('mremap-grow reserves the added pages like a new mapping; linux refuses growth', () => {
    const s = parseScenarioText(JSON.stringify({
      format: 'hugecheck.scenario/1', name: 'grow', setup: { nr_hugepages: 3 },
      steps: [
        { op: 'mmap', proc: 'p0', map: 'a', pages: 1 },
        { op: 'mremap', proc: 'p0', map: 'a', oldPages: 1, newPages: 2, to: 'b' },
        { op: 'mmap', proc: 'p0', map: 'c', pages: 1 },
        { op: 'mremap', proc: 'p0', map: 'b', oldPages: 2, newPages: 3 },
        { op: 'write', proc: 'p0', map: 'b', page: 1, value: 5 },
      ],
    }));
    const t = runOnModel(s, findPolicy('mremap-grow')!);
    // Growing b in place needs a third reservation the pool of 3 cannot give: ENOMEM, nothing changes.
    expect(t.steps.map((o) => [o.result, o.counters.rsvd])).toEqual([['ok', 1], ['ok', 2], ['ok', 3], ['ENOMEM', 3], ['ok', 2]]);
    expect(runOnModel(s, linux).steps[1]!.result).toBe('EINVAL');
  });

  test('mremap-grow moves only the range asked for: a tail moved and grown keeps its own pages (found by the bench)', () => {
    const s = parseScenarioText(JSON.stringify({
      format: 'hugecheck.scenario/1', name: 'grow-tail', setup: { nr_hugepages: 3 },
      steps: [
        { op: 'mmap', proc: 'p0', map: 'a', pages: 2, noreserve: true },
        { op: 'write', proc: 'p0', map: 'a', page: 0, value: 1 },
        { op: 'mremap', proc: 'p0', map: 'a', offset: 1, oldPages: 1, newPages: 2, to: 'b' },
        { op: 'read', proc: 'p0', map: 'b', page: 0 },
        { op: 'read', proc: 'p0', map: 'a', page: 0 },
      ],
    }));
    const t = runOnModel(s, findPolicy('mremap-grow')!);
    // b's first page is a's second, never written: zero; a keeps its first page and its 1.
    expect(t.steps.map((o) => [o.result, o.value])).toEqual([['ok', undefined], ['ok', 1], ['ok', undefined], ['ok', 0], ['ok', 1]]);
  });
});

describe('the bug zoo', () => {
  const zooDir = join(ROOT, 'scenarios', 'zoo');
  const files = readdirSync(zooDir).filter((f) => f.endsWith('.json'));

  test('has every bug of bug-zoo.md §1 as a policy with its scenario', () => {
    const ids = zooPolicies().map((p) => p.name.slice('bug/'.length)).sort();
    expect(ids).toEqual(files.map((f) => f.replace(/\.json$/, '')).sort());
    expect(ids.map((i) => i.split('-')[0])).toEqual(['B01', 'B03', 'B06', 'B10', 'B11', 'B12', 'B19', 'B23', 'B32', 'B34']);
  });

  test.each(files)('%s: its Correct behaviour holds on linux and not under the bug', (f) => {
    const s = parseScenarioText(readFileSync(join(zooDir, f), 'utf8'), f);
    expect(runOnModel(s, linux).mismatches).toEqual([]);
    expect(runOnModel(s, findPolicy(`bug/${f.replace(/\.json$/, '')}`)!).mismatches.length).toBeGreaterThan(0);
  });
});

describe('a user\'s own policy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hugecheck-user-policy-'));

  test('a TypeScript module outside the repository loads and is checked', async () => {
    const file = join(dir, 'no-steal.ts');
    writeFileSync(file, [
      "import { definePolicy, linux, type Policy } from 'hugecheck';",
      '',
      '// The owner never takes a page back from its children.',
      'const policy: Policy = definePolicy(linux, {',
      "  name: 'my/no-steal',",
      "  description: 'no taking pages back on COW',",
      '  overrides: { unmapRefPrivate() {} },',
      '});',
      'export default policy;',
    ].join('\n'));
    const p = loadPolicyModule(file);
    expect(p.name).toBe('my/no-steal');
    const r = await cli('check', '--policy', file, '--runs', '2000', '--seed', '1', '--property', 'owner-never-faults', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).properties[0].status).toBe('violated');
  });

  test('a JavaScript module exporting a spec of overrides on a named base', () => {
    const file = join(dir, 'spec.js');
    writeFileSync(file, "module.exports = { name: 'my/spec', description: 'x', base: 'linux-fixed', overrides: { zapRestoresReserve: () => false } };");
    const p = loadPolicyModule(file);
    expect([p.name, p.base?.name, p.overrides]).toEqual(['my/spec', 'linux-fixed', ['zapRestoresReserve']]);
  });

  test.each([
    ['unknown.ts', "export default { overrides: { hugetlbWP() {} } };", /"hugetlbWP" is not a function of the model/],
    ['syntax.ts', 'export default definePolicy(linux, ', /cannot load policy .*syntax\.ts \(line 1, column 36\): '\)' expected/],
    ['nothing.ts', 'export const x = 1;', /it must export a policy/],
    ['throws.js', "throw new Error('boom');", /cannot load policy .*throws\.js: boom/],
  ])('a bad module (%s) gets one clear line and exit 2', async (name, body, message) => {
    const file = join(dir, name);
    writeFileSync(file, body);
    const r = await cli('check', '--policy', file, '--runs', '1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});

describe('hugecheck policies', () => {
  test('lists every policy with its one-line description', async () => {
    const r = await cli('policies');
    expect(r.code).toBe(0);
    for (const p of POLICIES.values()) expect(r.out).toContain(`${p.name}`);
    expect(r.out).toMatch(/^hugetlb-chardev +the 2007 \/dev\/hugetlb proposal/m);
  });
});
