import { firstStep, type Invariant } from '../invariant';

export const admission: Invariant = {
  id: 'admission',
  title: 'A reserving mmap, shmget or mount succeeds exactly when it can be backed',
  statement:
    'A reserving request for n pages (a private or shared mmap without MAP_NORESERVE, an SHM_HUGETLB shmget, a mount with min_size=) that succeeds leaves every ' +
    'reservation backed (Rsvd <= Free after it, if it was before). One that fails with ENOMEM could not have been backed: n exceeds the free unreserved pages ' +
    '(Free minus Rsvd) plus the surplus pages overcommit still allows (nr_overcommit_hugepages minus Surp), or the mount\'s size= quota. Shortage is reported at ' +
    'mmap time, not by SIGBUS later (R-13.4). A shared mmap over indices already reserved needs fewer pages, so only refusals that even n pages would fit are judged.',
  source: 'kernel-semantics.md R-3.4, R-1.3, R-11.2, R-13.4; bug-zoo.md H4',
  judge(t) {
    // nr_overcommit_hugepages over time comes from the scenario itself.
    const overcommit: number[] = [];
    let o = t.scenario.setup.nr_overcommit_hugepages;
    for (const s of t.scenario.steps) {
      overcommit.push(o);
      if (s.op === 'setOvercommit') o = s.pages;
    }
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
      if (r.pages > avail) return null;
      if (r.sizeLimited && (r.bfreeBefore === null || r.pages > r.bfreeBefore)) return null;
      return `${f.step.op} of ${r.pages} page${r.pages === 1 ? '' : 's'} failed with ENOMEM although ${avail} could be backed`;
    });
  },
  example: { setup: { nr_hugepages: 2 }, steps: [{ op: 'mmap', proc: 'p0', map: 'a', pages: 2 }, { op: 'mmap', proc: 'p0', map: 'b', pages: 1 }, { op: 'munmap', proc: 'p0', map: 'a' }, { op: 'shmget', seg: 's', pages: 2 }] },
  brokenBy: 'bug/B01-chunk-overcommit',
};
