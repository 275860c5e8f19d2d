/** Model behaviour beyond the goldens: determinism, run-time names, teardown, state copies. */
import { describe, expect, test } from '@jest/globals';
import { Machine } from '../run/machine';
import { linux } from '../model/policies/linux';
import { runOnModel } from '../run/model';
import { cloneState } from '../model/state';
import { validateScenario } from '../scenario/validate';
import { loadGoldens } from './support/goldens';

const sc = (steps: unknown[], setup = { nr_hugepages: 2 }) => validateScenario({ format: 'hugecheck.scenario/1', name: 't', setup, steps });

describe('determinism', () => {
  test('the same scenario gives the same trace every time', () => {
    for (const g of loadGoldens()) {
      expect(runOnModel(g.scenario, linux)).toEqual(runOnModel(g.scenario, linux));
    }
  });
});

describe('names at run time (contract, "Names")', () => {
  test('steps needing a mapping whose mmap failed are skipped and change nothing', () => {
    const t = runOnModel(
      sc([
        { op: 'mmap', proc: 'p0', map: 'a', pages: 3 },
        { op: 'write', proc: 'p0', map: 'a', page: 0 },
        { op: 'munmap', proc: 'p0', map: 'a' },
        { op: 'mmap', proc: 'p0', map: 'a', pages: 1 },
        { op: 'write', proc: 'p0', map: 'a', page: 0 },
      ]),
      linux,
    );
    expect(t.steps.map((o) => o.result)).toEqual(['ENOMEM', 'skipped', 'skipped', 'ok', 'ok']);
    expect(t.steps[1]!.value).toBeUndefined();
    expect(t.steps[2]!.counters).toEqual(t.steps[0]!.counters);
  });

  test('an umount answered EBUSY keeps its names: a later mount of the same name is skipped', () => {
    const t = runOnModel(
      sc([
        { op: 'mount', mount: 'm', size: 2 },
        { op: 'create', file: 'f', mount: 'm' },
        { op: 'mmap', proc: 'p0', map: 'a', pages: 1, share: 'shared', file: 'f' },
        { op: 'umount', mount: 'm' },
        { op: 'mount', mount: 'm', size: 1 },
        { op: 'write', proc: 'p0', map: 'a', page: 0 },
      ]),
      linux,
    );
    expect(t.steps.map((o) => o.result)).toEqual(['ok', 'ok', 'ok', 'EBUSY', 'skipped', 'ok']);
    expect(t.steps[5]!.mounts.m).toEqual({ blocks: 2, bfree: 1 });
  });
});

describe('teardown and the final observation', () => {
  test('a clean scenario ends with an empty pool of the setup size', () => {
    const t = runOnModel(
      sc([
        { op: 'mount', mount: 'm', minSize: 1 },
        { op: 'create', file: 'f', mount: 'm' },
        { op: 'mmap', proc: 'p0', map: 'a', pages: 1, share: 'shared', file: 'f' },
        { op: 'fork', proc: 'p0', child: 'c' },
        { op: 'shmget', seg: 's', pages: 1 },
      ]),
      linux,
    );
    expect(t.steps[4]!.counters.rsvd).toBe(2);
    expect(t.final.counters).toEqual({ total: 2, free: 2, rsvd: 0, surp: 0 });
    expect(Object.keys(t.final.mounts)).toEqual(['default']);
  });

  test('the partial private mremap move leaks for good: the final observation shows it (6g)', () => {
    const t = runOnModel(
      sc(
        [
          { op: 'mmap', proc: 'p0', map: 'a', pages: 4 },
          { op: 'mremap', proc: 'p0', map: 'a', offset: 2, oldPages: 2, newPages: 2, to: 'b' },
        ],
        { nr_hugepages: 6 },
      ),
      linux,
    );
    expect(t.final.counters.rsvd).toBe(2);
  });
});

describe('cloneState', () => {
  test('a copy is independent and continues identically', () => {
    const steps = sc([
      { op: 'mmap', proc: 'p0', map: 'a', pages: 2 },
      { op: 'write', proc: 'p0', map: 'a', page: 0 },
      { op: 'fork', proc: 'p0', child: 'c' },
    ]).steps;
    const m = new Machine(linux, { nr_hugepages: 2, nr_overcommit_hugepages: 0 });
    for (const st of steps) m.step(st);
    const copy = cloneState(m.s);
    m.step({ op: 'write', proc: 'p0', map: 'a', page: 1, value: 9 });
    expect(copy.h).toEqual({ nrHugePages: 2, freeHugePages: 1, resvHugePages: 1, surplusHugePages: 0, nrOvercommitHugePages: 0 });
    expect(m.s.h.freeHugePages).toBe(0);
    const parent = copy.processes[0]!;
    expect(parent.vmas[0]!.proc).toBe(parent);
    expect(parent.vmas[0]!.resvMap!.consumed).toEqual(new Set([0]));
    expect(copy.processes[1]!.ptes.get(parent.vmas[0]!.start)).toBe(parent.ptes.get(parent.vmas[0]!.start));
    expect(parent.ptes.get(parent.vmas[0]!.start)!.mapcount).toBe(2);
  });
});
