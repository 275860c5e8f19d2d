/**
 * hugetlbfs files: `create` (on a mount), `unlink`, `truncate` (ftruncate) and `fallocate` (with
 * FALLOC_FL_PUNCH_HOLE for `punch`). Model: iput, hugetlb_vmtruncate, hugetlbfs_fallocate and
 * hugetlbfs_punch_hole (model/inode.ts).
 */
import fc from 'fast-check';
import { newInode, type Inode, type Mount } from '../model/state';
import { defineCommand, defineExplore, defineOp, type KFile, type KMount } from './define';
import { count, flag, lowestFree, name, offset, ONLY_OK } from './fields';
import { pages, sel, record } from './gen';

export const create = defineOp<'create'>({
  op: 'create',
  fields: { file: name('file'), mount: { type: { kind: 'name', ns: 'mount' }, default: 'default' } },
  names: [
    { field: 'file', ns: 'file', role: 'create', under: 'mount' },
    { field: 'mount', ns: 'mount', role: 'need' },
  ],
  describe: (s) => `create ${s.file}${s.mount !== 'default' ? ` on ${s.mount}` : ''}`,
  model(ctx, _s, h) {
    ctx.set(h.file, newInode(ctx.s, 'file', ctx.get<Mount>(h.mount), 0));
    return 'ok';
  },
  async driver(ctx, _s, h) {
    const m = ctx.get<KMount>(h.mount);
    const id = ctx.next('file');
    const r = await ctx.call(`CREATE ${m.idx} ${id}`);
    ctx.set(h.file, { mount: m, id } satisfies KFile);
    return r;
  },
  c: (_s, h) => `op_create(${h.file}, ${h.mount})`,
  results: () => ONLY_OK,
  promise(t, s, obs) {
    if (obs.result === 'ok') t.files.set(s.file, t.newObj('file', 0, s.mount));
  },
});

export const unlink = defineOp<'unlink'>({
  op: 'unlink',
  fields: { file: name('file') },
  names: [{ field: 'file', ns: 'file', role: 'end', when: 'run' }],
  describe: (s) => `unlink ${s.file}`,
  model(ctx, _s, h) {
    const inode = ctx.get<Inode>(h.file);
    inode.linked = false;
    ctx.k.iput(ctx.s, inode);
    return 'ok';
  },
  driver(ctx, _s, h) {
    const f = ctx.get<KFile>(h.file);
    return ctx.call(`UNLINK ${f.mount.idx} ${f.id}`);
  },
  c: (_s, h) => `op_unlink(${h.file})`,
  results: () => ONLY_OK,
  promise(t, s, obs) {
    if (obs.result === 'ok') t.files.delete(s.file);
  },
});

export const truncate = defineOp<'truncate'>({
  op: 'truncate',
  fields: { file: name('file'), pages: count() },
  names: [{ field: 'file', ns: 'file', role: 'need' }],
  describe: (s) => `ftruncate(${s.file}, ${s.pages} hp)`,
  model: (ctx, s, h) => ctx.k.hugetlbVmtruncate(ctx.s, ctx.get<Inode>(h.file), s.pages),
  driver(ctx, s, h) {
    const f = ctx.get<KFile>(h.file);
    return ctx.call(`TRUNCATE ${f.mount.idx} ${f.id} ${s.pages}`);
  },
  c: (s, h) => `op_truncate(${h.file}, ${s.pages})`,
  results: () => ONLY_OK,
  promise(t, s, obs, f) {
    const o = t.files.get(s.file);
    if (!o || obs.result !== 'ok') return;
    o.size = s.pages;
    t.dropFrom(o, s.pages, Infinity, true, f.before);
  },
});

export const fallocate = defineOp<'fallocate'>({
  op: 'fallocate',
  fields: { file: name('file'), offset, pages: count(1), punch: flag },
  names: [{ field: 'file', ns: 'file', role: 'need' }],
  describe: (s) =>
    s.punch ? `fallocate(${s.file}, PUNCH_HOLE|KEEP_SIZE, ${s.offset}, ${s.pages} hp)` : `fallocate(${s.file}, 0, ${s.offset}, ${s.pages} hp)`,
  model(ctx, s, h) {
    const inode = ctx.get<Inode>(h.file);
    return s.punch ? ctx.k.hugetlbfsPunchHole(ctx.s, inode, s.offset, s.offset + s.pages) : ctx.k.hugetlbfsFallocate(ctx.s, inode, s.offset, s.pages);
  },
  driver(ctx, s, h) {
    const f = ctx.get<KFile>(h.file);
    return ctx.call(`FALLOCATE ${f.mount.idx} ${f.id} ${s.offset} ${s.pages} ${s.punch ? 1 : 0}`);
  },
  c: (s, h) => `op_fallocate(${h.file}, ${s.offset}, ${s.pages}, ${s.punch ? 1 : 0})`,
  // A hole punch cannot fail; allocation stops at ENOSPC (golden observed/8c).
  results: (s) => (s.punch ? ONLY_OK : ['ok', 'ENOSPC']),
  promise(t, s, obs, f) {
    const o = t.files.get(s.file);
    if (!o) return;
    const ok = obs.result === 'ok';
    const from = s.offset;
    const to = s.offset + s.pages;
    if (s.punch) {
      if (ok) t.dropFrom(o, from, to, false, f.before);
      return;
    }
    // hugetlbfs_fallocate allocates each missing page, consuming the inode's reservation where
    // there is one (R-8.3).
    let missing = 0;
    let reserved = 0;
    let known = !o.minMount;
    for (let i = from; i < to; i++) {
      const st = o.resv.get(i);
      if (st === 'unknown') known = false;
      else if (st !== 'present') {
        missing++;
        if (st === 'reserved') reserved++;
      }
    }
    if (known) f.allocation = { pages: missing, consumes: reserved };
    for (let i = from; i < to; i++) {
      const st = o.resv.get(i);
      if (ok) {
        if (st !== 'present') o.data.set(i, 0);
        o.resv.set(i, 'present');
      } else if (st !== 'present') {
        o.resv.set(i, 'unknown');
        o.dataUnknown.add(i);
      }
    }
    if (ok && o.size < to) o.size = to;
  },
  partialFailures: () => ['ENOSPC'], // R-8.3: pages allocated so far stay
  *plainer(s) {
    if (s.punch) yield { ...s, punch: false };
  },
});

export const createCommand = defineCommand({
  kind: 'create',
  weight: 5,
  produces: ['create'],
  arbitrary: () => record({ k: fc.constant('create' as const), m: sel }),
  resolve(r, c) {
    const files = r.files();
    return { op: 'create', file: r.fresh('f', (n) => files.includes(n)), mount: r.pickNewest(r.mounts(), c.m)! };
  },
});

export const unlinkCommand = defineCommand({
  kind: 'unlink',
  weight: 3,
  produces: ['unlink'],
  arbitrary: () => record({ k: fc.constant('unlink' as const), f: sel }),
  resolve(r, c) {
    const f = r.pickNewest(r.files(), c.f);
    return f ? { op: 'unlink', file: f } : undefined;
  },
});

export const truncateCommand = defineCommand({
  kind: 'truncate',
  weight: 3,
  produces: ['truncate'],
  arbitrary: () => record({ k: fc.constant('truncate' as const), f: sel, pages: fc.nat(3) }),
  resolve(r, c) {
    const f = r.pickNewest(r.files(), c.f);
    return f ? { op: 'truncate', file: f, pages: c.pages } : undefined;
  },
});

export const fallocateCommand = defineCommand({
  kind: 'fallocate',
  weight: 4,
  produces: ['fallocate'],
  arbitrary: () => record({ k: fc.constant('fallocate' as const), f: sel, offset: fc.nat(2), pages, punch: fc.boolean() }),
  resolve(r, c) {
    const f = r.pickNewest(r.files(), c.f);
    return f ? { op: 'fallocate', file: f, offset: c.offset, pages: c.pages, punch: c.punch } : undefined;
  },
});

export const createExplore = defineExplore({
  flags: { create: 'create a file (up to files) on any live mount' },
  level: 'system',
  produces: ['create'],
  successors(x, out) {
    if (!x.has('create') || x.files.length >= x.scope.files) return;
    const file = lowestFree(x.files, 'f');
    for (const m of x.mounts) out.push({ op: 'create', file, mount: m });
  },
  scope(st, acc) {
    if (st.op !== 'create') return;
    acc.flag('create');
    acc.file(st.file);
  },
});

export const fileExplore = defineExplore({
  flags: {
    unlink: 'unlink a file',
    truncate: 'truncate a file to 0..pages pages',
    fallocate: 'fallocate pages 0..k-1 of a file (k = 1..pages)',
    punch: 'punch a hole over any one page of a file, or all of it',
  },
  level: 'file',
  produces: ['unlink', 'truncate', 'fallocate'],
  successors(x, out) {
    const file = x.file!;
    const n = x.scope.pages;
    if (x.has('unlink')) out.push({ op: 'unlink', file });
    if (x.has('truncate')) for (let k = 0; k <= n; k++) out.push({ op: 'truncate', file, pages: k });
    if (x.has('fallocate')) for (let k = 1; k <= n; k++) out.push({ op: 'fallocate', file, offset: 0, pages: k, punch: false });
    if (x.has('punch')) {
      out.push({ op: 'fallocate', file, offset: 0, pages: n, punch: true });
      if (n > 1) for (let off = 0; off < n; off++) out.push({ op: 'fallocate', file, offset: off, pages: 1, punch: true });
    }
  },
  scope(st, acc) {
    if (st.op === 'unlink') acc.flag('unlink');
    if (st.op === 'truncate') {
      acc.flag('truncate');
      acc.pages(st.pages);
    }
    if (st.op !== 'fallocate') return;
    acc.flag(st.punch ? 'punch' : 'fallocate');
    acc.pages(st.offset + st.pages);
    if (!st.punch && st.offset !== 0) acc.unsupported('fallocate that does not start at page 0');
    if (st.punch && st.pages !== 1 && st.offset !== 0) acc.unsupported('a hole punched over part of a file, more than one page');
  },
});
