/**
 * Hazards a kernel runner must know before running a scenario on a real machine, found by
 * running it on the model:
 * - a partial mremap move of a private mapping that holds reservations leaks them until reboot
 *   (kernel-observed 6g, kernel-findings §1): such scenarios are model-only by default;
 * - Rsvd below zero (kernel-observed rule 7): such scenarios need a clean pool.
 * It observes one model run (run/loop.ts): mremap's moves through the calls of `doMremap` and
 * `moveVma` (model/instrument.ts, observeCalls), the counters after each step.
 */
import type { Scenario } from '../scenario/types';
import { execute } from './machine';
import { observeCalls } from '../model/instrument';
import type { Policy } from '../model/policy';
import { linux } from '../model/policies/linux';

export interface Hazards {
  /** Steps whose mremap moved part of a private owner mapping. */
  leakyMremapSteps: number[];
  /** Steps after which Rsvd was below zero. */
  negativeRsvdSteps: number[];
  /** Steps after which Rsvd was below zero or above Free: there a kernel with leaked reservations
   *  lets the scenario use the leaked pages, so its baseline cannot be compensated. */
  unbackedSteps: number[];
}

export function findHazards(scenario: Scenario, base: Policy = linux): Hazards {
  let current = -1;
  const leaky: number[] = [];
  const leak = () => {
    if (leaky[leaky.length - 1] !== current) leaky.push(current);
  };
  // The two kernel functions through which a private mapping moves, observed (they run unchanged).
  const watched = observeCalls(
    base,
    (fn, args) => {
      if (fn === 'doMremap') {
        // Independently of what the model answers: a move of a private mapping is safe only when it
        // takes exactly one whole VMA. Anything else (a piece, several VMAs, holes) may be a partial
        // move on a kernel that performs it, so it counts as a leak. (Being wrong here leaked
        // reservations on this project's machine; being strict costs only some fuzz coverage.)
        const [, p, addr, oldLen, newLen, newAddr] = args as Parameters<Policy['doMremap']>;
        if (newAddr !== null && newLen > 0 && oldLen > 0) {
          const touched = p.vmas.filter((v) => v.end > addr && v.start < addr + oldLen);
          const whole = touched.length === 1 && touched[0]!.start === addr && touched[0]!.end === addr + oldLen;
          if (touched.some((v) => !v.shared) && !whole) leak();
        }
      } else {
        const [, vma, from, to] = args as Parameters<Policy['moveVma']>;
        if (!vma.shared && vma.owner && (from > vma.start || to < vma.end)) leak();
      }
    },
    ['doMremap', 'moveVma'],
  );
  const negative: number[] = [];
  const unbacked: number[] = [];
  execute(scenario, watched, (m) => [
    {
      beforeStep: (i) => {
        current = i;
      },
      afterStep: (i) => {
        const h = m.s.h;
        if (h.resvHugePages < 0) negative.push(i);
        if (h.resvHugePages < 0 || h.resvHugePages > h.freeHugePages) unbacked.push(i);
      },
    },
  ]);
  return { leakyMremapSteps: leaky, negativeRsvdSteps: negative, unbackedSteps: unbacked };
}
