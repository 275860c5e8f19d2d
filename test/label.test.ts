/**
 * Known-bug labels that never mask (checker/label.ts): a label is the smallest set of known bugs
 * whose fixes together remove the violation, and a fix that would replace a function the policy
 * under check changes is never used to explain it.
 */
import { describe, expect, test } from '@jest/globals';
import { checkProperty } from '../checker/check';
import { Labeller } from '../checker/label';
import { fixFailedReserveMinSize } from '../model/policies/fixes';
import {  } from '../model/policies/known-bugs';
import { KNOWN_BUGS } from '../model/policies/known-bugs';
import { linux } from '../model/policies/linux';
import { linuxFixed } from '../model/policies/known-bugs';
import { definePolicy, policyChanges } from '../model/policy';
import { findInvariant } from '../properties/catalogue';
import { judgeOnModel } from '../run/model';

/** A user's change to the very function the failed-reserve-min-size fix replaces: a failed
 *  reservation puts nothing back (neither the subpool's pages nor its quota). */
const leakyPutPages = definePolicy(linux, {
  name: 'test/failed-reserve-puts-nothing-back',
  description: 'hugetlb_reserve_pages\' error path returns nothing to the subpool',
  overrides: { hugetlbReservePagesPutPages() {} },
});

describe('policyChanges: what the policy author changed', () => {
  test('linux and linux-fixed change nothing; fixes and recorders are looked through', () => {
    expect([...policyChanges(linux)]).toEqual([]);
    expect([...policyChanges(linuxFixed)]).toEqual([]);
    expect([...policyChanges(fixFailedReserveMinSize(leakyPutPages))]).toEqual(['hugetlbReservePagesPutPages']);
  });
  test('a fix whose function the policy overrides is in conflict and is not used', () => {
    const l = new Labeller(leakyPutPages);
    expect([...l.conflicts.keys()]).toEqual(['failed-reserve-min-size']);
    expect(l.usable.map((b) => b.id)).toEqual(KNOWN_BUGS.map((b) => b.id).filter((id) => id !== 'failed-reserve-min-size'));
    expect(new Labeller(linux).conflicts.size).toBe(0);
  });
});

describe('a policy that changes the function a known bug\'s fix replaces', () => {
  const inv = findInvariant('error-atomicity')!;
  const r = checkProperty(leakyPutPages, inv, { runs: 3000, seed: 1 });
  test('its own break is reported unexpected, not as the known bug', () => {
    expect(r.unexpected).toBe(true);
    const v = r.violations[r.violations.length - 1]!;
    expect(v.knownBugs).toBeUndefined();
    expect(v.inseparable).toEqual({ bugs: ['failed-reserve-min-size'], functions: ['hugetlbReservePagesPutPages'] });
    // The old labelling (apply the bug's fix, see the violation go) would have called it known:
    // the fix erases the policy's change.
    expect(judgeOnModel(v.counterexample, fixFailedReserveMinSize(leakyPutPages), [inv]).violations.has(inv.id)).toBe(false);
    expect(judgeOnModel(v.counterexample, leakyPutPages, [inv]).violations.has(inv.id)).toBe(true);
  });
  test('on linux the same search labels failed-reserve-min-size as known', () => {
    const onLinux = checkProperty(linux, inv, { runs: 3000, seed: 1 });
    expect(onLinux.unexpected).toBe(false);
    expect(onLinux.violations.flatMap((v) => v.knownBugs ?? [])).toContain('failed-reserve-min-size');
  });
});
