/**
 * The scope of a bounded exploration (the "small scope" of TLC and Alloy): how many processes,
 * mappings per process and pages per mapping, the pool, and which ops. Every scenario inside it up
 * to the depth is explored.
 */
export const EXPLORE_OPS = ['mmap', 'write', 'read', 'fork', 'exit', 'munmap', 'madvise', 'mprotect', 'setPool', 'noreserve', 'populate', 'mremap'] as const;
export type ExploreOp = (typeof EXPLORE_OPS)[number];

export interface Scope {
  /** Processes alive at once, p0 included. */
  procs: number;
  /** Mapping names per process. */
  maps: number;
  /** Largest mapping, in pages. */
  pages: number;
  /** nr_hugepages at the start (setPool may move it within 0..pool). */
  pool: number;
  overcommit: number;
  /** Op kinds tried (noreserve and populate are mmap variants). */
  ops: ExploreOp[];
}

export const DEFAULT_SCOPE: Scope = {
  procs: 2,
  maps: 2,
  pages: 2,
  pool: 2,
  overcommit: 0,
  ops: ['mmap', 'write', 'read', 'fork', 'exit', 'munmap', 'madvise'],
};

export const DEFAULT_DEPTH = 6;

export function describeScope(s: Scope): string {
  return `${s.procs} process${s.procs === 1 ? '' : 'es'}, ${s.maps} mapping${s.maps === 1 ? '' : 's'} per process, up to ${s.pages} page${s.pages === 1 ? '' : 's'} each, a pool of ${s.pool}${s.overcommit ? ` with overcommit ${s.overcommit}` : ''}, ops ${s.ops.join(',')}`;
}

/** The smallest scope that contains a scenario (its processes, mapping names, sizes, pool and op
 *  kinds): `check --shortest` searches it for anything shorter. Ops outside the exploration's
 *  alphabet (files, mounts, segments) are not covered: `unsupported` lists them. */
export function scopeOf(s: import('../scenario/types').Scenario): { scope: Scope; unsupported: string[] } {
  const ops = new Set<ExploreOp>();
  const unsupported = new Set<string>();
  let maps = 1;
  let pages = 1;
  const perProc = new Map<string, Set<string>>();
  for (const st of s.steps) {
    if ((EXPLORE_OPS as readonly string[]).includes(st.op)) ops.add(st.op as ExploreOp);
    else unsupported.add(st.op);
    if (st.op === 'mmap') {
      pages = Math.max(pages, st.pages);
      if (st.noreserve) ops.add('noreserve');
      if (st.populate) ops.add('populate');
      if (st.file !== undefined || st.offset !== 0) unsupported.add('mmap of a file');
      if (st.prot !== 'rw') unsupported.add('mmap with prot');
    }
    if (st.op === 'madvise' && st.advice !== 'dontneed') unsupported.add('madvise remove');
    if ('map' in st && 'proc' in st) {
      const set = perProc.get(st.proc) ?? new Set();
      set.add(st.map);
      if (st.op === 'mremap' && st.to !== undefined) set.add(st.to);
      perProc.set(st.proc, set);
      maps = Math.max(maps, set.size);
    }
  }
  const procs = 1 + s.steps.filter((x) => x.op === 'fork').length;
  const pool = Math.max(s.setup.nr_hugepages, ...s.steps.map((x) => (x.op === 'setPool' ? x.pages : 0)));
  return { scope: { procs, maps, pages, pool, overcommit: s.setup.nr_overcommit_hugepages, ops: [...ops] }, unsupported: [...unsupported] };
}
