import { firstStep, type Invariant } from '../invariant';

export const eofSigbus: Invariant = {
  id: 'eof-sigbus',
  title: 'A touch beyond the end of a file is SIGBUS and changes nothing',
  statement:
    'A read or write of a hugetlbfs file mapping at an index at or beyond the file\'s size (as writable mmaps, ftruncate and fallocate set it) that has no page in ' +
    'the page cache raises SIGBUS, not an allocation, and changes no counter — also after a truncate, and for a read-only mapping that reserved past the end (it does ' +
    'not extend the file). A page already in the page cache beyond the end (left by a fallocate that failed with ENOSPC) is mapped: hugetlb_no_page checks the size only ' +
    'before allocating (kernel run k6).',
  source: 'kernel-semantics.md R-4.2, R-3.5, R-8.2; bug-zoo.md H11; kernel-observed.md 2c, 7a',
  judge(t) {
    return firstStep(t, (f) => {
      const x = f.touch;
      if (!x || !x.beyondEof || x.cached !== 'no' || x.objKind !== 'file' || x.segv !== false) return null;
      const b = f.before;
      const a = f.after;
      if (f.obs.result !== 'SIGBUS') return `${x.proc}'s touch of "${x.map}" page ${x.page} (file index ${x.idx}, beyond the end of the file) returned ${f.obs.result}`;
      if (a.total !== b.total || a.free !== b.free || a.rsvd !== b.rsvd || a.surp !== b.surp) return `the SIGBUS beyond the end of the file changed the counters`;
      return null;
    });
  },
  example: { setup: { nr_hugepages: 2 }, steps: [{ op: 'create', file: 'f' }, { op: 'mmap', proc: 'p0', map: 'a', pages: 2, share: 'shared', file: 'f' }, { op: 'write', proc: 'p0', map: 'a', page: 1 }, { op: 'truncate', file: 'f', pages: 1 }, { op: 'read', proc: 'p0', map: 'a', page: 1 }] },
  brokenBy: 'mutant/fault-beyond-eof',
};
