/**
 * hugetlbfs mounts: `mount` (with `size=` and `min_size=`, which give the mount a subpool) and
 * `umount`. Model: hugetlbfs_fill_super and hugetlbfs_kill_super (model/mount.ts).
 */
import fc from 'fast-check';
import type { Mount } from '../model/state';
import { defineCommand, defineExplore, defineOp, type KMount } from './define';
import { EINVAL_ONLY, name, OK_OR_ENOMEM, ONLY_OK } from './fields';
import { sel, record } from './gen';

export const mount = defineOp<'mount'>({
  op: 'mount',
  fields: {
    mount: name('mount'),
    size: { type: { kind: 'count', min: 0 }, optional: true },
    minSize: { type: { kind: 'count', min: 0 }, optional: true },
  },
  names: [{ field: 'mount', ns: 'mount', role: 'create' }],
  describe(s) {
    const opts = [s.size !== undefined ? `size=${s.size}hp` : '', s.minSize !== undefined ? `min_size=${s.minSize}hp` : ''].filter(Boolean);
    return `mount hugetlbfs ${s.mount}${opts.length ? ` -o ${opts.join(',')}` : ''}`;
  },
  model(ctx, s, h) {
    const r = ctx.k.hugetlbfsFillSuper(ctx.s, s.mount, s.size, s.minSize);
    if (typeof r === 'string') return r;
    ctx.set(h.mount, r);
    return 'ok';
  },
  async driver(ctx, s, h) {
    const idx = ctx.next('mount');
    const r = await ctx.call(`MOUNT ${idx} ${s.size ?? -1} ${s.minSize ?? -1}`);
    ctx.set(h.mount, { idx, hasSize: s.size !== undefined } satisfies KMount);
    return r;
  },
  c: (s, h) => `op_mount(${h.mount}, ${s.size ?? -1}, ${s.minSize ?? -1})`,
  // hugetlbfs_parse_param/fill_super: min_size above size is EINVAL; only the min_size reservation
  // can fail (ENOMEM) (golden observed/11b).
  results: (s) => (s.size !== undefined && s.minSize !== undefined && s.minSize > s.size ? EINVAL_ONLY : s.minSize !== undefined ? OK_OR_ENOMEM : ONLY_OK),
  promise(t, s, obs, f) {
    if (s.minSize !== undefined) f.reservation = { pages: s.minSize, sizeLimited: false, bfreeBefore: null, subpoolReserve: 0 };
    if (obs.result === 'ok') t.mounts.set(s.mount, { min: s.minSize !== undefined && s.minSize > 0, size: s.size !== undefined, minPages: s.minSize ?? 0, sizePages: s.size ?? null });
  },
  *plainer(s) {
    if (s.minSize !== undefined) {
      const { minSize: _m, ...rest } = s;
      yield rest;
    }
    if (s.size !== undefined) {
      const { size: _s, ...rest } = s;
      yield rest;
    }
  },
});

export const umount = defineOp<'umount'>({
  op: 'umount',
  fields: { mount: name('mount') },
  names: [{ field: 'mount', ns: 'mount', role: 'end', when: 'ok' }],
  validate(s, _h, ctx) {
    if (s.mount === 'default') throw ctx.err('mount', 'the "default" mount cannot be unmounted');
  },
  describe: (s) => `umount ${s.mount}`,
  model: (ctx, _s, h) => ctx.k.hugetlbfsKillSuper(ctx.s, ctx.get<Mount>(h.mount)),
  driver: (ctx, _s, h) => ctx.call(`UMOUNT ${ctx.get<KMount>(h.mount).idx}`),
  c: (_s, h) => `op_umount(${h.mount})`,
  // EBUSY exactly while a file of the mount is mapped (golden observed/11b).
  results: (s, t) => (t.busy(s.mount) ? ['EBUSY'] : ONLY_OK),
  promise(t, s, obs) {
    if (obs.result !== 'ok') return;
    for (const [n, o] of t.files) if (o.mount === s.mount) t.files.delete(n);
    t.mounts.delete(s.mount);
  },
});

export const mountCommand = defineCommand({
  kind: 'mount',
  weight: 4,
  produces: ['mount'],
  arbitrary: () => record({ k: fc.constant('mount' as const), size: fc.option(fc.nat(3), { nil: null }), minSize: fc.option(fc.nat(2), { nil: null }) }),
  resolve(r, c) {
    const mounts = r.mounts();
    const s: { op: 'mount'; mount: string; size?: number; minSize?: number } = { op: 'mount', mount: r.fresh('m', (n) => mounts.includes(n)) };
    if (c.size !== null) s.size = c.size;
    if (c.minSize !== null) s.minSize = c.minSize;
    return s;
  },
});

export const umountCommand = defineCommand({
  kind: 'umount',
  weight: 1,
  produces: ['umount'],
  arbitrary: (_o) => record({ k: fc.constant('umount' as const), m: sel }),
  resolve(r, c) {
    const m = r.pickNewest(r.mounts().filter((x) => x !== 'default'), c.m);
    return m ? { op: 'umount', mount: m } : undefined;
  },
});

export const mountExplore = defineExplore({
  flags: { mount: "mount each of the scope's hugetlbfs mounts (size=/min_size=)", umount: 'unmount a mount' },
  level: 'system',
  produces: ['mount', 'umount'],
  successors(x, out) {
    if (x.has('mount')) x.scope.mounts.forEach((spec, j) => { if (!x.mounts.includes(`h${j}`)) out.push({ op: 'mount', mount: `h${j}`, ...spec }); });
    if (x.has('umount')) for (const m of x.mounts) if (m !== 'default') out.push({ op: 'umount', mount: m });
  },
  scope(st, acc) {
    if (st.op === 'umount') acc.flag('umount');
    if (st.op !== 'mount') return;
    acc.flag('mount');
    acc.mount({ ...(st.size !== undefined ? { size: st.size } : {}), ...(st.minSize !== undefined ? { minSize: st.minSize } : {}) });
  },
});
