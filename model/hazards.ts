/**
 * Hazards a kernel runner must know before running a scenario on a real machine, found by
 * running it on the model:
 * - a partial mremap move of a private mapping that holds reservations leaks them until reboot
 *   (kernel-observed 6g, kernel-findings §1): such scenarios are model-only by default;
 * - Rsvd below zero (kernel-observed rule 7): such scenarios need a clean pool.
 * The detector is itself a policy: the given one with `moveVma` observed.
 */
import type { Scenario } from '../scenario/types';
import { Machine } from './machine';
import { definePolicy, type Policy } from './policy';
import { linux } from './policies/linux';

export interface Hazards {
  /** Steps whose mremap moved part of a private owner mapping. */
  leakyMremapSteps: number[];
  /** Steps after which Rsvd was below zero. */
  negativeRsvdSteps: number[];
}

export function findHazards(scenario: Scenario, base: Policy = linux): Hazards {
  let current = -1;
  const leaky: number[] = [];
  const observer = definePolicy(base, {
    name: `${base.name}+hazards`,
    description: 'records partial moves of private owner mappings',
    overrides: {
      moveVma(s, vma, from, to, newAddr) {
        if (!vma.shared && vma.owner && (from > vma.start || to < vma.end) && leaky[leaky.length - 1] !== current) leaky.push(current);
        base.moveVma.call(this, s, vma, from, to, newAddr);
      },
    },
  });
  const m = new Machine(observer, scenario.setup);
  const negative: number[] = [];
  scenario.steps.forEach((step, i) => {
    current = i;
    m.step(step);
    if (m.s.h.resvHugePages < 0) negative.push(i);
  });
  return { leakyMremapSteps: leaky, negativeRsvdSteps: negative };
}
