/**
 * The ops on a range of a mapping: `munmap`, `mremap` (shrink or grow in place, move to a fresh
 * name with MREMAP_MAYMOVE|MREMAP_FIXED, or mirror with old size 0), `madvise` (MADV_DONTNEED,
 * MADV_REMOVE) and `mprotect`. Model: do_munmap (model/unmap.ts), do_mremap (model/mremap.ts), the
 * madvise paths (model/madvise.ts) and mprotect (model/mmap.ts).
 */
import fc from 'fast-check';
import { getUnmappedArea, type Process } from '../model/state';
import type { NameUse } from './define';
import { allocRange, defineCommand, defineExplore, defineOp, type Binding, type KProc, type ResolveCtx } from './define';
import { checkWithin, count, describeRange, EINVAL_ONLY, ENOMEM_ONLY, holeOrOk, name, offset, OK_OR_ENOMEM, ONLY_OK, PROT_CODE, PROT_NAME, PROTS, rangePages } from './fields';
import { flag as dialFlag, prot as protArb, rarely, sel, seldom, record } from './gen';

type RangeOp = 'munmap' | 'madvise' | 'mprotect' | 'mremap' | 'read' | 'write';
/** The names of an op on an existing mapping of a process. */
export const ON_MAPPING = [
  { field: 'proc', ns: 'proc', role: 'need' },
  { field: 'map', ns: 'map', role: 'need' },
] as const satisfies readonly NameUse<RangeOp>[];

export const munmap = defineOp<'munmap'>({
  op: 'munmap',
  fields: { proc: name('proc'), map: name('map'), offset, pages: rangePages },
  names: ON_MAPPING,
  validate: (s, h, ctx) => checkWithin(s, ctx.size(h.map), ctx.err),
  describe: (s) => `${s.proc}: munmap(${describeRange(s.map, s.offset, s.pages)})`,
  model(ctx, s, h) {
    const b = ctx.get<Binding>(h.map);
    return ctx.k.doMunmap(ctx.s, ctx.get<Process>(h.proc), b.start + s.offset, b.start + s.offset + s.pages);
  },
  driver: (ctx, s, h) => ctx.call(`P ${ctx.get<KProc>(h.proc).node} MUNMAP ${ctx.get<Binding>(h.map).start + s.offset} ${s.pages}`),
  c: (s, h) => `op_munmap(${h.proc}, ${h.map}, ${s.offset}, ${s.pages})`,
  // Unmapping a range with holes, or nothing, succeeds (golden observed/5c).
  results: () => ONLY_OK,
  promise(t, s, obs) {
    const ms = t.procs.get(s.proc)?.get(s.map);
    if (!ms || obs.result !== 'ok') return;
    for (let p = s.offset; p < s.offset + s.pages; p++) {
      ms.unmapped.add(p);
      ms.priv.delete(p);
      ms.takenBack.delete(p);
    }
  },
});

export const mremap = defineOp<'mremap'>({
  op: 'mremap',
  fields: { proc: name('proc'), map: name('map'), offset, oldPages: count(), newPages: count(), to: name('map', true) },
  names: [...ON_MAPPING, { field: 'to', ns: 'map', role: 'create', optional: true, size: (s) => s.newPages }],
  validate(s, h, ctx) {
    const range = ctx.size(h.map);
    const offset = s.offset as number;
    const oldPages = s.oldPages as number;
    if (offset > range || offset + oldPages > range) {
      throw ctx.err('oldPages', `pages ${offset}..${offset + oldPages - 1} go beyond mapping "${s.map}" (${range} pages)`);
    }
  },
  describe: (s) =>
    `${s.proc}: ${s.to !== undefined ? `${s.to} = ` : ''}mremap(${s.map}${s.offset ? `+${s.offset}` : ''}, ${s.oldPages} hp -> ${s.newPages} hp${s.to !== undefined ? ', MAYMOVE|FIXED' : s.oldPages === 0 ? ', MAYMOVE' : ''})`,
  model(ctx, s, h) {
    const p = ctx.get<Process>(h.proc);
    const b = ctx.get<Binding>(h.map);
    const newAddr = s.to !== undefined ? getUnmappedArea(p, s.newPages) : null;
    const r = ctx.k.doMremap(ctx.s, p, b.start + s.offset, s.oldPages, s.newPages, newAddr);
    if (s.to !== undefined) ctx.set(h.to, { start: newAddr!, pages: s.newPages } satisfies Binding);
    return r;
  },
  async driver(ctx, s, h) {
    const p = ctx.get<KProc>(h.proc);
    const b = ctx.get<Binding>(h.map);
    const newAddr = s.to !== undefined ? allocRange(p, s.newPages) : s.oldPages === 0 ? -2 : -1;
    const r = await ctx.call(`P ${p.node} MREMAP ${b.start + s.offset} ${s.oldPages} ${s.newPages} ${newAddr}`);
    if (s.to !== undefined) ctx.set(h.to, { start: newAddr, pages: s.newPages } satisfies Binding);
    return r;
  },
  c: (s, h) => `op_mremap(${h.proc}, ${h.map}, ${s.offset}, ${s.oldPages}, ${s.newPages}, ${h.to})`,
  // new_len 0 is EINVAL and nothing mapped at the old address EFAULT (the generic checks of
  // do_mremap, before hugetlb's own); a shrink in place or a same-size move succeeds (the move may
  // span holes and VMAs: kernel-runs/k10, k12), and a move that shrinks needs what is left after the
  // shrink in one VMA (EFAULT otherwise, k13; the tail may span holes and VMAs, k35, k36; where VMAs
  // are split is not followed, so only a hole is sure to refuse it). What hugetlb refuses (growth, a mirror) is a policy's to change (observed/6a-6k).
  results(s, t) {
    if (s.newPages === 0) return EINVAL_ONLY;
    const atOffset = t.hole(s.proc, s.map, s.offset, 1);
    if (atOffset === undefined) return ['ok', 'EINVAL', 'EFAULT', 'ENOMEM'];
    if (atOffset) return ['EFAULT'];
    if (s.newPages > s.oldPages || s.oldPages === 0) return ['ok', 'EINVAL', 'EFAULT', 'ENOMEM'];
    if (s.to !== undefined && s.newPages < s.oldPages) return t.hole(s.proc, s.map, s.offset, s.newPages) ? ['EFAULT'] : ['ok', 'EFAULT'];
    return ONLY_OK;
  },
  promise(t, s, obs) {
    const maps = t.procs.get(s.proc);
    const ms = maps?.get(s.map);
    if (!maps || !ms || obs.result !== 'ok') return;
    const from = s.offset;
    // A policy may let mremap grow a mapping: the added file indices are promised like a new
    // mapping's (a reserving shared mapping reserves them; a private one's are fresh pages).
    const grow = (target: typeof ms, from0: number) => {
      if (s.newPages <= s.oldPages) return;
      for (let p = from0 + s.oldPages; p < from0 + s.newPages; p++) {
        const i = target.base + p;
        target.unmapped.delete(p); // mapped again, by the grown VMA
        if (target.shared && !target.noreserve) {
          target.obj.guaranteed.add(i);
          if (!target.obj.resv.has(i)) target.obj.resv.set(i, 'reserved');
        }
        if (target.prot[p] === undefined) target.prot[p] = target.prot[from0] ?? 'rw';
        // Sizes as a new mapping of the range sets them: a MAP_HUGETLB pseudo file or a segment
        // always, a hugetlbfs file when the mapping is writable (hugetlbfs_file_mmap, VM_WRITE).
        if ((target.obj.kind !== 'file' || target.prot[p] === 'rw') && target.obj.size <= i) target.obj.size = i + 1;
      }
    };
    if (s.to === undefined && s.oldPages === 0) {
      // A mirror (a policy's MREMAP_MIRROR) at an address the scenario has no name for: the process
      // maps those pages once more until it exits.
      const mirror = t.mapState(s.proc, '\u0000mirror', ms.obj, ms.shared, ms.base + from, s.newPages, 'rw', false, ms.noreserve);
      for (let p = 0; p < s.newPages; p++) mirror.prot[p] = ms.prot[from + p] ?? 'rw';
      maps.delete('\u0000mirror');
      t.orphans.set(s.proc, [...(t.orphans.get(s.proc) ?? []), mirror]);
      return;
    }
    if (s.to === undefined) {
      for (let p = from + s.newPages; p < from + s.oldPages; p++) {
        ms.unmapped.add(p);
        ms.priv.delete(p);
      }
      grow(ms, from);
      return;
    }
    // A move: the new name takes the moved pages (and, by design, their reservations and
    // ownership, R-7.3); the pages left behind keep theirs (what the kernel intends).
    const moved = t.mapState(s.proc, s.to, ms.obj, ms.shared, ms.base + from, s.newPages, 'rw', ms.owner, ms.noreserve);
    moved.mayBeUnmapped = ms.mayBeUnmapped; // the moved VMA keeps its flags (move_vma)
    // The new VMA has the protection of the old one: page by page for a move, and a mirror (old
    // size 0, a policy's) maps the same pages again.
    for (let p = 0; p < s.newPages; p++) moved.prot[p] = ms.prot[s.oldPages === 0 ? from + p : from] ?? 'rw';
    // The pages moved (a growing move adds the rest below, as grow() promises them).
    for (let p = 0; p < Math.min(s.newPages, s.oldPages); p++) {
      const src = from + p;
      moved.prot[p] = ms.prot[src] ?? 'rw';
      if (ms.unmapped.has(src)) moved.unmapped.add(p);
      const pp = ms.priv.get(src);
      if (pp) moved.priv.set(p, pp);
      if (ms.lostReservation.has(src)) moved.lostReservation.add(p);
      if (ms.consumed.has(src)) moved.consumed.add(p);
      if (ms.resvUnknown.has(src)) moved.resvUnknown.add(p);
      const tb = ms.takenBack.get(src);
      if (tb) moved.takenBack.set(p, tb);
    }
    grow(moved, 0);
    if (s.to !== s.map) {
      maps.set(s.map, ms); // the source name keeps its (now partly unmapped) range
      ms.obj.mappings.add(ms);
    }
    for (let p = from; p < from + s.oldPages; p++) {
      ms.unmapped.add(p);
      ms.priv.delete(p);
      ms.takenBack.delete(p);
    }
  },
  *plainer(s) {
    if (s.to !== undefined) {
      const { to: _t, ...inPlace } = s;
      yield inPlace;
    }
  },
});

export const madvise = defineOp<'madvise'>({
  op: 'madvise',
  fields: { proc: name('proc'), map: name('map'), offset, pages: rangePages, advice: { type: { kind: 'enum', values: ['dontneed', 'remove'] } } },
  names: ON_MAPPING,
  validate: (s, h, ctx) => checkWithin(s, ctx.size(h.map), ctx.err),
  describe: (s) => `${s.proc}: madvise(${describeRange(s.map, s.offset, s.pages)}, MADV_${s.advice.toUpperCase()})`,
  model(ctx, s, h) {
    const p = ctx.get<Process>(h.proc);
    const from = ctx.get<Binding>(h.map).start + s.offset;
    const to = from + s.pages;
    return s.advice === 'dontneed' ? ctx.k.madviseDontneed(ctx.s, p, from, to) : ctx.k.madviseRemove(ctx.s, p, from, to);
  },
  driver: (ctx, s, h) =>
    ctx.call(`P ${ctx.get<KProc>(h.proc).node} MADVISE ${ctx.get<Binding>(h.map).start + s.offset} ${s.pages} ${s.advice === 'remove' ? 1 : 0}`),
  c: (s, h) => `op_madvise(${h.proc}, ${h.map}, ${s.offset}, ${s.pages}, ${s.advice === 'remove' ? 1 : 0})`,
  // A hole is ENOMEM, after the mapped parts are done; MADV_REMOVE refuses a private mapping with
  // EACCES (vma_is_shared_maywrite) as soon as it meets one (goldens observed/12e, 7f).
  results(s, t) {
    const ms = t.procs.get(s.proc)?.get(s.map);
    if (!ms) return s.advice === 'remove' ? ['ok', 'ENOMEM', 'EACCES'] : OK_OR_ENOMEM;
    if (s.advice === 'remove' && !ms.shared) {
      for (let p = s.offset; p < s.offset + s.pages; p++) if (!ms.unmapped.has(p)) return ['EACCES'];
      return ENOMEM_ONLY;
    }
    return holeOrOk(t.hole(s.proc, s.map, s.offset, s.pages));
  },
  promise(t, s, obs, f) {
    const ms = t.procs.get(s.proc)?.get(s.map);
    if (!ms) return;
    if (s.advice === 'remove') {
      if (!ms.shared) return;
      if (obs.result === 'ok') {
        t.dropFrom(ms.obj, ms.base + s.offset, ms.base + s.offset + s.pages, false, f.before);
        return;
      }
      // Applied VMA by VMA (madvise_walk_vmas): an error (ENOMEM for a hole) leaves an unknown
      // extent behind, but only pages this mapping still maps can have been reached.
      for (let p = s.offset; p < s.offset + s.pages; p++) {
        if (!ms.unmapped.has(p) && p < ms.pages) t.dropFrom(ms.obj, ms.base + p, ms.base + p + 1, false, f.before, true);
      }
      return;
    }
    if (ms.shared) return; // DONTNEED on shared pages keeps them in the page cache (R-9.3)
    for (let p = s.offset; p < s.offset + s.pages; p++) t.zapPrivate(ms, p, f.before);
  },
  // The mapped parts first; MADV_REMOVE stops at the first private VMA.
  partialFailures: () => ['ENOMEM', 'EACCES'],
  *plainer(s) {
    if (s.advice === 'remove') yield { ...s, advice: 'dontneed' };
  },
});

export const mprotect = defineOp<'mprotect'>({
  op: 'mprotect',
  fields: { proc: name('proc'), map: name('map'), offset, pages: rangePages, prot: { type: { kind: 'enum', values: PROTS } } },
  names: ON_MAPPING,
  validate: (s, h, ctx) => checkWithin(s, ctx.size(h.map), ctx.err),
  describe: (s) => `${s.proc}: mprotect(${describeRange(s.map, s.offset, s.pages)}, ${PROT_NAME[s.prot]})`,
  model(ctx, s, h) {
    const from = ctx.get<Binding>(h.map).start + s.offset;
    return ctx.k.mprotect(ctx.s, ctx.get<Process>(h.proc), from, from + s.pages, s.prot);
  },
  driver: (ctx, s, h) => ctx.call(`P ${ctx.get<KProc>(h.proc).node} MPROTECT ${ctx.get<Binding>(h.map).start + s.offset} ${s.pages} ${PROT_CODE[s.prot]}`),
  c: (s, h) => `op_mprotect(${h.proc}, ${h.map}, ${s.offset}, ${s.pages}, ${PROT_CODE[s.prot]})`,
  // ENOMEM where the range has a hole (golden observed/5d).
  results: (s, t) => holeOrOk(t.hole(s.proc, s.map, s.offset, s.pages)),
  promise(t, s, obs) {
    const ms = t.procs.get(s.proc)?.get(s.map);
    if (!ms) return;
    // On ENOMEM the change stopped at a hole: which pages changed is not known.
    for (let p = s.offset; p < s.offset + s.pages; p++) ms.prot[p] = obs.result === 'ok' ? s.prot : 'unknown';
  },
  partialFailures: () => ['ENOMEM'], // applied to the mapped parts
});

/** A range command's offset and length within the mapping it picked. */
export function rangeIn(r: ResolveCtx, c: { p: number; m: number; offset: number; pages: number }) {
  const t = r.mapping(c.p, c.m);
  if (!t) return undefined;
  const off = c.offset % t.range;
  return { proc: t.proc, map: t.map, offset: off, pages: 1 + (c.pages % (t.range - off)) };
}

export const munmapCommand = defineCommand({
  kind: 'munmap',
  weight: 5,
  produces: ['munmap'],
  arbitrary: () => record({ k: fc.constant('munmap' as const), p: sel, m: sel, offset: fc.nat(3), pages: fc.nat(3) }),
  resolve(r, c) {
    const x = rangeIn(r, c);
    return x && { op: 'munmap', ...x };
  },
});

export const mremapCommand = defineCommand({
  kind: 'mremap',
  weight: 5,
  produces: ['mremap'],
  arbitrary: () => record({ k: fc.constant('mremap' as const), p: sel, m: sel, offset: fc.nat(3), oldPages: fc.nat(3), newPages: fc.nat(3), move: fc.boolean(), empty: seldom }),
  resolve(r, c) {
    const t = r.mapping(c.p, c.m);
    if (!t) return undefined;
    const off = c.offset % t.range;
    const oldPages = c.oldPages % (t.range - off + 1); // 0 asks for a mirror
    // Up to one page of growth; new length 0 (EINVAL) one time in twenty.
    const newPages = c.empty ? 0 : 1 + (c.newPages % (oldPages + 1));
    return { op: 'mremap', proc: t.proc, map: t.map, offset: off, oldPages, newPages, ...(c.move ? { to: r.freshMap(t.proc) } : {}) };
  },
});

export const madviseCommand = defineCommand({
  kind: 'madvise',
  weight: 4,
  produces: ['madvise'],
  arbitrary: (o) => record({ k: fc.constant('madvise' as const), p: sel, m: sel, offset: fc.nat(3), pages: fc.nat(3), remove: dialFlag(o.remove, rarely) }),
  resolve(r, c) {
    const x = rangeIn(r, c);
    return x && { op: 'madvise', ...x, advice: c.remove ? 'remove' : 'dontneed' };
  },
});

export const mprotectCommand = defineCommand({
  kind: 'mprotect',
  weight: 2,
  produces: ['mprotect'],
  arbitrary: (o) => record({ k: fc.constant('mprotect' as const), p: sel, m: sel, offset: fc.nat(3), pages: fc.nat(3), prot: protArb(o) }),
  resolve(r, c) {
    const x = rangeIn(r, c);
    return x && { op: 'mprotect', ...x, prot: c.prot };
  },
});

export const vmaExplore = defineExplore({
  flags: {
    munmap: 'unmap a whole mapping or any one page of it',
    madvise: 'MADV_DONTNEED a whole mapping',
    remove: 'MADV_REMOVE a whole mapping',
    mprotect: 'mprotect a whole mapping to r (with prot: also none and rw)',
    mremap: 'move a whole mapping to a fresh name, or shrink it by one page',
  },
  level: 'map',
  produces: ['munmap', 'madvise', 'mprotect', 'mremap'],
  successors(x, out) {
    const { proc, map } = x;
    const n = x.pages!;
    if (x.has('munmap')) {
      out.push({ op: 'munmap', proc, map: map!, offset: 0, pages: n });
      if (n > 1) for (let off = 0; off < n; off++) out.push({ op: 'munmap', proc, map: map!, offset: off, pages: 1 });
    }
    if (x.has('madvise')) out.push({ op: 'madvise', proc, map: map!, offset: 0, pages: n, advice: 'dontneed' });
    if (x.has('remove')) out.push({ op: 'madvise', proc, map: map!, offset: 0, pages: n, advice: 'remove' });
    if (x.has('mprotect')) for (const p of x.has('prot') ? (['r', 'none', 'rw'] as const) : (['r'] as const)) out.push({ op: 'mprotect', proc, map: map!, offset: 0, pages: n, prot: p });
    if (x.has('mremap')) {
      if (x.fresh !== undefined) out.push({ op: 'mremap', proc, map: map!, offset: 0, oldPages: n, newPages: n, to: x.fresh });
      if (n > 1) out.push({ op: 'mremap', proc, map: map!, offset: 0, oldPages: n, newPages: n - 1 });
    }
  },
  scope(st, acc) {
    if (st.op === 'munmap') acc.flag('munmap');
    if (st.op === 'madvise') {
      acc.flag(st.advice === 'remove' ? 'remove' : 'madvise');
      if (st.offset !== 0) acc.unsupported('madvise of part of a mapping');
    }
    if (st.op === 'mprotect') {
      acc.flag('mprotect');
      if (st.prot !== 'r') acc.flag('prot');
      if (st.offset !== 0) acc.unsupported('mprotect of part of a mapping');
    }
    if (st.op === 'mremap') {
      acc.flag('mremap');
      if (st.offset !== 0) acc.unsupported('mremap of part of a mapping');
      if (st.newPages > st.oldPages) acc.unsupported('a growing mremap');
      if (st.to !== undefined && st.newPages !== st.oldPages) acc.unsupported('a move that also resizes');
    }
  },
});
