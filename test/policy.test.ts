/** The policy seam: overrides replace named functions, are seen by every caller, inherit the rest. */
import { describe, expect, test } from '@jest/globals';
import { definePolicy, PolicyError } from '../model/policy';
import { linux } from '../model/policies/linux';
import { runOnModel } from '../run/model';
import type { Kernel } from '../model/kernel';
import { validateScenario } from '../scenario/validate';

const scenario = validateScenario({
  format: 'hugecheck.scenario/1',
  name: 'owner-write',
  setup: { nr_hugepages: 2 },
  steps: [
    { op: 'mmap', proc: 'p0', map: 'a', pages: 1 },
    { op: 'write', proc: 'p0', map: 'a', page: 0 },
    { op: 'munmap', proc: 'p0', map: 'a' },
  ],
});

describe('definePolicy', () => {
  test('an override of an inner function is seen by the paths that reach it', () => {
    // No free page is ever dequeued: the owner's reserved write now finds no page.
    const noDequeue = definePolicy(linux, { name: 'no-dequeue', description: 't', overrides: { dequeueHugetlbFolioVma: () => null } });
    expect(runOnModel(scenario, linux).steps[1]!.result).toBe('ok');
    expect(runOnModel(scenario, noDequeue).steps[1]!.result).toBe('SIGBUS');
  });

  test('an override can call the function it replaces, and everything else is inherited', () => {
    const calls: number[] = [];
    const counting = definePolicy(linux, {
      name: 'counting',
      description: 't',
      overrides: {
        allocHugetlbFolio(s, vma, idx, cow) {
          calls.push(idx);
          return linux.allocHugetlbFolio.call(this, s, vma, idx, cow);
        },
      },
    });
    const a = runOnModel(scenario, linux);
    const b = runOnModel(scenario, counting);
    expect(b.steps).toEqual(a.steps);
    expect(calls).toEqual([0]);
    expect(counting.hugetlbWp).toBe(linux.hugetlbWp);
    expect(counting.overrides).toEqual(['allocHugetlbFolio']);
    expect(counting.base).toBe(linux);
  });

  test('policies stack: a policy derived from a derived policy keeps both overrides', () => {
    const a = definePolicy(linux, { name: 'a', description: 't', overrides: { allocBuddyHugetlbFolio: () => false } });
    const b = definePolicy(a, { name: 'b', description: 't', overrides: { hugetlbOvercommitHandler() {} } });
    expect(b.allocBuddyHugetlbFolio).toBe(a.allocBuddyHugetlbFolio);
    // Pool growth needs the buddy allocator: with it failing, setup leaves the pool empty.
    expect(runOnModel(scenario, b).initial.total).toBe(0);
  });

  test('an unknown function name is refused with the name', () => {
    expect(() => definePolicy(linux, { name: 'typo', description: 't', overrides: { hugetlbWP: () => 'ok' } as unknown as Partial<Kernel> })).toThrow(
      new PolicyError('policy "typo": "hugetlbWP" is not a function of the model (see model/kernel.ts for the list)'),
    );
  });

  test('policies are frozen', () => {
    expect(Object.isFrozen(linux)).toBe(true);
    expect(() => {
      (linux as unknown as Record<string, unknown>).hugetlbWp = () => 'ok';
    }).toThrow(TypeError);
  });
});
