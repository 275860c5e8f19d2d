/**
 * A long, random-looking but valid scenario for benchmarks: a seeded PRNG picks ops with
 * workload-like weights (mostly touches), keeping names valid as the validator requires.
 */
import type { Scenario, Step } from '../scenario/types';

/** mulberry32: a small deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function longScenario(length: number, seed = 1): Scenario {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const procs = new Map<string, Map<string, number>>([['p0', new Map()]]);
  const files: string[] = [];
  /** Mappings split by a partial munmap or mprotect: moving them would be a partial (leaking) move. */
  const split = new Set<string>();
  let nextProc = 1;
  let nextName = 0;
  const steps: Step[] = [];
  while (steps.length < length) {
    const r = rnd();
    const p = pick([...procs.keys()]);
    const maps = procs.get(p)!;
    const names = [...maps.keys()];
    const target = names.length ? pick(names) : null;
    const size = target ? maps.get(target)! : 0;
    if (r < 0.7 && target && size > 0) {
      const page = int(0, size - 1);
      steps.push(rnd() < 0.5 ? { op: 'read', proc: p, map: target, page } : { op: 'write', proc: p, map: target, page, value: int(1, 255) });
    } else if (r < 0.78 || !target) {
      if (maps.size >= 3 && target) {
        steps.push({ op: 'munmap', proc: p, map: target, offset: 0, pages: size || 1 });
        maps.delete(target);
        continue;
      }
      let name = `m${nextName++ % 8}`;
      while (maps.has(name)) name = `m${nextName++ % 8}`;
      const pages = int(1, 4);
      const useFile = files.length > 0 && rnd() < 0.3;
      steps.push({
        op: 'mmap', proc: p, map: name, pages, share: rnd() < 0.6 ? 'private' : 'shared', offset: 0,
        noreserve: rnd() < 0.15, populate: rnd() < 0.1, prot: 'rw', ...(useFile ? { file: pick(files) } : {}),
      });
      maps.set(name, pages);
      split.delete(name);
    } else if (r < 0.84 && size > 0) {
      const offset = int(0, size - 1);
      steps.push({ op: 'munmap', proc: p, map: target, offset, pages: int(1, size - offset) });
      split.add(target);
    } else if (r < 0.87 && size > 0) {
      const offset = int(0, size - 1);
      steps.push({ op: 'madvise', proc: p, map: target, offset, pages: int(1, size - offset), advice: 'dontneed' });
    } else if (r < 0.89 && size > 0) {
      const offset = int(0, size - 1);
      steps.push({ op: 'mprotect', proc: p, map: target, offset, pages: int(1, size - offset), prot: pick(['rw', 'r'] as const) });
      split.add(target);
    } else if (r < 0.91 && size > 1 && !split.has(target)) {
      // Whole-mapping moves and shrinks only: a partial private move is a different experiment.
      const newPages = int(1, size);
      if (rnd() < 0.5) {
        let to = `m${nextName++ % 8}`;
        while (maps.has(to)) to = `m${nextName++ % 8}`;
        maps.delete(target);
        steps.push({ op: 'mremap', proc: p, map: target, offset: 0, oldPages: size, newPages, to });
        maps.set(to, newPages);
        split.delete(to);
      } else {
        steps.push({ op: 'mremap', proc: p, map: target, offset: 0, oldPages: size, newPages });
      }
    } else if (r < 0.94 && procs.size < 4) {
      const child = `p${nextProc++}`;
      steps.push({ op: 'fork', proc: p, child });
      procs.set(child, new Map(maps));
    } else if (r < 0.96 && p !== 'p0') {
      steps.push({ op: 'exit', proc: p });
      procs.delete(p);
    } else if (r < 0.97) {
      steps.push({ op: 'setPool', pages: int(32, 64) });
    } else if (r < 0.98 && files.length < 3) {
      const f = `f${files.length}`;
      steps.push({ op: 'create', file: f, mount: 'default' });
      files.push(f);
    } else if (files.length) {
      const f = pick(files);
      steps.push(rnd() < 0.5 ? { op: 'truncate', file: f, pages: int(0, 4) } : { op: 'fallocate', file: f, offset: int(0, 3), pages: int(1, 2), punch: rnd() < 0.5 });
    }
  }
  return { format: 'hugecheck.scenario/1', name: `bench-${length}-${seed}`, setup: { nr_hugepages: 48, nr_overcommit_hugepages: 8 }, steps };
}
