import { fmtCounters, type Invariant } from '../invariant';
import type { Counters } from '../../scenario/types';

function bad(c: Counters): string | null {
  if (c.rsvd < 0) return `HugePages_Rsvd is ${c.rsvd} (the kernel prints ${(2n ** 64n + BigInt(c.rsvd)).toString()})`;
  if (c.total < 0 || c.free < 0 || c.surp < 0) return `a counter is negative: ${fmtCounters(c)}`;
  if (c.free > c.total) return `Free exceeds Total: ${fmtCounters(c)}`;
  if (c.surp > c.total) return `Surp exceeds Total: ${fmtCounters(c)}`;
  return null;
}

export const countersNonnegative: Invariant = {
  id: 'counters-nonnegative',
  title: 'No counter is ever negative or wrapped',
  statement:
    'After every step and after teardown, HugePages_Total, Free, Rsvd and Surp are at least zero, Free is at most Total and Surp is at most Total. ' +
    'A negative Rsvd is what /proc/meminfo shows as a 20-digit number. There is no documented exception.',
  source: 'kernel-semantics.md I-1, I-2; bug-zoo.md H1; kernel-observed.md rule 7',
  judge(t) {
    for (let i = 0; i < t.steps.length; i++) {
      const m = bad(t.steps[i]!.counters);
      if (m) return { step: i, message: m };
    }
    const m = bad(t.final.counters);
    return m ? { step: 'final', message: m } : null;
  },
  example: { setup: { nr_hugepages: 2 }, steps: [{ op: 'mmap', proc: 'p0', map: 'a', pages: 2 }, { op: 'write', proc: 'p0', map: 'a', page: 0 }, { op: 'munmap', proc: 'p0', map: 'a' }] },
  brokenBy: 'bug/B32-mremap-reservation-transfer',
};
