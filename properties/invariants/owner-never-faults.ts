import { firstStep, type Invariant } from '../invariant';

export const ownerNeverFaults: Invariant = {
  id: 'owner-never-faults',
  title: 'The parent never faults fatally',
  statement:
    'The process that created a reserving MAP_PRIVATE mapping (its owner; moved with the mapping by mremap) never gets SIGBUS touching a page of it: ' +
    'on first touch its reservation serves, on copy-on-write after fork the page is taken back from the children instead. Fork children and ' +
    'MAP_NORESERVE mappings have no such guarantee. Exceptions the kernel documents: a page zapped (MADV_DONTNEED, truncate, punch) while surplus ' +
    'pages existed lost its reservation (R-9.3); a page of a file mapping at or beyond the file\'s size faults by design (R-4.2); a page zapped while a child ' +
    'still mapped it is not judged.',
  source: 'kernel-semantics.md R-13.2, R-4.5, R-4.7; bug-zoo.md H6; kernel-observed.md 4c, 4i',
  judge(t) {
    return firstStep(t, (f) => {
      const x = f.touch;
      if (!x || f.obs.result !== 'SIGBUS' || !x.ownerGuaranteed || x.segv !== false || x.beyondEof) return null;
      return `${x.proc}, the owner of the private mapping "${x.map}", got SIGBUS ${x.write ? 'writing' : 'reading'} page ${x.page}`;
    });
  },
  example: { setup: { nr_hugepages: 1 }, steps: [{ op: 'mmap', proc: 'p0', map: 'a', pages: 1 }, { op: 'write', proc: 'p0', map: 'a', page: 0 }, { op: 'fork', proc: 'p0', child: 'c' }, { op: 'write', proc: 'p0', map: 'a', page: 0 }] },
  brokenBy: 'bug/B12-fork-cow-owner',
};
