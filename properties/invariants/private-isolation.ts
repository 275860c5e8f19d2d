import { firstStep, type Invariant } from '../invariant';

export const privateIsolation: Invariant = {
  id: 'private-isolation',
  title: 'Private writes stay private, shared writes reach every sharer, nothing is silently lost',
  statement:
    'A read returns the last value this process wrote to its private copy; else, for a private mapping of a file, the file\'s page while the private mapping only maps it; ' +
    'for a shared mapping, the last value any sharer wrote to that file index; a page never written reads 0. A private write is never seen through another mapping. ' +
    'Documented ways data goes: MADV_DONTNEED of a private page, truncate, and a hole punch or MADV_REMOVE, which also discards private copies of the punched ' +
    'range (deliberate, kernel-findings.md §3); a private read of a file index not in the page cache gets its own zero page, which later shared writes do not reach.',
  source: 'bug-zoo.md H10; kernel-semantics.md R-4.3, R-4.6, R-5.3; kernel-observed.md 2b, 7d, 12a',
  judge(t) {
    return firstStep(t, (f) => {
      const x = f.touch;
      if (!x || x.write || f.obs.result !== 'ok' || x.expectedValue === undefined) return null;
      if (f.obs.value === x.expectedValue) return null;
      return `${x.proc} read ${f.obs.value} from "${x.map}" page ${x.page}, expected ${x.expectedValue}`;
    });
  },
  example: { setup: { nr_hugepages: 3 }, steps: [{ op: 'mmap', proc: 'p0', map: 'a', pages: 1 }, { op: 'write', proc: 'p0', map: 'a', page: 0, value: 7 }, { op: 'fork', proc: 'p0', child: 'c' }, { op: 'write', proc: 'c', map: 'a', page: 0, value: 9 }, { op: 'read', proc: 'p0', map: 'a', page: 0 }] },
  brokenBy: 'mutant/private-write-through',
};
