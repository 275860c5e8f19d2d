import { firstStep, type Invariant } from '../invariant';

export const unreservedIsolation: Invariant = {
  id: 'unreserved-isolation',
  title: 'Unreserved allocations never take reserved pages',
  statement:
    'A fault that holds no reservation (a fork child, a MAP_NORESERVE mapping, a file index no mapping reserved) takes only a free unreserved page (Free > Rsvd) ' +
    'or a new surplus page; it never takes a page promised to someone else, and no fault turns Rsvd <= Free into Rsvd > Free. Faults on a min_size mount may use ' +
    'the mount\'s own reserve and are not judged.',
  source: 'bug-zoo.md H7; kernel-semantics.md R-1.7, R-2.3; kernel-observed.md 3b',
  judge(t) {
    return firstStep(t, (f) => {
      const x = f.touch;
      if (!x || f.obs.result !== 'ok') return null;
      const b = f.before;
      const a = f.after;
      if (b.rsvd <= b.free && a.rsvd > a.free) return `a fault by ${x.proc} on "${x.map}" page ${x.page} pushed Rsvd ${a.rsvd} above Free ${a.free}`;
      const tookFreePage = a.free === b.free - 1 && a.total === b.total;
      if (x.mustConsume === 0 && !x.noAlloc && tookFreePage && a.rsvd === b.rsvd && b.free <= b.rsvd) {
        return `an unreserved fault by ${x.proc} on "${x.map}" page ${x.page} took a free page although all ${b.free} were reserved`;
      }
      return null;
    });
  },
  example: { setup: { nr_hugepages: 2 }, steps: [{ op: 'mmap', proc: 'p0', map: 'a', pages: 1 }, { op: 'mmap', proc: 'p0', map: 'n', pages: 2, noreserve: true }, { op: 'write', proc: 'p0', map: 'n', page: 0 }, { op: 'write', proc: 'p0', map: 'n', page: 1 }, { op: 'write', proc: 'p0', map: 'a', page: 0 }] },
  brokenBy: 'bug/B19-noresv-steals-reserved',
};
