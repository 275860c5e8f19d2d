/**
 * The scope of a bounded exploration (the "small scope" of TLC and Alloy): how many processes,
 * mappings per process and pages per mapping, the pool, and which ops. Every scenario inside it up
 * to the depth is explored.
 */
export const EXPLORE_OPS = [
  'mmap', 'write', 'read', 'fork', 'exit', 'munmap', 'madvise', 'mprotect', 'setPool', 'noreserve', 'populate', 'mremap',
  'setOvercommit', 'mount', 'umount', 'create', 'unlink', 'truncate', 'fallocate', 'punch', 'mapFile', 'offset', 'prot', 'remove',
  'shmget', 'shmat', 'shmrm',
] as const;
export type ExploreOp = (typeof EXPLORE_OPS)[number];

/** What each op flag adds to the alphabet (explore/alphabet.ts), for --help and the docs. */
export const EXPLORE_OP_HELP: Record<ExploreOp, string> = {
  mmap: 'anonymous MAP_HUGETLB mappings, private and shared, 1..pages pages',
  write: 'write each page of each mapping',
  read: 'read each page of each mapping',
  fork: 'fork any process (up to procs)',
  exit: 'exit any process',
  munmap: 'unmap a whole mapping or any one page of it',
  madvise: 'MADV_DONTNEED a whole mapping',
  mprotect: 'mprotect a whole mapping to r (with prot: also none and rw)',
  setPool: 'set nr_hugepages to 0..pool',
  noreserve: 'MAP_NORESERVE variants of every mmap and shmget',
  populate: 'MAP_POPULATE variants of every mmap',
  mremap: 'move a whole mapping to a fresh name, or shrink it by one page',
  setOvercommit: 'set nr_overcommit_hugepages to 0..overcommit',
  mount: 'mount each of the scope\'s hugetlbfs mounts (size=/min_size=)',
  umount: 'unmount a mount',
  create: 'create a file (up to files) on any live mount',
  unlink: 'unlink a file',
  truncate: 'truncate a file to 0..pages pages',
  fallocate: 'fallocate pages 0..k-1 of a file (k = 1..pages)',
  punch: 'punch a hole over any one page of a file, or all of it',
  mapFile: 'mmap a file, private and shared, 1..pages pages at offset 0',
  offset: 'also map a file at each page offset, one page long',
  prot: 'mmap read-only and PROT_NONE variants; mprotect to none and rw',
  remove: 'MADV_REMOVE a whole mapping',
  shmget: 'create a SysV segment (up to segs) of 1..pages pages',
  shmat: 'attach a segment in any process',
  shmrm: 'remove a segment (IPC_RMID)',
};

export interface MountSpec {
  size?: number;
  minSize?: number;
}

export interface Scope {
  /** Processes alive at once, p0 included. */
  procs: number;
  /** Mapping names per process. */
  maps: number;
  /** Largest mapping, file or segment, in pages. */
  pages: number;
  /** nr_hugepages at the start (setPool may move it within 0..pool). */
  pool: number;
  /** nr_overcommit_hugepages at the start (setOvercommit may move it within 0..overcommit). */
  overcommit: number;
  /** Files alive at once (create). */
  files: number;
  /** Segments alive at once (shmget). */
  segs: number;
  /** The hugetlbfs mounts that `mount` may make, beside "default": mount h<j> has spec j. */
  mounts: MountSpec[];
  /** Op kinds tried (noreserve, populate, offset and prot are variants of other ops). */
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
  const perProc = new Map<string, Set<string>>();
  const files = new Set<string>();
  const segs = new Set<string>();
  const mounts: MountSpec[] = [];
  let overcommit = s.setup.nr_overcommit_hugepages;
  for (const st of s.steps) {
    if (st.op === 'madvise') ops.add(st.advice === 'remove' ? 'remove' : 'madvise');
    else if (st.op === 'fallocate') ops.add(st.punch ? 'punch' : 'fallocate');
    else if ((EXPLORE_OPS as readonly string[]).includes(st.op)) ops.add(st.op as ExploreOp);
    else unsupported.add(st.op);
    switch (st.op) {
      case 'mmap':
        pages = Math.max(pages, st.pages + (st.file !== undefined ? st.offset : 0));
        if (st.noreserve) ops.add('noreserve');
        if (st.populate) ops.add('populate');
        if (st.file !== undefined) ops.add('mapFile');
        if (st.offset !== 0) ops.add('offset');
        if (st.offset !== 0 && st.pages > 1) unsupported.add('a file mapped at an offset, more than one page long');
        if (st.prot !== 'rw') ops.add('prot');
        break;
      case 'madvise':
        if (st.offset !== 0) unsupported.add('madvise of part of a mapping');
        break;
      case 'mprotect':
        if (st.prot !== 'r') ops.add('prot');
        if (st.offset !== 0) unsupported.add('mprotect of part of a mapping');
        break;
      case 'mremap':
        if (st.offset !== 0) unsupported.add('mremap of part of a mapping');
        if (st.newPages > st.oldPages) unsupported.add('a growing mremap');
        if (st.to !== undefined && st.newPages !== st.oldPages) unsupported.add('a move that also resizes');
        break;
      case 'setOvercommit':
        overcommit = Math.max(overcommit, st.pages);
        break;
      case 'mount':
        if (!mounts.some((m) => m.size === st.size && m.minSize === st.minSize)) mounts.push({ ...(st.size !== undefined ? { size: st.size } : {}), ...(st.minSize !== undefined ? { minSize: st.minSize } : {}) });
        break;
      case 'create':
        files.add(st.file);
        break;
      case 'truncate':
        pages = Math.max(pages, st.pages);
        break;
      case 'fallocate':
        pages = Math.max(pages, st.offset + st.pages);
        if (!st.punch && st.offset !== 0) unsupported.add('fallocate that does not start at page 0');
        if (st.punch && st.pages !== 1 && st.offset !== 0) unsupported.add('a hole punched over part of a file, more than one page');
        break;
      case 'shmget':
        segs.add(st.seg);
        pages = Math.max(pages, st.pages);
        if (st.noreserve) ops.add('noreserve');
        break;
    }
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
  return {
    scope: { procs, maps, pages, pool, overcommit, files: files.size, segs: segs.size, mounts, ops: [...ops] },
    unsupported: [...unsupported],
  };
}
