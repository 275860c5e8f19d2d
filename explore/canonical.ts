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
import { writeForm, type FormCtx } from '../model/form';
import { findVma, FOLIO_FORM, INODE_FORM, MODEL_STATE_FORM, MOUNT_FORM, PROCESS_FORM, RESV_MAP_FORM, SUBPOOL_FORM, VMA_FORM, type Folio, type Inode, type PrivateResvMap, type Process, type Subpool, type Vma } from '../model/state';
import { MAP_STATE_FORM, MOUNT_INFO_FORM, OBJ_FORM, type MapState, type Obj, type PromiseState } from '../properties/promises';

// Every field of every part is written through its form (model/state.ts, properties/promises.ts),
// which names all the fields of its type: a new field changes the form or fails to compile.

type Ref = Folio | Inode | PrivateResvMap | Obj | Subpool;

function content(x: Ref, c: FormCtx): string {
  if ('mapcount' in x) return `F(${writeForm(x, FOLIO_FORM, c)})`;
  if ('maxHpages' in x) return `P(${writeForm(x, SUBPOOL_FORM, c)})`;
  if ('mmaps' in x) return `I(${writeForm(x, INODE_FORM, c)})`;
  if ('guaranteed' in x) return `O(${writeForm(x, OBJ_FORM, c)})`;
  return `M(${writeForm(x, RESV_MAP_FORM, c)})`;
}

function rangeText(p: Process, start: number, pages: number, c: FormCtx, symmetric: boolean): string {
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
    cells.push(`${v === prev ? '' : `[${writeForm(v, VMA_FORM, c)}]`}${a - v.start + v.pgoff}${f ? `*${c.ref(f)}` : ''}`);
    prev = v;
  }
  return `${symmetric ? '' : `@${start}`}${cells.join(' ')}`;
}

/** The VMAs of a process that no binding's range reaches (a mapping whose name a later step took),
 *  each with its pages, in a name- and address-free way. */
function restText(p: Process, covered: ReadonlySet<Vma>, c: FormCtx): string {
  return p.vmas
    .filter((v) => !covered.has(v))
    .map((v) => rangeText(p, v.start, v.end - v.start, c, true))
    .sort()
    .join('|');
}

interface ProcView {
  name: string;
  p: Process;
  bindings: Array<{ name: string; text: (c: FormCtx) => string }>;
  /** The tracker's orphans and the model's VMAs no binding reaches. */
  rest: (c: FormCtx) => string;
}

function procViews(m: Machine, ps: PromiseState, symmetric: boolean): ProcView[] {
  return m.names().procs.map(({ name, p, maps }) => {
    const tracked = ps.procs.get(name);
    const names = new Set([...maps.map(([n]) => n), ...(tracked?.keys() ?? [])]);
    const covered = new Set<Vma>();
    for (const [, b] of maps) if (b) for (let a = b.start; a < b.start + b.pages; a++) {
      const v = findVma(p, a);
      if (v) covered.add(v);
    }
    const bindings = [...names].map((n) => {
      const b = maps.find(([x]) => x === n)?.[1];
      const t = tracked?.get(n);
      return {
        name: n,
        text: (c: FormCtx) => `${symmetric ? '' : `${n}:`}${b === undefined ? '-' : b === null ? '!' : rangeText(p, b.start, b.pages, c, symmetric)}${t ? `{${writeForm(t, MAP_STATE_FORM, c)}}` : ''}`,
      };
    });
    const orphans = ps.orphans.get(name) ?? [];
    const rest = (c: FormCtx) => `${writeForm(p, PROCESS_FORM, c)}<${restText(p, covered, c)}>{${orphans.map((o: MapState) => writeForm(o, MAP_STATE_FORM, c)).sort().join('|')}}`;
    return { name, p, bindings, rest };
  });
}

/** The canonical form of the machine's state and the tracker's beliefs. */
export function canonicalKey(m: Machine, ps: PromiseState, symmetric = true): string {
  const views = procViews(m, ps, symmetric);
  // Pass 1: objects (and private pages) by content; order bindings and processes by what they hold.
  // (An object's pass-1 text depends on its contents only: each is written once.)
  const seen1 = new Map<Ref, string>();
  const pass1: FormCtx = {
    ref: (r) => {
      let t = seen1.get(r as Ref);
      if (t === undefined) seen1.set(r as Ref, (t = content(r as Ref, pass1)));
      return t;
    },
    page: () => 'p',
  };
  const keyed = views.map((v) => v.bindings.map((b) => ({ k1: b.text(pass1), b })));
  let order = views.map((v, k) => ({ v, bs: keyed[k]!, key: `${keyed[k]!.map((x) => x.k1).sort().join(';')}/${v.rest(pass1)}` }));
  if (symmetric) order = order.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // Pass 2: number objects and private pages in order of first appearance.
  const ids = new Map<Ref, number>();
  const pages = new Map<number, number>();
  const objs: string[] = [];
  const pass2: FormCtx = {
    ref: (x) => {
      const r = x as Ref;
      let id = ids.get(r);
      if (id === undefined) {
        id = ids.size;
        ids.set(r, id);
        objs.push('');
        objs[id] = content(r, pass2);
      }
      return `#${id}`;
    },
    page: (n) => {
      let id = pages.get(n);
      if (id === undefined) pages.set(n, (id = pages.size));
      return `p${id}`;
    },
  };
  const procTexts = order.map(({ v, bs }) => {
    if (symmetric) bs.sort((a, b) => (a.k1 < b.k1 ? -1 : a.k1 > b.k1 ? 1 : 0));
    return `${symmetric ? '' : `${v.name}=`}(${bs.map((x) => x.b.text(pass2)).join(';')}/${v.rest(pass2)})`;
  });
  const mounts = [...m.s.mounts.values()].map((mt) => `(${writeForm(mt, MOUNT_FORM, pass2)})`).join(' ');
  const { files, segs } = m.names();
  const named = [...files.map(([n, i]) => `f${n}=${pass2.ref(i)}`), ...segs.map(([n, i]) => `s${n}=${pass2.ref(i)}`)].join(' ');
  // Inodes nothing above reaches (an anonymous or removed object still held by a page or a reserve).
  const inodes = [...m.s.inodes].map((i) => pass2.ref(i)).join(',');
  const tracked = [...ps.files]
    .map(([n, o]) => `tf${n}=${pass2.ref(o)}`)
    .concat(
      [...ps.segs].map(([n, o]) => `ts${n}=${pass2.ref(o)}`),
      [...ps.mounts].map(([n, x]) => `tm${n}(${writeForm(x, MOUNT_INFO_FORM, pass2)})`),
    )
    .join(' ');
  return `${writeForm(m.s, MODEL_STATE_FORM, pass2)}|${procTexts.join('')}|${mounts}|${named}|${inodes}|${tracked}|${objs.join(' ')}`;
}
