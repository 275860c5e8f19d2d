import { firstStep, fmtCounters, type Invariant } from '../invariant';
import type { StepFacts } from '../promises';

/** What the pool still holds after a step at which nothing is in use, or null when it is clean. */
function leftover(f: StepFacts): string | null {
  const q = f.quiet;
  if (!q || (f.after.free === f.after.total && f.after.rsvd === q.minReserve)) return null;
  const want = q.minReserve ? `, Rsvd ${q.minReserve} (the mounts' min_size= reserves)` : ', Rsvd 0';
  return `nothing is in use, but the pool shows ${fmtCounters(f.after)} (expected Free = Total${want})`;
}

export const quietClean: Invariant = {
  id: 'quiet-clean',
  title: 'Whenever nothing is in use, nothing is held',
  statement:
    'After any step at which no process maps anything and no file or segment holds a page or a reservation (the scenario may go on: this is not its end), ' +
    'every page of the pool is free (Free equals Total) and Rsvd is exactly the min_size= reserves of the mounts still mounted, each refilled to its ' +
    'min_size= once nothing on it holds the subpool (R-1.2, R-11.3). A reservation or a page that outlives everything that held it leaks from that step on. ' +
    'No exception is documented; quiescent-clean judges the same after teardown.',
  source: 'kernel-semantics.md I-6, I-7, I-9, R-1.2, R-11.3; bug-zoo.md H3; kernel-findings.md §1',
  judge: (t) => firstStep(t, leftover),
  example: {
    setup: { nr_hugepages: 3 },
    steps: [
      { op: 'mount', mount: 'm', minSize: 1 },
      { op: 'create', file: 'f', mount: 'm' },
      { op: 'mmap', proc: 'p0', map: 'a', pages: 2, share: 'shared', file: 'f' },
      { op: 'write', proc: 'p0', map: 'a', page: 0 },
      { op: 'munmap', proc: 'p0', map: 'a' },
      { op: 'truncate', file: 'f', pages: 0 },
      { op: 'mmap', proc: 'p0', map: 'b', pages: 1 },
      { op: 'munmap', proc: 'p0', map: 'b' },
    ],
  },
  brokenBy: 'bug/B11-private-vma-split',
};
