/**
 * Spreading a check: worker threads give the single thread's report; shards merged with
 * `hugecheck merge` give the unsharded report; merge refuses what is not one campaign.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { campaignUnits, foldReports, parseShard, checkUnit } from '../checker/campaign';
import { findPolicy } from '../model/policies';
import { runCli } from './support/cli';

const dir = mkdtempSync(join(tmpdir(), 'hugecheck-campaign-'));
const save = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe('a campaign\'s units', () => {
  test('seed first, then invariant; shards take every n-th unit and together take each once', () => {
    const units = campaignUnits(['a', 'b', 'c'], [7, 8]);
    expect(units.map((u) => `${u.seed}${u.invariant}`)).toEqual(['7a', '7b', '7c', '8a', '8b', '8c']);
    const shards = [1, 2, 3, 4].map((i) => campaignUnits(['a', 'b', 'c'], [7, 8], { index: i, count: 4 }).map((u) => `${u.seed}${u.invariant}`));
    expect(shards).toEqual([['7a', '8b'], ['7b', '8c'], ['7c'], ['8a']]);
    expect(() => parseShard('0/2')).toThrow(/not i\/n/);
    expect(() => parseShard('3/2')).toThrow(/not i\/n/);
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
  });

  test('the fold keeps one counterexample per known bug, the shortest, and adds the runs', () => {
    const policy = findPolicy('linux')!;
    const results = [11, 12, 13].map((seed) => checkUnit(policy, { seed, invariant: 'pool-conservation' }, { runs: 300 }));
    const [folded] = foldReports(['pool-conservation'], results, [11, 12, 13]);
    expect(folded!.runs).toBe(results.reduce((n, r) => n + r.runs, 0));
    const key = (v: { knownBugs?: string[] }) => v.knownBugs?.join('+');
    const bugs = new Set(results.flatMap((r) => r.violations.map(key)));
    expect(new Set(folded!.violations.map(key))).toEqual(bugs);
    for (const v of folded!.violations) {
      const all = results.flatMap((r) => r.violations).filter((x) => key(x) === key(v));
      expect(v.counterexample.steps.length).toBe(Math.min(...all.map((x) => x.counterexample.steps.length)));
    }
    // Any grouping folds to the same thing.
    const ab = foldReports(['pool-conservation'], results.slice(0, 2), [11, 12, 13]);
    expect(foldReports(['pool-conservation'], [...ab, results[2]!], [11, 12, 13])).toEqual([folded]);
  });
});

describe('check --workers, --shard and merge', () => {
  const args = ['check', '--policy', 'bug/B12-fork-cow-owner', '--seed', '4', '--runs', '200', '--repeat', '2', '--property', 'owner-never-faults', '--property', 'pool-conservation', '--property', 'quiescent-clean', '--json'];

  test('two workers print the report one thread prints', async () => {
    const one = await runCli(...args, '--workers', '1');
    const two = await runCli(...args, '--workers', '2');
    expect(one.code).toBe(1); // B12 breaks owner-never-faults
    expect(two.out).toBe(one.out);
    const r = JSON.parse(one.out);
    expect([r.seeds, r.invariants.length, r.properties.map((p: { runs: number }) => p.runs > 0)]).toEqual([[4, 5], 3, [true, true, true]]);
    expect(r.properties[0].violations.find((v: { knownBugs?: string[] }) => !v.knownBugs).replay).toMatch(/^hugecheck check --policy bug\/B12-fork-cow-owner --seed [45] --runs 200 --property owner-never-faults$/);
  });

  test('three shards merged give the unsharded report; merge refuses a missing, repeated or foreign shard', async () => {
    const whole = await runCli(...args, '--workers', '1');
    const files = [];
    for (const i of [1, 2, 3]) {
      const r = await runCli(...args, '--workers', '1', '--shard', `${i}/3`);
      expect(JSON.parse(r.out).shard).toBe(`${i}/3`);
      files.push(save(`shard${i}.json`, r.out));
    }
    const merged = await runCli('merge', ...files, '--json');
    expect([merged.code, merged.out]).toEqual([whole.code, whole.out]);
    const text = await runCli('merge', ...files);
    expect(text.out).toMatch(/merged from 3 reports/);
    expect(text.out).toMatch(/owner-never-faults: VIOLATED/);

    const missing = await runCli('merge', files[0]!, files[2]!);
    expect([missing.code, missing.err]).toEqual([2, expect.stringMatching(/shard 2\/3 missing \(give --partial/)]);
    const partial = await runCli('merge', files[0]!, files[2]!, '--partial');
    expect(partial.err).toMatch(/warning: shard 2\/3 missing/);
    const twice = await runCli('merge', files[0]!, files[0]!);
    expect([twice.code, twice.err]).toEqual([2, expect.stringMatching(/are both shard 1\/3/)]);
    const other = await runCli('check', '--policy', 'linux', '--seed', '4', '--runs', '100', '--property', 'owner-never-faults', '--json', '--shard', '2/3');
    const foreign = await runCli('merge', files[0]!, save('other.json', other.out), files[2]!);
    expect([foreign.code, foreign.err]).toEqual([2, expect.stringMatching(/policy is "linux" where .* has "bug\/B12-fork-cow-owner": not the same campaign/)]);
    const junk = await runCli('merge', save('junk.json', '{ nope'));
    expect([junk.code, junk.err]).toEqual([2, expect.stringMatching(/junk\.json: not JSON/)]);
    const wrong = await runCli('merge', save('trace.json', '{"format":"hugecheck.trace/1"}'));
    expect([wrong.code, wrong.err]).toEqual([2, expect.stringMatching(/format is "hugecheck.trace\/1", expected "hugecheck.report\/1"/)]);
  });

  test('bad --shard and --workers are usage errors', async () => {
    for (const [flag, value, msg] of [['--shard', '4/3', /--shard: "4\/3" is not i\/n/], ['--workers', '0', /--workers must be a whole number >= 1/]] as const) {
      const r = await runCli('check', '--runs', '1', flag, value);
      expect([r.code, r.err]).toEqual([2, expect.stringMatching(msg)]);
    }
  });
});
