/**
 * `hugecheck diff-policy`: minimal scenarios on which two policies' traces differ, one per class of
 * first difference; identical policies have none; the search is deterministic; a user's policy
 * module works and its replay names the file; saved scenarios run with `hugecheck run`.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readdirSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { comparePolicies, diffPolicies } from '../checker/diff-policy';
import { firstDivergence } from '../checker/diff';
import type { DiffPolicyDocument } from '../cli/diff-policy';
import { findPolicy } from '../model/policies';
import { linux } from '../model/policies/linux';
import { judgeOnModel } from '../run/model';
import { runCli } from './support/cli';

const dir = mkdtempSync(join(tmpdir(), 'hugecheck-diff-policy-'));

async function diffJson(...args: string[]): Promise<{ code: number; doc: DiffPolicyDocument; out: string }> {
  const r = await runCli('diff-policy', ...args, '--json');
  return { code: r.code, doc: JSON.parse(r.out) as DiffPolicyDocument, out: r.out };
}

describe('hugecheck diff-policy', () => {
  test('a bug policy against linux: a short minimal scenario whose traces really differ at the marked step', async () => {
    const { code, doc } = await diffJson('--policy', 'bug/B10-private-unreserved', '--seed', '1', '--runs', '300', '--max', '2');
    expect(code).toBe(1);
    expect(doc.differences.length).toBeGreaterThanOrEqual(1);
    const bug = findPolicy('bug/B10-private-unreserved')!;
    for (const d of doc.differences) {
      expect(d.steps).toBeLessThanOrEqual(4);
      // Both policies run afresh with the judge: they agree before the marked step and differ at it.
      const a = judgeOnModel(d.scenario, bug, []).trace;
      const b = judgeOnModel(d.scenario, linux, []).trace;
      const div = firstDivergence(a, b)!;
      expect({ step: div.step, field: div.field, policy: div.model, against: div.kernel }).toEqual({
        step: d.difference.step, field: d.difference.field, policy: d.difference.policy, against: d.difference.against,
      });
      expect(a.mismatches).toEqual([]); // expect = what the policy does
      expect(b.mismatches.length).toBeGreaterThan(0);
    }
    // MAP_PRIVATE reserving nothing shows at the mmap itself (with no pool, linux refuses it): one step.
    expect(doc.differences[0]!.steps).toBe(1);
    expect(doc.differences[0]!.difference).toMatchObject({ step: 0, op: 'mmap', field: 'result', policy: 'ok', against: 'ENOMEM', class: 'mmap/result' });
  });

  test('the classes found are distinct, and each minimal scenario keeps its class', () => {
    const policy = findPolicy('no-restore-on-zap')!;
    const r = diffPolicies(policy, linux, { runs: 1000, seed: 1, max: 3 });
    const classes = r.differences.map((d) => d.difference.class);
    expect(classes.length).toBeGreaterThanOrEqual(2);
    expect(new Set(classes).size).toBe(classes.length);
    for (const d of r.differences) expect(comparePolicies(d.scenario, policy, linux).difference?.class).toBe(d.difference.class);
  });

  test('the text output marks the first differing row in the side-by-side run tables', async () => {
    const r = await runCli('diff-policy', '--policy', 'no-restore-on-zap', '--seed', '1', '--runs', '300', '--max', '1');
    expect(r.code).toBe(1);
    const { doc } = await diffJson('--policy', 'no-restore-on-zap', '--seed', '1', '--runs', '300', '--max', '1');
    const d = doc.differences[0]!;
    expect(typeof d.difference.step).toBe('number');
    const lines = r.out.split('\n');
    const marked = lines.filter((l) => l.includes('<--'));
    expect(marked).toHaveLength(1);
    expect(marked[0]!.endsWith(`<-- ${d.difference.field}`)).toBe(true);
    expect(marked[0]).toMatch(new RegExp(`^${d.difference.step}  .*\\| `));
    // one row per step, plus the title, header, rule, initial and final rows
    const table = lines.slice(lines.findIndex((l) => l.startsWith(' ') && l.includes('no-restore-on-zap')), lines.findIndex((l) => l.startsWith('* counter')));
    expect(table).toHaveLength(d.steps + 5);
    expect(r.out).toMatch(/no-restore-on-zap\s+\| linux/);
    expect(r.out).toContain('replay: hugecheck diff-policy --policy no-restore-on-zap --against linux --seed 1 --runs 300 --max 1\n');
  });

  test('identical policies: no difference, exit 0', async () => {
    const r = await runCli('diff-policy', '--policy', 'linux', '--against', 'linux', '--seed', '1', '--runs', '300');
    expect(r.code).toBe(0);
    expect(r.out).toContain('no difference: the traces agree on all 300 generated scenarios');
    const j = await diffJson('--policy', 'linux', '--seed', '2', '--runs', '100');
    expect([j.code, j.doc.differences, j.doc.exhausted]).toEqual([0, [], true]);
  });

  test('deterministic: the same seed gives the same JSON', async () => {
    const args = ['--policy', 'no-restore-on-zap', '--seed', '7', '--runs', '200', '--max', '3'];
    const a = await diffJson(...args);
    const b = await diffJson(...args);
    expect(a.code).toBe(1);
    expect(a.out).toBe(b.out);
    expect(a.doc.replay).toBe('hugecheck diff-policy --policy no-restore-on-zap --against linux --seed 7 --runs 200 --max 3');
  });

  test('a user policy module: found, replay names the file, --save writes scenarios hugecheck run replays', async () => {
    const file = join(dir, 'no-restore.ts');
    writeFileSync(file, [
      "import { definePolicy, linux } from 'hugecheck';",
      'export default definePolicy(linux, {',
      "  name: 'my/no-restore',",
      "  description: 'zapping never restores a reservation',",
      '  overrides: { zapRestoresReserve: () => false },',
      '});',
    ].join('\n'));
    const save = join(dir, 'saved');
    const { code, doc } = await diffJson('--policy', file, '--seed', '1', '--runs', '300', '--max', '2', '--save', save);
    expect(code).toBe(1);
    expect(doc.policy).toBe('my/no-restore');
    expect(doc.replay).toBe(`hugecheck diff-policy --policy ${file} --against linux --seed 1 --runs 300 --max 2`);
    expect(readdirSync(save).sort()).toEqual(doc.differences.map((d) => `my_no-restore-vs-linux-${doc.differences.indexOf(d) + 1}.json`).sort());
    for (const d of doc.differences) {
      expect(d.saved).toBeDefined();
      expect((await runCli('run', d.saved!, '--policy', file)).code).toBe(0);
      // expect is per step: a difference only in the final observation is not an expectation.
      if (typeof d.difference.step !== 'number') continue;
      const other = await runCli('run', d.saved!, '--policy', 'linux');
      expect(other.code).toBe(1);
      expect(other.out).toContain(`step ${d.difference.step} (${d.difference.op}): ${d.difference.field}`);
    }
  });

  test.each([
    [['--policy', 'no-such-policy'], /unknown policy "no-such-policy"/],
    [['--policy', 'linux', '--against', 'nope'], /unknown policy "nope"/],
    [['--policy', 'linux', '--runs', '0'], /--runs must be a whole number >= 1/],
    [['--policy', 'linux', '--max', 'x'], /--max must be a whole number >= 1/],
    [['--policy', 'linux', '--weights', 'fork=x'], /--weights: bad weight/],
  ])('bad input %j: one line, exit 2', async (args, message) => {
    const r = await runCli('diff-policy', ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.out).toBe('');
  });
});
