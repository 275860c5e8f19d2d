import { firstStep, fmtCounters, type Invariant } from '../invariant';

export const resizeKeepsReservations: Invariant = {
  id: 'resize-keeps-reservations',
  title: 'Resizing the pool never breaks reservations',
  statement:
    'A write to nr_hugepages never frees a page in use or a reserved one: Rsvd and the pages in use (Total minus Free) are unchanged, and if every reservation was ' +
    'backed before (Rsvd <= Free) it still is. What cannot be freed becomes surplus (R-10.1).',
  source: 'kernel-semantics.md R-10.1; bug-zoo.md H13; kernel-observed.md 10a-10c',
  judge(t) {
    return firstStep(t, (f) => {
      if (f.step.op !== 'setPool' || f.obs.result !== 'ok') return null;
      const b = f.before;
      const a = f.after;
      if (a.rsvd !== b.rsvd || a.total - a.free !== b.total - b.free || (b.rsvd <= b.free && a.rsvd > a.free)) {
        return `nr_hugepages = ${f.step.pages} went from ${fmtCounters(b)} to ${fmtCounters(a)}`;
      }
      return null;
    });
  },
  example: { setup: { nr_hugepages: 4 }, steps: [{ op: 'mmap', proc: 'p0', map: 'a', pages: 3 }, { op: 'write', proc: 'p0', map: 'a', page: 0 }, { op: 'setPool', pages: 1 }, { op: 'write', proc: 'p0', map: 'a', page: 1 }] },
  brokenBy: 'bug/B06-pool-shrink-below-reserve',
};
