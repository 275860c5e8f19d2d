import { fmtCounters, type Invariant } from '../invariant';

export const reserveBacked: Invariant = {
  id: 'reserve-backed',
  title: 'Every reservation is backed by a free page (Rsvd <= Free)',
  statement:
    'After every step, HugePages_Rsvd is at most HugePages_Free: each outstanding reservation has a free page behind it, so a reserved fault always finds one. ' +
    'There is no documented exception; the kernel only intends this (I-3 is "supposed").',
  source: 'kernel-semantics.md I-3, R-1.3, R-10.1; bug-zoo.md H2',
  judge(t) {
    for (let i = 0; i < t.steps.length; i++) {
      const c = t.steps[i]!.counters;
      if (c.rsvd > c.free) return { step: i, message: `Rsvd ${c.rsvd} exceeds Free ${c.free}: ${fmtCounters(c)}` };
    }
    return null;
  },
  example: { setup: { nr_hugepages: 2 }, steps: [{ op: 'mmap', proc: 'p0', map: 'a', pages: 2 }, { op: 'setPool', pages: 0 }, { op: 'write', proc: 'p0', map: 'a', page: 0 }] },
  brokenBy: 'bug/B06-pool-shrink-below-reserve',
};
