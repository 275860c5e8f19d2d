/**
 * The steps a bounded exploration tries from a state: every op of the scope on every live name,
 * with fresh names chosen canonically (the next unused `m<k>` of the process, `p<k>` by fork count),
 * so that two paths that differ only in naming meet in the same names.
 */
import type { Machine } from '../model/machine';
import type { Prot, Step } from '../scenario/types';
import type { Scope } from './scope';

export function successorsOf(m: Machine, scope: Scope, index: number, forks: number): Step[] {
  const ops = new Set(scope.ops);
  const out: Step[] = [];
  const { procs } = m.names();
  const value = 1 + (index % 255);
  if (ops.has('setPool')) for (let k = 0; k <= scope.pool; k++) out.push({ op: 'setPool', pages: k });
  for (const { name: proc, maps } of procs) {
    const names = new Set(maps.map(([n]) => n));
    if (ops.has('mmap') && names.size < scope.maps) {
      let k = 0;
      while (names.has(`m${k}`)) k++;
      const map = `m${k}`;
      for (let pages = 1; pages <= scope.pages; pages++) {
        for (const share of ['private', 'shared'] as const) {
          const base = { op: 'mmap' as const, proc, map, pages, share, offset: 0, prot: 'rw' as Prot };
          out.push({ ...base, noreserve: false, populate: false });
          if (ops.has('noreserve')) out.push({ ...base, noreserve: true, populate: false });
          if (ops.has('populate')) out.push({ ...base, noreserve: false, populate: true });
        }
      }
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
      if (ops.has('mprotect')) out.push({ op: 'mprotect', proc, map, offset: 0, pages: b.pages, prot: 'r' });
      if (ops.has('mremap') && names.size < scope.maps) {
        let k = 0;
        while (names.has(`m${k}`)) k++;
        out.push({ op: 'mremap', proc, map, offset: 0, oldPages: b.pages, newPages: b.pages, to: `m${k}` });
        if (b.pages > 1) out.push({ op: 'mremap', proc, map, offset: 0, oldPages: b.pages, newPages: b.pages - 1 });
      }
    }
    if (ops.has('fork') && procs.length < scope.procs) out.push({ op: 'fork', proc, child: `p${forks + 1}` });
    if (ops.has('exit')) out.push({ op: 'exit', proc });
  }
  return out;
}
