/**
 * SysV shared memory with SHM_HUGETLB: `shmget` (SHM_NORESERVE for `noreserve`), `shmat` (a shared
 * mapping of the segment) and `shmrm` (IPC_RMID). Model: newseg, do_shmat and shm_rmid (model/shm.ts).
 */
import fc from 'fast-check';
import { getUnmappedArea, type Inode, type Process } from '../model/state';
import { allocRange, defineCommand, defineExplore, defineOp, type Binding, type KProc, type KSeg } from './define';
import { count, EINVAL_ONLY, flag, lowestFree, name, OK_OR_ENOMEM, ONLY_OK } from './fields';
import { flag as dialFlag, length, pages, rarely, sel, record } from './gen';

export const shmget = defineOp<'shmget'>({
  op: 'shmget',
  fields: { seg: name('seg'), pages: count(), noreserve: flag },
  names: [{ field: 'seg', ns: 'seg', role: 'create', size: (s) => s.pages }],
  describe: (s) => `${s.seg} = shmget(${s.pages} hp, SHM_HUGETLB${s.noreserve ? '|SHM_NORESERVE' : ''})`,
  model(ctx, s, h) {
    const r = ctx.k.newseg(ctx.s, s.pages, s.noreserve);
    if (typeof r === 'string') return r;
    ctx.set(h.seg, r);
    return 'ok';
  },
  async driver(ctx, s, h) {
    const idx = ctx.next('seg');
    const r = await ctx.call(`SHMGET ${idx} ${s.pages} ${s.noreserve ? 1 : 0}`);
    ctx.set(h.seg, { idx, pages: s.pages } satisfies KSeg);
    return r;
  },
  c: (s, h) => `op_shmget(${h.seg}, ${s.pages}, ${s.noreserve ? 1 : 0})`,
  // Size 0 is EINVAL (golden observed/14b); otherwise the reservation may fail (ENOMEM).
  results: (s) => (s.pages === 0 ? EINVAL_ONLY : OK_OR_ENOMEM),
  promise(t, s, obs, f) {
    f.reservation = { pages: s.noreserve ? 0 : s.pages, sizeLimited: false, bfreeBefore: null, subpoolReserve: 0 };
    if (obs.result !== 'ok') return;
    const o = t.newObj('shm', s.pages, 'default');
    if (!s.noreserve) for (let i = 0; i < s.pages; i++) {
      o.guaranteed.add(i);
      o.resv.set(i, 'reserved');
    }
    t.segs.set(s.seg, o);
  },
  *plainer(s) {
    if (s.noreserve) yield { ...s, noreserve: false };
  },
});

export const shmat = defineOp<'shmat'>({
  op: 'shmat',
  fields: { proc: name('proc'), seg: name('seg'), map: name('map') },
  names: [
    { field: 'proc', ns: 'proc', role: 'need' },
    { field: 'seg', ns: 'seg', role: 'need' },
    { field: 'map', ns: 'map', role: 'create', size: (_s, sizeOf) => sizeOf('seg') },
  ],
  describe: (s) => `${s.proc}: ${s.map} = shmat(${s.seg})`,
  model(ctx, _s, h) {
    const p = ctx.get<Process>(h.proc);
    const seg = ctx.get<Inode>(h.seg);
    const addr = getUnmappedArea(p, seg.size);
    const r = ctx.k.doShmat(ctx.s, p, seg, addr);
    ctx.set(h.map, { start: addr, pages: seg.size } satisfies Binding);
    return r;
  },
  async driver(ctx, _s, h) {
    const p = ctx.get<KProc>(h.proc);
    const seg = ctx.get<KSeg>(h.seg);
    const addr = allocRange(p, seg.pages);
    const r = await ctx.call(`P ${p.node} SHMAT ${addr} ${seg.idx}`);
    ctx.set(h.map, { start: addr, pages: seg.pages } satisfies Binding);
    return r;
  },
  c: (_s, h) => `op_shmat(${h.proc}, ${h.seg}, ${h.map})`,
  results: () => ONLY_OK,
  promise(t, s, obs) {
    const o = t.segs.get(s.seg);
    if (!o || obs.result !== 'ok' || !t.procs.has(s.proc)) return;
    t.mapState(s.proc, s.map, o, true, 0, o.size, 'rw', false, true);
  },
});

export const shmrm = defineOp<'shmrm'>({
  op: 'shmrm',
  fields: { seg: name('seg') },
  names: [{ field: 'seg', ns: 'seg', role: 'end', when: 'run' }],
  describe: (s) => `shmctl(${s.seg}, IPC_RMID)`,
  model(ctx, _s, h) {
    ctx.k.shmRmid(ctx.s, ctx.get<Inode>(h.seg));
    return 'ok';
  },
  driver: (ctx, _s, h) => ctx.call(`SHMRM ${ctx.get<KSeg>(h.seg).idx}`),
  c: (_s, h) => `op_shmrm(${h.seg})`,
  results: () => ONLY_OK,
  promise(t, s, obs) {
    if (obs.result === 'ok') t.segs.delete(s.seg);
  },
});

export const shmgetCommand = defineCommand({
  kind: 'shmget',
  weight: 2,
  produces: ['shmget'],
  arbitrary: (o) => record({ k: fc.constant('shmget' as const), pages: length, noreserve: dialFlag(o.noreserve, rarely) }),
  resolve(r, c) {
    const segs = r.segs();
    return { op: 'shmget', seg: r.fresh('s', (n) => segs.includes(n)), pages: c.pages, noreserve: c.noreserve };
  },
});

export const shmatCommand = defineCommand({
  kind: 'shmat',
  weight: 2,
  produces: ['shmat'],
  arbitrary: () => record({ k: fc.constant('shmat' as const), p: sel, seg: sel }),
  resolve(r, c) {
    const proc = r.pick(r.procs(), c.p)!;
    const seg = r.pickNewest(r.segs(), c.seg);
    return seg ? { op: 'shmat', proc, seg, map: r.freshMap(proc) } : undefined;
  },
});

export const shmrmCommand = defineCommand({
  kind: 'shmrm',
  weight: 1,
  produces: ['shmrm'],
  arbitrary: () => record({ k: fc.constant('shmrm' as const), seg: sel }),
  resolve(r, c) {
    const seg = r.pickNewest(r.segs(), c.seg);
    return seg ? { op: 'shmrm', seg } : undefined;
  },
});

export const shmExplore = defineExplore({
  flags: {
    shmget: 'create a SysV segment (up to segs) of 1..pages pages',
    shmrm: 'remove a segment (IPC_RMID)',
  },
  level: 'ipc',
  produces: ['shmget', 'shmrm'],
  successors(x, out) {
    if (x.has('shmget') && x.segs.length < x.scope.segs) {
      const seg = lowestFree(x.segs, 's');
      for (let n = 1; n <= x.scope.pages; n++) {
        out.push({ op: 'shmget', seg, pages: n, noreserve: false });
        if (x.has('noreserve')) out.push({ op: 'shmget', seg, pages: n, noreserve: true });
      }
    }
    if (x.has('shmrm')) for (const seg of x.segs) out.push({ op: 'shmrm', seg });
  },
  scope(st, acc) {
    if (st.op === 'shmrm') acc.flag('shmrm');
    if (st.op !== 'shmget') return;
    acc.flag('shmget');
    acc.seg(st.seg);
    acc.pages(st.pages);
    if (st.noreserve) acc.flag('noreserve');
  },
});

export const shmatExplore = defineExplore({
  flags: { shmat: 'attach a segment in any process' },
  level: 'fresh',
  produces: ['shmat'],
  successors(x, out) {
    if (x.has('shmat')) for (const seg of x.segs) out.push({ op: 'shmat', proc: x.proc, seg, map: x.fresh! });
  },
  scope(st, acc) {
    if (st.op === 'shmat') acc.flag('shmat');
  },
});
