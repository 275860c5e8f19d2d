import { EXPLORE, OPS, type ExploreFlag } from '../ops';
import type { MountSpec, ScopeAcc, ScopeBounds } from '../ops/define';

/**
 * The scope of a bounded exploration (the "small scope" of TLC and Alloy): how many processes,
 * mappings per process and pages per mapping, the pool, and which ops. Every scenario inside it up
 * to the depth is explored.
 */
export type ExploreOp = ExploreFlag;

/** Every op flag, with what it adds to the alphabet, from the op families (ops/, `EXPLORE`). */
export const EXPLORE_OP_HELP = Object.fromEntries(EXPLORE.flatMap((d) => Object.entries(d.flags))) as Record<ExploreOp, string>;
export const EXPLORE_OPS = Object.keys(EXPLORE_OP_HELP) as ExploreOp[];

export type { MountSpec } from '../ops/define';

/** The scope: its bounds (ops/define.ts, which the ops' successors read) and the op kinds tried
 *  (noreserve, populate, offset and prot are variants of other ops). */
export interface Scope extends ScopeBounds {
  ops: ExploreOp[];
}

export const DEFAULT_SCOPE: Scope = {
  procs: 2,
  maps: 2,
  pages: 2,
  pool: 2,
  overcommit: 0,
  files: 0,
  segs: 0,
  mounts: [],
  ops: ['mmap', 'write', 'read', 'fork', 'exit', 'munmap', 'madvise'],
};

export const DEFAULT_DEPTH = 6;

export function describeScope(s: Scope): string {
  const extra = [
    s.files ? `${s.files} file${s.files === 1 ? '' : 's'}` : '',
    s.segs ? `${s.segs} segment${s.segs === 1 ? '' : 's'}` : '',
    s.mounts.length ? `mounts ${s.mounts.map(describeMount).join(', ')}` : '',
  ].filter(Boolean);
  return `${s.procs} process${s.procs === 1 ? '' : 'es'}, ${s.maps} mapping${s.maps === 1 ? '' : 's'} per process, up to ${s.pages} page${s.pages === 1 ? '' : 's'} each, a pool of ${s.pool}${s.overcommit ? ` with overcommit ${s.overcommit}` : ''}${extra.length ? `, ${extra.join(', ')}` : ''}, ops ${s.ops.join(',')}`;
}

export function describeMount(m: MountSpec): string {
  return [m.size !== undefined ? `size=${m.size}` : '', m.minSize !== undefined ? `min_size=${m.minSize}` : ''].filter(Boolean).join(',') || 'no limits';
}

/** Parses a --mount value: "size=N", "min_size=N" or both, comma-separated. */
export function parseMountSpec(text: string): MountSpec {
  const out: MountSpec = {};
  for (const part of text.split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^(size|min_size)=(\d+)$/.exec(part);
    if (!m) throw new Error(`"${part}" is not size=N or min_size=N`);
    if (m[1] === 'size') out.size = Number(m[2]);
    else out.minSize = Number(m[2]);
  }
  return out;
}

/** The smallest scope that contains a scenario (its processes, names, sizes, pool, mounts and op
 *  kinds): `check` searches it for anything shorter. `unsupported` lists what the alphabet cannot
 *  write (then a shorter counterexample cannot be ruled out). */
export function scopeOf(s: import('../scenario/types').Scenario): { scope: Scope; unsupported: string[] } {
  const ops = new Set<ExploreOp>();
  const unsupported = new Set<string>();
  let maps = 1;
  let pages = 1;
  let pool = s.setup.nr_hugepages;
  let procs = 1;
  const perProc = new Map<string, Set<string>>();
  const files = new Set<string>();
  const segs = new Set<string>();
  const mounts: MountSpec[] = [];
  let overcommit = s.setup.nr_overcommit_hugepages;
  const acc: ScopeAcc = {
    flag: (f) => ops.add(f as ExploreOp),
    unsupported: (w) => unsupported.add(w),
    pages: (n) => (pages = Math.max(pages, n)),
    overcommit: (n) => (overcommit = Math.max(overcommit, n)),
    pool: (n) => (pool = Math.max(pool, n)),
    mount: (m) => {
      if (!mounts.some((x) => x.size === m.size && x.minSize === m.minSize)) mounts.push(m);
    },
    file: (n) => files.add(n),
    seg: (n) => segs.add(n),
  };
  for (const st of s.steps) {
    const before = ops.size;
    for (const d of EXPLORE) d.scope(st, acc);
    if (ops.size === before && !EXPLORE.some((d) => d.produces.includes(st.op as never))) unsupported.add(st.op);
    // Names: processes created, mapping names per process (an mremap's `to` included).
    const r = st as unknown as Record<string, unknown>;
    for (const u of OPS[st.op].names) {
      if (u.role !== 'create' || r[u.field] === undefined) continue;
      if (u.ns === 'proc') procs++;
    }
    if (typeof r.proc === 'string' && typeof r.map === 'string') {
      const set = perProc.get(r.proc) ?? new Set();
      for (const u of OPS[st.op].names) if (u.ns === 'map' && typeof r[u.field] === 'string') set.add(r[u.field] as string);
      perProc.set(r.proc, set);
      maps = Math.max(maps, set.size);
    }
  }
  return {
    scope: { procs, maps, pages, pool, overcommit, files: files.size, segs: segs.size, mounts, ops: [...ops] },
    unsupported: [...unsupported],
  };
}
