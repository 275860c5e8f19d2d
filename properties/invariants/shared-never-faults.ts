import { firstStep, type Invariant } from '../invariant';

export const sharedNeverFaults: Invariant = {
  id: 'shared-never-faults',
  title: 'A reserved shared page never faults for lack of pages',
  statement:
    'After a successful reserving shared mmap (hugetlbfs file or MAP_SHARED|MAP_HUGETLB) or SHM_HUGETLB shmget, no process touching that file index gets SIGBUS, ' +
    'whoever maps it and however. Exceptions the kernel documents: indices at or beyond the file\'s size (R-4.2), indices whose reservation a truncate removed (also after ' +
    'the file grows again, kernel-observed 7b), indices in a punched hole or MADV_REMOVE range (R-8.4), and MAP_NORESERVE mappings where no reserving mapping covered the index.',
  source: 'kernel-semantics.md R-13.1, R-3.4; bug-zoo.md H5',
  judge(t) {
    return firstStep(t, (f) => {
      const x = f.touch;
      if (!x || f.obs.result !== 'SIGBUS' || !x.sharedGuaranteed || x.segv !== false || x.beyondEof) return null;
      return `${x.proc} got SIGBUS ${x.write ? 'writing' : 'reading'} page ${x.page} of "${x.map}" (file index ${x.idx}), which a shared mapping reserved`;
    });
  },
  example: { setup: { nr_hugepages: 1 }, steps: [{ op: 'mmap', proc: 'p0', map: 'a', pages: 1, share: 'shared' }, { op: 'fork', proc: 'p0', child: 'c' }, { op: 'mmap', proc: 'c', map: 'b', pages: 1, noreserve: true }, { op: 'write', proc: 'c', map: 'b', page: 0 }, { op: 'write', proc: 'c', map: 'a', page: 0 }] },
  brokenBy: 'bug/B19-noresv-steals-reserved',
};
