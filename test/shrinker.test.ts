/** The reduction pass: it keeps the failure, and removes everything the failure does not need. */
import { describe, expect, test } from '@jest/globals';
import { renumber, reduce } from '../shrinkers/reduce';
import { validateScenario } from '../scenario/validate';
import type { Scenario } from '../scenario/types';

const big = validateScenario({
  format: 'hugecheck.scenario/1',
  name: 'big',
  setup: { nr_hugepages: 4, nr_overcommit_hugepages: 2 },
  steps: [
    { op: 'create', file: 'zz' },
    { op: 'mmap', proc: 'p0', map: 'x', pages: 2 },
    { op: 'fork', proc: 'p0', child: 'kid' },
    { op: 'mmap', proc: 'kid', map: 'q', pages: 3, share: 'shared', populate: true },
    { op: 'write', proc: 'kid', map: 'x', page: 1, value: 200 },
    { op: 'mmap', proc: 'p0', map: 'y', pages: 3, noreserve: true },
    { op: 'write', proc: 'p0', map: 'y', page: 2, value: 77 },
    { op: 'exit', proc: 'kid' },
    { op: 'truncate', file: 'zz', pages: 3 },
  ],
});

/** Fails when some process writes page 2 of a 3-page mapping. */
const writesPage2 = (s: Scenario) => s.steps.some((st) => st.op === 'write' && st.page === 2);

describe('reduce', () => {
  test('removes every step, process, file and option the failure does not need, and renumbers', () => {
    const r = reduce(big, writesPage2);
    expect(writesPage2(r)).toBe(true);
    expect(r.setup).toEqual({ nr_hugepages: 0, nr_overcommit_hugepages: 0 });
    expect(r.steps).toEqual([
      { op: 'mmap', proc: 'p0', map: 'a', pages: 3, share: 'private', offset: 0, noreserve: false, populate: false, prot: 'rw' },
      { op: 'write', proc: 'p0', map: 'a', page: 2, value: 1 },
    ]);
  });

  test('returns the input when nothing smaller fails', () => {
    const min = validateScenario({ format: 'hugecheck.scenario/1', name: 'm', steps: [{ op: 'setPool', pages: 0 }] });
    expect(reduce(min, (s) => s.steps.length === 1).steps).toEqual(min.steps);
  });

  test('is deterministic', () => {
    expect(reduce(big, writesPage2)).toEqual(reduce(big, writesPage2));
  });
});

describe('renumber', () => {
  test('names processes, mappings, files in order of appearance', () => {
    const r = renumber(big);
    expect(r.steps.slice(0, 4).map((s) => JSON.stringify(s))).toEqual([
      JSON.stringify({ op: 'create', file: 'f0', mount: 'default' }),
      expect.stringContaining('"proc":"p0","map":"a"'),
      JSON.stringify({ op: 'fork', proc: 'p0', child: 'p1' }),
      expect.stringContaining('"proc":"p1","map":"b"'),
    ]);
  });
});
