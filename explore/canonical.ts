/**
 * A state's canonical form, for deduplication in bounded exploration. A state is the model's state
 * (counters, subpools, inodes with their reserve maps and page caches, folios, every process's VMAs
 * and page tables) together with what the promise tracker believes (properties/promises.ts), since
 * the invariants judge that too: two paths that meet in the same model state but promised different
 * things must both be explored.
 *
 * Symmetry reduction: process and mapping names do not matter, nor the addresses mappings got. Each
 * process is described by its mappings in a name-free way, shared objects (folios, inodes, private
 * reserve maps, tracker objects) first by their contents; processes and mappings are sorted by that;
 * then the objects are numbered in order of first appearance and the form is written out with those
 * numbers. Equal forms describe isomorphic states (the form names every object and every sharing), so
 * merging them is sound; a tie in the sort can leave two isomorphic states apart, which costs only
 * time. Without symmetry, names and addresses are kept as they are.
 */
import type { Machine } from '../run/machine';
import { findVma, type Folio, type Inode, type PrivateResvMap, type Process, type Vma } from '../model/state';
import type { MapState, Obj, PromiseState } from '../properties/promises';

type Ref = Folio | Inode | PrivateResvMap | Obj;

const sorted = (xs: Iterable<number>) => [...xs].sort((a, b) => a - b).join(',');

function content(x: Ref, label: (r: Ref) => string): string {
  if ('mapcount' in x) return `F${x.value}.${x.mapcount}${x.inCache ? 'c' : ''}${x.restoreReserve ? 'r' : ''}${x.anon ? 'a' : ''}${x.freed ? 'x' : ''}`;
  if ('consumed' in x) return `M${sorted(x.consumed)}/${x.refs}`;
  if ('resvMap' in x) {
    const cache = [...x.cache].sort((a, b) => a[0] - b[0]).map(([i, f]) => `${i}:${label(f)}`).join(',');
    return `I${x.kind}${x.size}${x.linked ? 'l' : ''}${x.evicted ? 'e' : ''}m${x.mount?.name ?? '-'}r${sorted(x.resvMap)}c${cache}`;
  }
  const resv = [...x.resv].sort((a, b) => a[0] - b[0]).map(([i, r]) => `${i}${r[0]}`).join(',');
  const data = [...x.data].sort((a, b) => a[0] - b[0]).map(([i, d]) => `${i}=${d}`).join(',');
  return `O${x.kind}${x.size}g${sorted(x.guaranteed)}r${resv}d${data}u${sorted(x.dataUnknown)}${x.minMount ? 'M' : ''}${x.sizeMount ? 'S' : ''}@${x.mount}`;
}

function vmaText(v: Vma, label: (r: Ref) => string): string {
  return `${v.shared ? 's' : 'p'}${v.prot}${v.owner ? 'o' : ''}${v.noreserve ? 'n' : ''}${v.unmapped ? 'u' : ''}${label(v.inode)}${v.resvMap ? label(v.resvMap) : ''}`;
}

function rangeText(p: Process, start: number, pages: number, label: (r: Ref) => string, symmetric: boolean): string {
  const cells: string[] = [];
  let prev: Vma | undefined;
  for (let i = 0; i < pages; i++) {
    const a = start + i;
    const v = findVma(p, a);
    if (!v) {
      cells.push('_');
      prev = undefined;
      continue;
    }
    const f = p.ptes.get(a);
    cells.push(`${v === prev ? '' : `[${vmaText(v, label)}]`}${a - v.start + v.pgoff}${f ? `*${label(f)}` : ''}`);
    prev = v;
  }
  return `${symmetric ? '' : `@${start}`}${cells.join(' ')}`;
}

function trackerText(ms: MapState, label: (r: Ref) => string): string {
  const priv = [...ms.priv].sort((a, b) => a[0] - b[0]).map(([i, pp]) => `${i}${pp.kind === 'own' ? `=${pp.value}${pp.exclusive ? 'x' : ''}` : pp.kind[0]}`).join(',');
  return `{${label(ms.obj)}${ms.shared ? 's' : 'p'}${ms.base}+${ms.pages}${ms.prot.join('')}u${sorted(ms.unmapped)}${ms.owner ? 'o' : ''}${ms.noreserve ? 'n' : ''}l${sorted(ms.lostReservation)}c${sorted(ms.consumed)}q${sorted(ms.resvUnknown)}p${priv}}`;
}

interface ProcView {
  name: string;
  p: Process;
  bindings: Array<{ name: string; text: (label: (r: Ref) => string) => string }>;
}

function procViews(m: Machine, ps: PromiseState, symmetric: boolean): ProcView[] {
  return m.names().procs.map(({ name, p, maps }) => {
    const tracked = ps.procs.get(name);
    const names = new Set([...maps.map(([n]) => n), ...(tracked?.keys() ?? [])]);
    const bindings = [...names].map((n) => {
      const b = maps.find(([x]) => x === n)?.[1];
      const t = tracked?.get(n);
      return {
        name: n,
        text: (label: (r: Ref) => string) =>
          `${symmetric ? '' : `${n}:`}${b === undefined ? '-' : b === null ? '!' : rangeText(p, b.start, b.pages, label, symmetric)}${t ? trackerText(t, label) : ''}`,
      };
    });
    return { name, p, bindings };
  });
}

/** The canonical form of the machine's state and the tracker's beliefs. */
export function canonicalKey(m: Machine, ps: PromiseState, symmetric = true): string {
  const h = m.s.h;
  const views = procViews(m, ps, symmetric);
  // Pass 1: objects by content; order bindings and processes by what they hold.
  const byContent = (r: Ref): string => content(r, byContent);
  const procText1 = (v: ProcView) => v.bindings.map((b) => b.text(byContent)).sort().join(';');
  let order = views.map((v) => ({ v, key: procText1(v) }));
  if (symmetric) order = order.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // Pass 2: number objects in order of first appearance.
  const ids = new Map<Ref, number>();
  const objs: string[] = [];
  const byId = (r: Ref): string => {
    let id = ids.get(r);
    if (id === undefined) {
      id = ids.size;
      ids.set(r, id);
      objs.push('');
      objs[id] = content(r, byId);
    }
    return `#${id}`;
  };
  const procTexts = order.map(({ v }) => {
    const bs = v.bindings.map((b) => ({ k1: b.text(byContent), b }));
    if (symmetric) bs.sort((a, b) => (a.k1 < b.k1 ? -1 : a.k1 > b.k1 ? 1 : 0));
    return `${symmetric ? '' : `${v.name}=`}(${bs.map((x) => x.b.text(byId)).join(';')})`;
  });
  const mounts = [...m.s.mounts]
    .map(([name, mt]) => `${name}:${mt.spool ? `${mt.spool.maxHpages}/${mt.spool.minHpages}/${mt.spool.usedHpages}/${mt.spool.rsvHpages}` : ''}[${[...mt.inodes].map(byId).join(',')}]`)
    .join(' ');
  const { files, segs } = m.names();
  const named = [...files.map(([n, i]) => `f${n}=${byId(i)}`), ...segs.map(([n, i]) => `s${n}=${byId(i)}`)].join(' ');
  const tracked = [...ps.files].map(([n, o]) => `tf${n}=${byId(o)}`).concat([...ps.segs].map(([n, o]) => `ts${n}=${byId(o)}`), [...ps.mounts].map(([n, x]) => `tm${n}${x.min ? 'M' : ''}${x.size ? 'S' : ''}`)).join(' ');
  return `${h.nrHugePages},${h.freeHugePages},${h.resvHugePages},${h.surplusHugePages},${h.nrOvercommitHugePages}|${procTexts.join('')}|${mounts}|${named}|${tracked}|${objs.join(' ')}`;
}
