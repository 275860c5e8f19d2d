import { fmtCounters, type Invariant } from '../invariant';

export const quiescentClean: Invariant = {
  id: 'quiescent-clean',
  title: 'Nothing is left once everything is gone',
  statement:
    'After teardown (every process exited, every file unlinked, every segment removed, every mount unmounted: the trace\'s final observation), ' +
    'no page is reserved, in use or surplus: Rsvd is 0, Free equals Total and Surp is 0. A leak shows here, and lasts until reboot on a real kernel.',
  source: 'bug-zoo.md H3; kernel-semantics.md I-7, I-9; kernel-findings.md §1',
  judge(t) {
    const c = t.final.counters;
    if (c.rsvd !== 0 || c.free !== c.total || c.surp !== 0) return { step: 'final', message: `after teardown the pool still holds something: ${fmtCounters(c)}` };
    return null;
  },
  example: { setup: { nr_hugepages: 2 }, steps: [{ op: 'create', file: 'f' }, { op: 'mmap', proc: 'p0', map: 'a', pages: 2, share: 'shared', file: 'f' }, { op: 'write', proc: 'p0', map: 'a', page: 0 }] },
  brokenBy: 'linux',
};
