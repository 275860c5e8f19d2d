import { firstStep, fmtCounters, type Invariant } from '../invariant';
import { OPS } from '../../ops';
import type { Step } from '../../scenario/types';

/** Failures the kernel documents as having partial effects, for a step (the C reproducer reads
 *  this list too). */
export function documentedPartialFailures(step: Step): string[] {
  // Each op's list is in its module (ops/, `partialFailures`).
  const f = OPS[step.op].partialFailures as ((s: Step) => readonly string[]) | undefined;
  return f ? [...f(step)] : [];
}

function documentedPartial(step: Step, result: string): boolean {
  return documentedPartialFailures(step).includes(result);
}

export const errorAtomicity: Invariant = {
  id: 'error-atomicity',
  title: 'A failed call or fault changes nothing',
  statement:
    'A step that fails (an errno, SIGBUS or SIGSEGV) leaves the counters and every mount\'s statfs as they were. Documented exceptions: fallocate keeps the pages it ' +
    'allocated before ENOSPC (R-8.3, kernel-observed 8b, 8c); madvise and mprotect over a range with holes act on the mapped parts before answering ENOMEM, and MADV_REMOVE ' +
    'punches the shared VMAs before the private one it refuses with EACCES; an mremap move that also shrinks unmaps the tail before the move can fail.',
  source: 'bug-zoo.md H9; kernel-semantics.md R-2.8, R-3.4 (out_put_pages), R-8.3',
  judge(t) {
    return firstStep(t, (f) => {
      const r = f.obs.result;
      if (r === 'ok' || r === 'skipped' || documentedPartial(f.step, r)) return null;
      const b = f.before;
      const a = f.after;
      if (a.total !== b.total || a.free !== b.free || a.rsvd !== b.rsvd || a.surp !== b.surp) {
        return `${f.step.op} failed with ${r} but changed the counters from ${fmtCounters(b)} to ${fmtCounters(a)}`;
      }
      for (const [m, st] of Object.entries(f.obs.mounts)) {
        const was = f.mountsBefore[m];
        if (f.step.op !== 'mount' && was && (was.bfree !== st.bfree || was.blocks !== st.blocks)) return `${f.step.op} failed with ${r} but changed statfs of mount ${m}`;
      }
      return null;
    });
  },
  example: { setup: { nr_hugepages: 1 }, steps: [{ op: 'mmap', proc: 'p0', map: 'a', pages: 2 }, { op: 'mmap', proc: 'p0', map: 'b', pages: 1, noreserve: true }, { op: 'mmap', proc: 'p0', map: 'c', pages: 1 }, { op: 'write', proc: 'p0', map: 'b', page: 0 }] },
  brokenBy: 'mutant/no-undo-on-enomem',
};
