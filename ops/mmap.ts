/**
 * `mmap` of huge pages: anonymous (MAP_HUGETLB) or of a hugetlbfs file, private or shared, with
 * MAP_NORESERVE, MAP_POPULATE and a protection. Model: do_mmap into hugetlbfs_file_mmap and
 * hugetlb_reserve_pages (model/mmap.ts).
 */
import fc from 'fast-check';
import { getUnmappedArea, type Inode, type Process } from '../model/state';
import type { MmapStep, Prot } from '../scenario/types';
import { allocRange, defineCommand, defineExplore, defineOp, type Binding, type KFile, type KProc } from './define';
import { count, EINVAL_ONLY, flag, name, offset, OK_OR_ENOMEM, PROT_CODE, PROT_NAME, PROTS } from './fields';
import { flag as dialFlag, length, prot, rarely, sel, seldom, record } from './gen';

export const mmap = defineOp<'mmap'>({
  op: 'mmap',
  fields: {
    proc: name('proc'),
    map: name('map'),
    pages: count(),
    share: { type: { kind: 'enum', values: ['private', 'shared'] }, default: 'private' },
    file: name('file', true),
    offset,
    noreserve: flag,
    populate: flag,
    prot: { type: { kind: 'enum', values: PROTS }, default: 'rw' },
    locked: { type: { kind: 'bool' }, optional: true },
  },
  names: [
    { field: 'proc', ns: 'proc', role: 'need' },
    { field: 'file', ns: 'file', role: 'need' },
    { field: 'map', ns: 'map', role: 'create', size: (s) => s.pages },
  ],
  validate(s, _h, ctx) {
    if (s.file === undefined && s.offset !== 0) throw ctx.err('offset', 'an anonymous mapping has no file offset');
  },
  describe(s) {
    const flags = [s.share === 'shared' ? 'MAP_SHARED' : 'MAP_PRIVATE', s.file === undefined ? 'MAP_HUGETLB' : '', s.noreserve ? 'MAP_NORESERVE' : '', s.populate ? 'MAP_POPULATE' : '', s.locked ? 'MAP_LOCKED' : '']
      .filter(Boolean)
      .join('|');
    const file = s.file !== undefined ? `, ${s.file}${s.offset ? `@${s.offset}` : ''}` : '';
    return `${s.proc}: ${s.map} = mmap(${s.pages} hp, ${flags}${s.prot !== 'rw' ? `, ${PROT_NAME[s.prot]}` : ''}${file})`;
  },
  model(ctx, s, h) {
    const p = ctx.get<Process>(h.proc);
    const inode = h.file >= 0 ? ctx.get<Inode>(h.file) : null;
    const addr = getUnmappedArea(p, s.pages);
    const err = ctx.k.doMmap(ctx.s, p, {
      pages: s.pages, shared: s.share === 'shared', inode, offset: s.offset, noreserve: s.noreserve, populate: s.populate, locked: s.locked === true, prot: s.prot, addr,
    });
    ctx.set(h.map, { start: addr, pages: s.pages } satisfies Binding);
    return err ?? 'ok';
  },
  async driver(ctx, s, h) {
    const p = ctx.get<KProc>(h.proc);
    const f = h.file >= 0 ? ctx.get<KFile>(h.file) : undefined;
    const addr = allocRange(p, s.pages);
    const r = await ctx.call(
      `P ${p.node} MMAP ${addr} ${s.pages} ${s.share === 'shared' ? 1 : 0} ${f ? f.mount.idx : -1} ${f ? f.id : 0} ${s.offset} ${s.noreserve ? 1 : 0} ${mapFlags(s)} ${PROT_CODE[s.prot]}`,
    );
    ctx.set(h.map, { start: addr, pages: s.pages } satisfies Binding);
    return r;
  },
  // Length 0 is EINVAL (golden observed/15); otherwise the reservation may fail (ENOMEM).
  results: (s) => (s.pages === 0 ? EINVAL_ONLY : OK_OR_ENOMEM),
  c: (s, h) =>
    `op_mmap(${h.proc}, ${h.map}, ${s.pages}, ${s.share === 'shared' ? 1 : 0}, ${h.file}, ${s.offset}, ${s.noreserve ? 1 : 0}, ${mapFlags(s)}, ${PROT_CODE[s.prot]})`,
  promise(t, s, obs, f) {
    if (!t.procs.has(s.proc)) return;
    const ok = obs.result === 'ok';
    let obj;
    if (s.file !== undefined) {
      const o = t.files.get(s.file);
      if (!o) return;
      obj = o;
      const sp = t.mounts.get(o.mount);
      if (s.noreserve) f.reservation = { pages: 0, sizeLimited: false, bfreeBefore: null, subpoolReserve: 0 };
      else {
        const st = f.mountsBefore[o.mount];
        let subpoolReserve = 0;
        if (sp && sp.minPages > 0) {
          if (st && st.blocks !== null && st.bfree !== null) subpoolReserve = Math.max(0, sp.minPages - (st.blocks - st.bfree));
          else if (t.idle(o.mount)) subpoolReserve = sp.minPages;
        }
        f.reservation = { pages: s.pages, sizeLimited: Boolean(sp?.size), bfreeBefore: st?.bfree ?? null, subpoolReserve };
      }
    } else {
      obj = t.newObj('anon', s.pages, 'default');
      f.reservation = { pages: s.noreserve ? 0 : s.pages, sizeLimited: false, bfreeBefore: null, subpoolReserve: 0 };
    }
    if (!ok) {
      // A failed shared mmap of a file that changed something (a policy that populates or reserves
      // before it gives up) may have left pages or reservations in the file: which is not known.
      const a = f.after;
      const b = f.before;
      const changed = a.total !== b.total || a.free !== b.free || a.rsvd !== b.rsvd || a.surp !== b.surp || obs.mounts[obj.mount]?.bfree !== f.mountsBefore[obj.mount]?.bfree;
      if (s.file !== undefined && s.share === 'shared' && changed) {
        for (let i = s.offset; i < s.offset + s.pages; i++) {
          if (obj.resv.get(i) === 'present') continue;
          obj.resv.set(i, 'unknown');
          obj.dataUnknown.add(i);
        }
      }
      return;
    }
    const shared = s.share === 'shared';
    // The reservations this mapping makes: the whole length for a private one, the indices its
    // file's reserve map lacks for a shared one (R-3.4); a min_size= mount's reserve may serve them.
    let reserved: number | undefined = s.noreserve ? 0 : shared ? 0 : s.pages;
    if (shared && !s.noreserve) for (let i = s.offset; i < s.offset + s.pages; i++) if (!obj.resv.has(i)) reserved++;
    for (let i = s.offset; i < s.offset + s.pages; i++) if (obj.resv.get(i) === 'unknown') reserved = undefined;
    if (obj.minMount) reserved = undefined;
    const ms = t.mapState(s.proc, s.map, obj, shared, s.offset, s.pages, s.prot, !shared && !s.noreserve, s.noreserve);
    const to = s.offset + s.pages;
    if (shared && !s.noreserve) {
      for (let i = s.offset; i < to; i++) {
        obj.guaranteed.add(i);
        if (!obj.resv.has(i)) obj.resv.set(i, 'reserved');
      }
    }
    if (s.prot === 'rw' && obj.size < to) obj.size = to;
    // MAP_POPULATE and MAP_LOCKED ignore failed faults, so which pages got in is known only when no
    // fault can fail (every page reserved by this mapping and within the file, R-3.7) and the
    // counters agree; otherwise the pages' state is unknown from here on.
    if ((s.populate || s.locked) && s.prot !== 'none') {
      const bound = !s.noreserve && (obj.kind !== 'file' || to <= obj.size);
      const pop = t.populationOf(ms, 0, s.pages, f.index);
      const used = f.after.total - f.after.free - (f.before.total - f.before.free);
      const dR = f.after.rsvd - f.before.rsvd;
      const agree = pop.certain && used === pop.allocs && (reserved === undefined || dR === reserved - pop.consumes);
      if (bound) f.population = { ...pop, ...(reserved !== undefined ? { reserved } : {}) };
      t.populate(ms, 0, s.pages, bound && agree, f.index);
    } else if (f.after.total - f.after.free > f.before.total - f.before.free) {
      // Pages came in although the step asked for none (a policy that populates, say): which ones is
      // not known.
      t.populate(ms, 0, s.pages, false, f.index);
    }
  },
  *plainer(s) {
    if (s.locked) {
      const { locked: _l, ...unlocked } = s;
      yield unlocked;
    }
    if (s.populate) yield { ...s, populate: false };
    if (s.noreserve) yield { ...s, noreserve: false };
    if (s.prot !== 'rw') yield { ...s, prot: 'rw' };
    if (s.share === 'shared') yield { ...s, share: 'private' };
    if (s.file !== undefined) {
      const { file: _f, ...anon } = s;
      yield { ...anon, offset: 0 };
    }
  },
});

/** The driver's and the C runtime's population flags: 1 MAP_POPULATE, 2 MAP_LOCKED. */
const mapFlags = (s: MmapStep) => (s.populate ? 1 : 0) | (s.locked ? 2 : 0);

export const mmapCommand = defineCommand({
  kind: 'mmap',
  weight: 14,
  produces: ['mmap'],
  arbitrary: (o) =>
    record({
      k: fc.constant('mmap' as const),
      p: sel,
      pages: length,
      shared: dialFlag(o.share, fc.boolean()),
      file: o.file === 0 ? fc.constant(null) : fc.option(sel, { nil: null, freq: o.file === 1 ? 2 : 5 }),
      offset: fc.nat(1),
      noreserve: dialFlag(o.noreserve, rarely),
      populate: dialFlag(o.populate, rarely),
      // MAP_LOCKED populates as MAP_POPULATE does (docs/mlock.md): seldom, not to double population.
      locked: dialFlag(o.populate, seldom),
      prot: prot(o),
    }),
  resolve(r, c) {
    const proc = r.pick(r.procs(), c.p)!;
    const file = c.file === null ? undefined : r.pickNewest(r.files(), c.file);
    const map = r.freshMap(proc);
    const share = c.shared ? 'shared' : 'private';
    // Literal steps, not spreads: the generator makes millions (keys in the format's order).
    const st: MmapStep = file
      ? { op: 'mmap', proc, map, pages: c.pages, share, file, offset: c.offset, noreserve: c.noreserve, populate: c.populate, prot: c.prot }
      : { op: 'mmap', proc, map, pages: c.pages, share, offset: 0, noreserve: c.noreserve, populate: c.populate, prot: c.prot };
    if (c.locked) st.locked = true;
    return st;
  },
});

export const mmapExplore = defineExplore({
  flags: {
    mmap: 'anonymous MAP_HUGETLB mappings, private and shared, 1..pages pages',
    noreserve: 'MAP_NORESERVE variants of every mmap and shmget',
    populate: 'MAP_POPULATE variants of every mmap',
    locked: 'MAP_LOCKED variants of every mmap',
    mapFile: 'mmap a file, private and shared, 1..pages pages at offset 0',
    offset: 'also map a file at each page offset, one page long',
    prot: 'mmap read-only and PROT_NONE variants; mprotect to none and rw',
  },
  level: 'fresh',
  produces: ['mmap'],
  successors(x, out) {
    const proc = x.proc;
    const map = x.fresh!;
    const prots: Prot[] = x.has('prot') ? ['rw', 'r', 'none'] : ['rw'];
    const mmaps = (base: Omit<MmapStep, 'noreserve' | 'populate' | 'prot'>) => {
      for (const p of prots) out.push({ ...base, prot: p, noreserve: false, populate: false });
      if (x.has('noreserve')) out.push({ ...base, prot: 'rw', noreserve: true, populate: false });
      if (x.has('populate')) out.push({ ...base, prot: 'rw', noreserve: false, populate: true });
      if (x.has('locked')) out.push({ ...base, prot: 'rw', noreserve: false, populate: false, locked: true });
    };
    for (let n = 1; n <= x.scope.pages; n++) {
      for (const share of ['private', 'shared'] as const) {
        if (x.has('mmap')) mmaps({ op: 'mmap', proc, map, pages: n, share, offset: 0 });
        if (x.has('mapFile')) for (const file of x.files) mmaps({ op: 'mmap', proc, map, pages: n, share, file, offset: 0 });
      }
    }
    if (x.has('mapFile') && x.has('offset')) {
      for (const file of x.files) for (let off = 1; off < x.scope.pages; off++) for (const share of ['private', 'shared'] as const) mmaps({ op: 'mmap', proc, map, pages: 1, share, file, offset: off });
    }
  },
  scope(st, acc) {
    if (st.op !== 'mmap') return;
    acc.flag('mmap');
    acc.pages(st.pages + (st.file !== undefined ? st.offset : 0));
    if (st.noreserve) acc.flag('noreserve');
    if (st.populate) acc.flag('populate');
    if (st.locked) acc.flag('locked');
    if (st.file !== undefined) acc.flag('mapFile');
    if (st.offset !== 0) acc.flag('offset');
    if (st.offset !== 0 && st.pages > 1) acc.unsupported('a file mapped at an offset, more than one page long');
    if (st.prot !== 'rw') acc.flag('prot');
  },
});
