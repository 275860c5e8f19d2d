import { overcommitBefore, type Invariant } from '../invariant';

export const faultProgress: Invariant = {
  id: 'fault-progress',
  title: 'A fault without a reservation fails only when no page can be had',
  statement:
    'A read or write that must allocate a page and holds no reservation (a fork child\'s first touch or copy-on-write, a MAP_NORESERVE mapping, a file index no ' +
    'mapping reserved, the owner\'s copy of a page it shares) takes a free unreserved page or a new surplus page: it gets SIGBUS only when there is neither (Free is ' +
    'at most Rsvd and Surp has reached nr_overcommit_hugepages) or the mount\'s size= quota is used up (statfs shows no free block). The owner\'s copy that finds ' +
    'no page takes the page back from the children instead of failing. Exceptions the kernel documents: an index at or beyond the end of the file (R-4.2), and a ' +
    'mapping the owner may have taken a page from (HPAGE_RESV_UNMAPPED: every later fault in it that needs a page is SIGBUS, R-4.7). Faults on a min_size= mount ' +
    '(which may also draw on the mount\'s reserve) are not judged. Likewise an mlock fails (ENOMEM) only when some page of its range could not be faulted in: ' +
    'not when every page is present, or reserved for the process faulting it.',
  source: 'kernel-semantics.md R-2.2, R-2.3, R-1.5, R-1.7, R-13.5; kernel-observed.md 3a, 3b, 9a',
  judge(t) {
    const overcommit = overcommitBefore(t);
    for (const f of t.facts) {
      if (f.population?.guaranteed && f.obs.result !== 'ok' && f.obs.result !== 'skipped') {
        return { step: f.index, message: `${f.step.op} failed with ${f.obs.result} although every page it had to fault in was present or reserved for it` };
      }
      const x = f.touch;
      if (!x || f.obs.result !== 'SIGBUS' || x.segv !== false || x.noAlloc || x.mustConsume !== 0 || x.beyondEof || x.mayBeUnmapped) continue;
      const b = f.before;
      const bfree = f.mountsBefore[x.mount]?.bfree ?? null;
      if (bfree !== null && bfree <= 0) continue;
      const free = b.free > Math.max(b.rsvd, 0);
      const surplus = overcommit[f.index]! > b.surp;
      if (!free && !surplus) continue;
      const n = b.free - Math.max(b.rsvd, 0);
      const why = free ? `there ${n === 1 ? 'was 1 free unreserved page' : `were ${n} free unreserved pages`}` : `overcommit allowed ${overcommit[f.index]! - b.surp} more surplus`;
      return { step: f.index, message: `${x.proc}'s ${x.write ? 'write' : 'read'} of "${x.map}" page ${x.page} needed a page and got SIGBUS although ${why}` };
    }
    return null;
  },
  // The child's copy and the NORESERVE touch find a free page; the last touch has none and fails.
  example: {
    setup: { nr_hugepages: 3 },
    steps: [
      { op: 'mmap', proc: 'p0', map: 'a', pages: 1 },
      { op: 'write', proc: 'p0', map: 'a', page: 0 },
      { op: 'fork', proc: 'p0', child: 'c' },
      { op: 'write', proc: 'c', map: 'a', page: 0 },
      { op: 'mmap', proc: 'p0', map: 'n', pages: 2, noreserve: true },
      { op: 'write', proc: 'p0', map: 'n', page: 0 },
      { op: 'write', proc: 'p0', map: 'n', page: 1 },
    ],
  },
  brokenBy: 'mutant/dequeue-needs-two',
};
