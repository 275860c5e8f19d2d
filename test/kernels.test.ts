/**
 * Kernel releases and bugs as values (model/kernels.ts, model/policies/bugs.ts): which entry models
 * a `uname -r`, that every bug's two directions undo each other, that a zoo bug and the seed design
 * that make the same change are one value, and that each known bug's probe golden tells a kernel
 * with the bug from one without it (what kernel/probe.ts relies on).
 */
import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { modelAfterProbe, probeHazard, probeScenario, withAndWithout, type ProbeResult } from '../kernel/probe';
import { labelViolation } from '../checker/label';
import { judgeOnModel } from '../run/model';
import { firstDivergence } from '../checker/diff';
import { KERNELS, kernelForRelease, LINUX_6_18, MAINLINE_7_3, policyForRelease } from '../model/kernels';
import { POLICIES } from '../model/policies';
import { KNOWN_BUGS, linuxFixed, upstreamStatus } from '../model/policies/known-bugs';
import { buildReadableTrace, violationSentence } from '../reports/readable';
import { runCli } from './support/cli';
import { linux } from '../model/policies/linux';
import { MUTANTS, ZOO_BUGS } from '../model/policies/mutants';
import { SEED_POLICIES } from '../model/policies/seeds';
import { execute } from '../run/machine';
import { parseScenarioText } from '../scenario/validate';
import { ROOT } from './support/goldens';

describe('which kernel entry models a release', () => {
  test.each([
    ['6.18.44-fc-v1272', 'linux-6.18', true],
    ['6.18', 'linux-6.18', true],
    ['7.3.0-rc4', 'linux-7.3', true],
    ['7.5.1', 'linux-7.3', false],
    ['6.19.0', 'linux-6.18', false],
    ['6.12.5-arch1', 'linux-6.18', false],
    ['6.180.1', 'linux-6.18', false],
    ['not a release', 'linux-6.18', false],
  ])('%s: %s (matched %s)', (release, id, matched) => {
    const c = kernelForRelease(release);
    expect([c.kernel.id, c.matched]).toEqual([id, matched]);
    expect(policyForRelease(release)).toBe(c.kernel.policy);
    // Anything but a measured exact match is said, naming the model used.
    if (!matched || !c.kernel.measured) expect(c.note).toContain(c.kernel.id);
    else expect(c.note).toBeUndefined();
  });

  test('6.18 is linux and measured; 7.3 is linux with the restore-on-zap fix, from source', () => {
    expect(LINUX_6_18.policy).toBe(linux);
    expect(LINUX_6_18.measured).toBe(true);
    expect(MAINLINE_7_3.measured).toBe(false);
    expect(MAINLINE_7_3.knownBugs.map((b) => b.id)).toEqual(KNOWN_BUGS.map((b) => b.id).filter((id) => id !== 'restore-reserve-still-mapped'));
    expect(POLICIES.get('linux-7.3')).toBe(MAINLINE_7_3.policy);
    for (const k of KERNELS) for (const dir of k.goldens) expect(readdirSync(join(ROOT, dir)).filter((f: string) => f.endsWith('.json')).length).toBeGreaterThan(5);
  });
});

/** What a run observed (not which runner made it). */
const observed = (s: Parameters<typeof execute>[0], p: Parameters<typeof execute>[1]) => {
  const t = execute(s, p);
  return JSON.stringify([t.initial, t.steps, t.final]);
};

describe('bugs as values', () => {
  const goldens = (dir: string) =>
    readdirSync(join(ROOT, dir))
      .map((f: string) => parseScenarioText(readFileSync(join(ROOT, dir, f), 'utf8'), f));
  const zoo = goldens('scenarios/zoo');
  const same = (a: Parameters<typeof execute>[1], b: Parameters<typeof execute>[1], scenarios: ReturnType<typeof goldens>) =>
    scenarios.every((s: Parameters<typeof execute>[0]) => observed(s, a) === observed(s, b));

  test('the known-bug list is the fix list: on each bug\'s probe, linux-fixed does what that bug\'s fix does', () => {
    const probes = KNOWN_BUGS.filter((b) => probeScenario(b) !== undefined);
    expect(probes.length).toBe(5);
    for (const b of probes) {
      const s = probeScenario(b)!;
      expect([b.id, observed(s, linuxFixed)]).toEqual([b.id, observed(s, b.fix(linux))]);
      expect([b.id, observed(s, linuxFixed) === observed(s, linux)]).toEqual([b.id, false]);
    }
    // Every function a known bug's fix replaces is replaced in linux-fixed.
    const replaced = new Set<string>();
    for (let p: typeof linuxFixed | null = linuxFixed; p; p = p.base) for (const f of p.overrides) replaced.add(f);
    expect(KNOWN_BUGS.flatMap((b) => b.functions).filter((f) => !replaced.has(f))).toEqual([]);
  });

  test('every probe golden is safe to run on a kernel with the bug or without it (no leak, no unbacked pool)', () => {
    for (const k of KERNELS) {
      for (const b of KNOWN_BUGS) {
        if ('unsafe' in b.probe) expect(probeHazard(k, b)).toBe(b.probe.unsafe);
        else expect([k.id, b.id, probeHazard(k, b)]).toEqual([k.id, b.id, undefined]);
      }
    }
  });

  test.each(KNOWN_BUGS.filter((b) => 'golden' in b.probe).map((b) => [b.id, b] as const))('%s: its probe golden tells the kernel with it from the kernel without it, on both entries', (_id, bug) => {
    const s = probeScenario(bug)!;
    for (const k of KERNELS) {
      const m = withAndWithout(k, bug);
      expect(firstDivergence(execute(s, m.with), execute(s, m.without))).not.toBeNull();
    }
    // The two directions undo each other: taken out of linux, then put back.
    expect(observed(s, bug.introduce(bug.fix(linux)))).toBe(observed(s, linux));
  });

  test('a zoo bug and the seed design that is the same change are one value with two names', () => {
    const pairs = ZOO_BUGS.filter((b) => b.names.length > 1).map((b) => b.names);
    expect(pairs).toEqual([
      ['bug/B10-private-unreserved', 'pre-private-reserves'],
      ['bug/B12-fork-cow-owner', 'reserve-until-fork'],
      ['bug/B34-madvise-dontneed-private-lost-reserve', 'no-restore-on-zap'],
    ]);
    for (const [zooName, seedName] of pairs) {
      const a = MUTANTS.find((p) => p.name === zooName)!;
      const b = SEED_POLICIES.find((p) => p.name === seedName)!;
      expect(a.overrides).toEqual(b.overrides);
      for (const f of a.overrides) expect(a[f]).toBe(b[f]);
    }
  });

  test.each(ZOO_BUGS.map((b) => [b.id, b] as const))('zoo %s: taking it out of linux-with-it gives linux back on the zoo scenarios', (_id, bug) => {
    const withIt = bug.introduce(linux);
    expect(same(bug.fix(withIt), linux, zoo)).toBe(true);
    expect(same(withIt, linux, zoo)).toBe(false);
  });

  test('the model after a probe: a listed bug the kernel lacks is fixed, an unlisted one it shows is put in', () => {
    const bug = KNOWN_BUGS.find((b) => b.id === 'restore-reserve-still-mapped')!;
    const result = (verdict: ProbeResult['verdict']): ProbeResult[] => [{ bug, verdict }];
    expect(modelAfterProbe(LINUX_6_18, result('shows'))).toBe(linux);
    expect(modelAfterProbe(LINUX_6_18, result('unclear'))).toBe(linux);
    const backported = modelAfterProbe(LINUX_6_18, result('lacks'));
    expect(backported.name).toBe('linux+fix/restore-reserve-still-mapped');
    const s = probeScenario(bug)!;
    expect(observed(s, backported)).toBe(observed(s, MAINLINE_7_3.policy));
    const regressed = modelAfterProbe(MAINLINE_7_3, result('shows'));
    expect(regressed.name).toBe('linux-7.3+restore-reserve-still-mapped');
    expect(observed(s, regressed)).toBe(observed(s, linux));
    // A bug put back by the probe is still a known bug to the labels, not a change of the model's.
    const violated = [...judgeOnModel(s, regressed).violations.keys()];
    expect(violated.length).toBeGreaterThan(0);
    for (const id of violated) expect([id, labelViolation(regressed, id, s).knownBugs]).toEqual([id, ['restore-reserve-still-mapped']]);
  });
});

describe('where upstream stands on each known bug', () => {
  test('every known bug says which commit brought it in and whether mainline fixed it', () => {
    for (const b of KNOWN_BUGS) {
      expect([b.id, b.upstream.introduced]).toEqual([b.id, expect.stringMatching(/^[0-9a-f]{12} \(v\d/)]);
      expect(upstreamStatus(b)).toContain(b.upstream.introduced);
    }
    const by = (m: string) => KNOWN_BUGS.filter((b) => b.upstream.mainline === m).map((b) => b.id);
    expect(by('fixed')).toEqual(['restore-reserve-still-mapped']);
    expect(by('fix queued')).toEqual(['failed-fault-size-quota']);
    // The kernel registry agrees: what mainline fixed is what linux-7.3 no longer lists.
    expect(KNOWN_BUGS.filter((b) => !MAINLINE_7_3.knownBugs.includes(b)).map((b) => b.id)).toEqual(by('fixed'));
  });

  test('check prints it under the bug, the reports with the violation', async () => {
    const r = await runCli('check', '--policy', 'linux', '--seed', '1', '--runs', '300', '--property', 'counters-nonnegative');
    expect(r.out).toMatch(/restore-reserve-still-mapped: .*\n {2}upstream: fixed in mainline: the v7.3 cycle restores only once the folio is no longer mapped; not in 6\.18\.y; introduced by df7a6d1f6405 \(v6\.8\)/);
    const s = probeScenario(KNOWN_BUGS.find((b) => b.id === 'fork-after-steal-reads-zero')!)!;
    const t = buildReadableTrace(s, linux, { labelKnownBugs: true });
    expect(t.violations.length).toBeGreaterThan(0);
    for (const v of t.violations) expect(violationSentence(v)).toContain('fork-after-steal-reads-zero: still in mainline: hugetlb_dup_vma_private() still clears HPAGE_RESV_UNMAPPED at fork');
  });
});
