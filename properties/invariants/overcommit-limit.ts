import { firstStep, overcommitBefore, type Invariant } from '../invariant';

export const overcommitLimit: Invariant = {
  id: 'overcommit-limit',
  title: 'Surplus pages are made only within nr_overcommit_hugepages',
  statement:
    'A step that makes new surplus pages (a reservation or a fault that the persistent pool cannot serve) leaves HugePages_Surp at most ' +
    'nr_overcommit_hugepages. Documented exceptions: lowering nr_overcommit_hugepages keeps the surplus pages there are (kernel-observed 9e), and shrinking ' +
    'nr_hugepages below the pages in use or reserved turns persistent pages into surplus ones (R-10.1): neither makes a new page.',
  source: 'kernel-semantics.md R-1.3, R-1.5, R-10.1, R-10.2; kernel-observed.md 9a-9e (scenarios/golden/observed/9a-9e)',
  judge(t) {
    const limit = overcommitBefore(t);
    return firstStep(t, (f) =>
      f.step.op !== 'setPool' && f.after.surp > f.before.surp && f.after.surp > limit[f.index]!
        ? `${f.step.op} made surplus pages up to Surp ${f.after.surp}, beyond nr_overcommit_hugepages ${limit[f.index]}`
        : null,
    );
  },
  example: {
    setup: { nr_hugepages: 1, nr_overcommit_hugepages: 1 },
    steps: [
      { op: 'mmap', proc: 'p0', map: 'a', pages: 2 },
      { op: 'mmap', proc: 'p0', map: 'b', pages: 1 },
      { op: 'mmap', proc: 'p0', map: 'n', pages: 1, noreserve: true },
      { op: 'write', proc: 'p0', map: 'n', page: 0 },
    ],
  },
  brokenBy: 'mutant/overcommit-off-by-one',
};
