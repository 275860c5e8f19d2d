import { firstStep, overcommitBefore, type Invariant } from '../invariant';

export const admission: Invariant = {
  id: 'admission',
  title: 'An mmap, shmget or mount succeeds exactly when it can be backed',
  statement:
    'A reserving request for n pages (a private or shared mmap without MAP_NORESERVE, an SHM_HUGETLB shmget, a mount with min_size=) that succeeds leaves every ' +
    'reservation backed (Rsvd <= Free after it, if it was before). One that fails with ENOMEM could not have been backed: n exceeds the free unreserved pages ' +
    '(Free minus Rsvd) plus the surplus pages overcommit still allows (nr_overcommit_hugepages minus Surp) plus, for a file on a min_size= mount, the pages the mount\'s ' +
    'own reserve still holds (already counted in Rsvd, handed out first: R-1.1, R-11.3), or n exceeds the mount\'s size= quota. That reserve is known from the trace ' +
    'as at least min_size minus the blocks statfs shows used (allocated plus reserved >= min_size, I-10), or, on a mount without size=, all of min_size while nothing on ' +
    'the mount holds the subpool; never more than Rsvd, which counts it. Shortage is reported at mmap time, not by SIGBUS later (R-13.4). A shared mmap over indices already reserved needs fewer pages, so ' +
    'only refusals that even n pages would fit are judged. A MAP_NORESERVE mmap or an SHM_NORESERVE shmget reserves nothing (R-3.3), so it never fails with ENOMEM.',
  source: 'kernel-semantics.md R-3.3, R-3.4, R-1.1, R-1.3, R-11.2, R-11.3, I-10, R-13.4; bug-zoo.md H4; kernel-observed.md 3a, 11a, 11c',
  judge(t) {
    const overcommit = overcommitBefore(t);
    return firstStep(t, (f) => {
      const r = f.reservation;
      if (!r) return null;
      const b = f.before;
      if (f.obs.result === 'ok') {
        if (b.rsvd <= b.free && f.after.rsvd > f.after.free) return `${f.step.op} succeeded but left Rsvd ${f.after.rsvd} above Free ${f.after.free}`;
        return null;
      }
      if (f.obs.result !== 'ENOMEM') return null;
      const avail = b.free - Math.max(b.rsvd, 0) + Math.max(overcommit[f.index]! - b.surp, 0);
      // the subpool's min_size reserve serves first; only the rest needs the pool. That
      // reserve is part of Rsvd, so no more of it than Rsvd holds is counted.
      const fromSubpool = Math.min(r.subpoolReserve, Math.max(b.rsvd, 0));
      if (Math.max(r.pages - fromSubpool, 0) > avail) return null;
      if (r.sizeLimited && (r.bfreeBefore === null || r.pages > r.bfreeBefore)) return null;
      if (r.pages === 0) return `${f.step.op} reserves nothing (NORESERVE) but failed with ENOMEM`;
      const pages = `${r.pages} page${r.pages === 1 ? '' : 's'}`;
      if (fromSubpool === 0) return `${f.step.op} of ${pages} failed with ENOMEM although ${avail} could be backed`;
      return `${f.step.op} of ${pages} failed with ENOMEM although the mount's min_size reserve holds at least ${fromSubpool} and the pool ${avail} more`;
    });
  },
  // The min_size reserve backs the private mapping of f, which the pool alone (Free 3 - Rsvd 2) could not.
  example: {
    setup: { nr_hugepages: 3 },
    steps: [{ op: 'mount', mount: 'm', minSize: 2 }, { op: 'mmap', proc: 'p0', map: 'a', pages: 2 }, { op: 'create', file: 'f', mount: 'm' }, { op: 'mmap', proc: 'p0', map: 'b', pages: 2, file: 'f' }, { op: 'shmget', seg: 's', pages: 2 }, { op: 'munmap', proc: 'p0', map: 'b' }, { op: 'shmget', seg: 't', pages: 1 }],
  },
  brokenBy: 'mutant/min-size-reserve-ignored',
};
