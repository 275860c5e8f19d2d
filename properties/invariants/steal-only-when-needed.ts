import { overcommitBefore, type Invariant } from '../invariant';

export const stealOnlyWhenNeeded: Invariant = {
  id: 'steal-only-when-needed',
  title: 'A page is taken from a process only by the owner, and only when the owner could not get one',
  statement:
    'The owner of a reserving private mapping may take a page back from the fork children (and other non-owner private mappings) that share it copy-on-write ' +
    '(unmap_ref_private: they get SIGBUS later) only when its copy-on-write cannot get a page of its own: no free unreserved page (Free minus Rsvd is 0), no surplus ' +
    'page overcommit allows (Surp at nr_overcommit_hugepages), or the mount\'s size= quota exhausted. The owner\'s reservation does not help: the shared page consumed it ' +
    '(cow_from_owner, R-4.5). Judged from the trace: the owner\'s write to a page its children are known to still map, when it could get a page, copies it (one page in use); and a non-owner\'s read of a page it holds (inherited, so it may share it with the owner) that gets SIGBUS, when every ' +
    'owner write since that may have taken the page back found a free unreserved page or overcommit room and quota, is a violation. What is not judged: other ' +
    'faults in a mapping marked after a justified steal (HPAGE_RESV_UNMAPPED makes every no-page fault in it SIGBUS, by design: R-4.2, R-13.3), and truncate, punch ' +
    'or MADV_REMOVE, which zap private copies by design (kernel-findings.md §3). A min_size= reserve that could also have served the owner is not counted. ' +
    'Nothing else takes a private page away: a read of a page a process holds that gets SIGBUS when no owner\'s write could have taken it is a violation too.',
  source: 'kernel-semantics.md R-4.5, R-4.7, R-13.2, R-13.3, R-1.5; bug-zoo.md B12, D4, H6, H7; kernel-observed.md 4c, 4c2, 4f, 4i (scenarios/golden/observed/4c-owner-cow-exhausted.json, 4c2-owner-cow-one-free.json)',
  judge(t) {
    const overcommit = overcommitBefore(t);
    /** Why the owner's copy-on-write at step w could get a page, or null when it could not. */
    const room = (w: number): string | null => {
      const f = t.facts[w]!;
      // Only a single touch's counters tell whether its copy-on-write could get a page (a
      // population faults several pages in one step).
      if (!f.touch) return null;
      const b = f.before;
      const bfree = f.touch ? f.mountsBefore[f.touch.mount]?.bfree ?? null : null;
      if (bfree !== null && bfree <= 0) return null;
      if (b.free > Math.max(b.rsvd, 0)) return `Free ${b.free} above Rsvd ${b.rsvd}`;
      if (overcommit[w]! > b.surp) return `overcommit room (Surp ${b.surp} of ${overcommit[w]})`;
      return null;
    };
    for (const f of t.facts) {
      const x = f.touch;
      // The owner's write to a page its children still map, with room for a page of its own: it copies.
      if (x?.write && x.owner && x.sharedWith && f.obs.result === 'ok') {
        const why = room(f.index);
        const used = f.after.total - f.after.free - (f.before.total - f.before.free);
        if (why && used !== 1) return { step: f.index, message: `${x.proc}'s write of page ${x.page} of "${x.map}", which ${x.sharedWith.join(', ')} still map${x.sharedWith.length === 1 ? 's' : ''}, put ${used} page${used === 1 ? '' : 's'} in use instead of copying it, although the owner could have had a page of its own (${why})` };
      }
      if (!x || x.write || !x.noAlloc || f.obs.result !== 'SIGBUS' || x.segv !== false || x.beyondEof || x.shared) continue;
      if (!x.takenBackBy) return { step: f.index, message: `${x.proc} lost page ${x.page} of "${x.map}" (SIGBUS reading it), which no owner's write could have taken` };
      const why = x.takenBackBy.map(room);
      if (why.some((w) => w === null)) continue;
      const w = x.takenBackBy[x.takenBackBy.length - 1]!;
      return { step: f.index, message: `${x.proc} lost page ${x.page} of "${x.map}" (SIGBUS reading it) to the owner's write at step ${w}, although the owner could have had a page of its own (${why[why.length - 1]})` };
    }
    return null;
  },
  example: {
    setup: { nr_hugepages: 2 },
    steps: [{ op: 'mmap', proc: 'p0', map: 'a', pages: 1 }, { op: 'write', proc: 'p0', map: 'a', page: 0, value: 1 }, { op: 'fork', proc: 'p0', child: 'c' }, { op: 'write', proc: 'p0', map: 'a', page: 0, value: 2 }, { op: 'read', proc: 'c', map: 'a', page: 0 }, { op: 'fork', proc: 'p0', child: 'd' }, { op: 'write', proc: 'p0', map: 'a', page: 0, value: 3 }, { op: 'read', proc: 'd', map: 'a', page: 0 }],
  },
  brokenBy: 'mutant/steal-always',
};
