/**
 * The steps a bounded exploration tries from a state: every op of the scope on every live name,
 * with fresh names chosen canonically (the next unused `m<k>` of the process, `p<k>` by fork count,
 * the lowest free `f<k>` and `s<k>`, mount `h<j>` for the scope's mount spec j), so that two paths
 * that differ only in naming meet in the same names. Each op family lists its own steps (ops/,
 * `EXPLORE`); this walks the levels in order: the system, each file, segments, then per process its
 * fresh mapping, each of its mappings, and the process itself.
 */
import type { Machine } from '../run/machine';
import { EXPLORE } from '../ops';
import type { ExploreCtx, ExploreLevel } from '../ops/define';
import type { Step } from '../scenario/types';
import type { Scope } from './scope';

const AT: Record<ExploreLevel, Array<(typeof EXPLORE)[number]>> = { system: [], file: [], ipc: [], fresh: [], map: [], proc: [] };
for (const d of EXPLORE) AT[d.level].push(d);

function list(level: ExploreLevel, ctx: ExploreCtx, out: Step[]): void {
  for (const d of AT[level]) d.successors(ctx, out);
}

export function successorsOf(m: Machine, scope: Scope, index: number, forks: number): Step[] {
  const flags = new Set<string>(scope.ops);
  const out: Step[] = [];
  const { procs, files, segs, mounts } = m.names();
  const base: ExploreCtx = {
    scope,
    has: (f) => flags.has(f),
    value: 1 + (index % 255),
    forks,
    procs: procs.map((p) => p.name),
    files: files.map(([n]) => n),
    segs: segs.map(([n]) => n),
    mounts: mounts.map(([n]) => n),
    proc: '',
  };
  list('system', base, out);
  for (const file of base.files) list('file', { ...base, file }, out);
  list('ipc', base, out);
  for (const { name: proc, maps } of procs) {
    const names = new Set(maps.map(([n]) => n));
    let k = 0;
    while (names.has(`m${k}`)) k++;
    const fresh = names.size < scope.maps ? `m${k}` : undefined;
    const at: ExploreCtx = { ...base, proc, fresh };
    if (fresh !== undefined) list('fresh', at, out);
    for (const [map, b] of maps) if (b) list('map', { ...at, map, pages: b.pages }, out);
    list('proc', at, out);
  }
  return out;
}
