/**
 * The steps a bounded exploration tries from a state: every op of the scope on every live name,
 * with fresh names chosen canonically (the next unused `m<k>` of the process, `p<k>` by fork count,
 * the lowest free `f<k>` and `s<k>`, mount `h<j>` for the scope's mount spec j), so that two paths
 * that differ only in naming meet in the same names. The op flags are described in
 * explore/scope.ts (EXPLORE_OP_HELP).
 */
import type { Machine } from '../model/machine';
import type { MmapStep, Prot, Step } from '../scenario/types';
import type { Scope } from './scope';

function lowestFree(live: Set<string>, prefix: string): string {
  let k = 0;
  while (live.has(`${prefix}${k}`)) k++;
  return `${prefix}${k}`;
}

export function successorsOf(m: Machine, scope: Scope, index: number, forks: number): Step[] {
  const ops = new Set(scope.ops);
  const out: Step[] = [];
  const { procs, files, segs, mounts } = m.names();
  const value = 1 + (index % 255);
  const prots: Prot[] = ops.has('prot') ? ['rw', 'r', 'none'] : ['rw'];

  if (ops.has('setPool')) for (let k = 0; k <= scope.pool; k++) out.push({ op: 'setPool', pages: k });
  if (ops.has('setOvercommit')) for (let k = 0; k <= scope.overcommit; k++) out.push({ op: 'setOvercommit', pages: k });

  // Mounts, files and segments (global names).
  const liveMounts = new Set(mounts.map(([n]) => n));
  if (ops.has('mount')) scope.mounts.forEach((spec, j) => { if (!liveMounts.has(`h${j}`)) out.push({ op: 'mount', mount: `h${j}`, ...spec }); });
  if (ops.has('umount')) for (const [name] of mounts) if (name !== 'default') out.push({ op: 'umount', mount: name });
  if (ops.has('create') && files.length < scope.files) {
    const file = lowestFree(new Set(files.map(([n]) => n)), 'f');
    for (const [mount] of mounts) out.push({ op: 'create', file, mount });
  }
  for (const [file] of files) {
    if (ops.has('unlink')) out.push({ op: 'unlink', file });
    if (ops.has('truncate')) for (let k = 0; k <= scope.pages; k++) out.push({ op: 'truncate', file, pages: k });
    if (ops.has('fallocate')) for (let k = 1; k <= scope.pages; k++) out.push({ op: 'fallocate', file, offset: 0, pages: k, punch: false });
    if (ops.has('punch')) {
      out.push({ op: 'fallocate', file, offset: 0, pages: scope.pages, punch: true });
      if (scope.pages > 1) for (let off = 0; off < scope.pages; off++) out.push({ op: 'fallocate', file, offset: off, pages: 1, punch: true });
    }
  }
  if (ops.has('shmget') && segs.length < scope.segs) {
    const seg = lowestFree(new Set(segs.map(([n]) => n)), 's');
    for (let pages = 1; pages <= scope.pages; pages++) {
      out.push({ op: 'shmget', seg, pages, noreserve: false });
      if (ops.has('noreserve')) out.push({ op: 'shmget', seg, pages, noreserve: true });
    }
  }
  if (ops.has('shmrm')) for (const [seg] of segs) out.push({ op: 'shmrm', seg });

  for (const { name: proc, maps } of procs) {
    const names = new Set(maps.map(([n]) => n));
    let k = 0;
    while (names.has(`m${k}`)) k++;
    const fresh = names.size < scope.maps ? `m${k}` : undefined;
    if (fresh !== undefined) {
      const mmaps = (base: Omit<MmapStep, 'noreserve' | 'populate' | 'prot'>) => {
        for (const prot of prots) out.push({ ...base, prot, noreserve: false, populate: false });
        if (ops.has('noreserve')) out.push({ ...base, prot: 'rw', noreserve: true, populate: false });
        if (ops.has('populate')) out.push({ ...base, prot: 'rw', noreserve: false, populate: true });
      };
      for (let pages = 1; pages <= scope.pages; pages++) {
        for (const share of ['private', 'shared'] as const) {
          if (ops.has('mmap')) mmaps({ op: 'mmap', proc, map: fresh, pages, share, offset: 0 });
          if (ops.has('mapFile')) for (const [file] of files) mmaps({ op: 'mmap', proc, map: fresh, pages, share, file, offset: 0 });
        }
      }
      if (ops.has('mapFile') && ops.has('offset')) {
        for (const [file] of files) for (let off = 1; off < scope.pages; off++) for (const share of ['private', 'shared'] as const) mmaps({ op: 'mmap', proc, map: fresh, pages: 1, share, file, offset: off });
      }
      if (ops.has('shmat')) for (const [seg] of segs) out.push({ op: 'shmat', proc, seg, map: fresh });
    }
    for (const [map, b] of maps) {
      if (!b) continue;
      for (let page = 0; page < b.pages; page++) {
        if (ops.has('write')) out.push({ op: 'write', proc, map, page, value });
        if (ops.has('read')) out.push({ op: 'read', proc, map, page });
      }
      if (ops.has('munmap')) {
        out.push({ op: 'munmap', proc, map, offset: 0, pages: b.pages });
        if (b.pages > 1) for (let off = 0; off < b.pages; off++) out.push({ op: 'munmap', proc, map, offset: off, pages: 1 });
      }
      if (ops.has('madvise')) out.push({ op: 'madvise', proc, map, offset: 0, pages: b.pages, advice: 'dontneed' });
      if (ops.has('remove')) out.push({ op: 'madvise', proc, map, offset: 0, pages: b.pages, advice: 'remove' });
      if (ops.has('mprotect')) for (const prot of ops.has('prot') ? (['r', 'none', 'rw'] as const) : (['r'] as const)) out.push({ op: 'mprotect', proc, map, offset: 0, pages: b.pages, prot });
      if (ops.has('mremap')) {
        if (fresh !== undefined) out.push({ op: 'mremap', proc, map, offset: 0, oldPages: b.pages, newPages: b.pages, to: fresh });
        if (b.pages > 1) out.push({ op: 'mremap', proc, map, offset: 0, oldPages: b.pages, newPages: b.pages - 1 });
      }
    }
    if (ops.has('fork') && procs.length < scope.procs) out.push({ op: 'fork', proc, child: `p${forks + 1}` });
    if (ops.has('exit')) out.push({ op: 'exit', proc });
  }
  return out;
}
