/**
 * Touching a page of a mapping: `read` and `write` (the first byte), which fault the page in.
 * Model: do_user_addr_fault into hugetlb_fault (model/fault.ts).
 */
import fc from 'fast-check';
import type { Process } from '../model/state';
import type { Tracker } from '../properties/promises';
import type { Result } from '../scenario/types';
import { defineCommand, defineExplore, defineOp, type Binding, type KProc, type ValidateCtx } from './define';
import { count, name } from './fields';
import { flag as dialFlag, sel, record } from './gen';
import { ON_MAPPING } from './vma';

function pageWithin(s: Record<string, unknown>, range: number, ctx: ValidateCtx): void {
  if ((s.page as number) >= range) throw ctx.err('page', `page ${s.page} is outside mapping "${s.map}" (${range} pages)`);
}

/** A touch of a page it may not access is SIGSEGV (SEGV_MAPERR, SEGV_ACCERR); any other succeeds
 *  or gets SIGBUS (goldens observed/1c, 5b). */
function touchResults(t: Tracker, proc: string, map: string, page: number, write: boolean): readonly Result[] {
  const ms = t.procs.get(proc)?.get(map);
  const segv = ms ? t.segv(ms, page, write) : undefined;
  return segv === undefined ? ['ok', 'SIGBUS', 'SIGSEGV'] : segv ? ['SIGSEGV'] : ['ok', 'SIGBUS'];
}

export const read = defineOp<'read'>({
  op: 'read',
  fields: { proc: name('proc'), map: name('map'), page: count() },
  names: ON_MAPPING,
  validate: (s, h, ctx) => pageWithin(s, ctx.size(h.map), ctx),
  describe: (s) => `${s.proc}: read ${s.map}[${s.page}]`,
  model(ctx, s, h) {
    const p = ctx.get<Process>(h.proc);
    const addr = ctx.get<Binding>(h.map).start + s.page;
    const r = ctx.k.doUserAddrFault(ctx.s, p, addr, false);
    if (r === 'ok') ctx.value = p.ptes.get(addr)!.value;
    return r;
  },
  async driver(ctx, s, h) {
    const r = await ctx.call(`P ${ctx.get<KProc>(h.proc).node} READ ${ctx.get<Binding>(h.map).start + s.page}`);
    if (r === 'ok') ctx.value = ctx.last.value;
    return r;
  },
  c: (s, h) => `op_read(${h.proc}, ${h.map}, ${s.page})`,
  results: (s, t) => touchResults(t, s.proc, s.map, s.page, false),
  promise: (t, s, obs, f) => t.touch(s.proc, s.map, s.page, false, undefined, obs, f),
});

export const write = defineOp<'write'>({
  op: 'write',
  fields: { proc: name('proc'), map: name('map'), page: count(), value: { type: { kind: 'byte' }, contextDefault: true } },
  names: ON_MAPPING,
  validate(s, h, ctx) {
    pageWithin(s, ctx.size(h.map), ctx);
    if (s.value === undefined) s.value = 1 + (ctx.index % 255);
  },
  describe: (s) => `${s.proc}: write ${s.map}[${s.page}] = ${s.value}`,
  model(ctx, s, h) {
    const p = ctx.get<Process>(h.proc);
    const addr = ctx.get<Binding>(h.map).start + s.page;
    const r = ctx.k.doUserAddrFault(ctx.s, p, addr, true);
    if (r === 'ok') {
      const folio = p.ptes.get(addr)!;
      folio.value = s.value;
      ctx.value = folio.value;
    }
    return r;
  },
  async driver(ctx, s, h) {
    const r = await ctx.call(`P ${ctx.get<KProc>(h.proc).node} WRITE ${ctx.get<Binding>(h.map).start + s.page} ${s.value}`);
    if (r === 'ok') ctx.value = ctx.last.value;
    return r;
  },
  c: (s, h) => `op_write(${h.proc}, ${h.map}, ${s.page}, ${s.value})`,
  results: (s, t) => touchResults(t, s.proc, s.map, s.page, true),
  promise: (t, s, obs, f) => t.touch(s.proc, s.map, s.page, true, s.value, obs, f),
});

/** One command for both: a touch of a page, a write or a read. */
export const touchCommand = defineCommand({
  kind: 'touch',
  weight: 26,
  produces: ['read', 'write'],
  arbitrary: (o) => record({ k: fc.constant('touch' as const), p: sel, m: sel, page: fc.nat(3), write: dialFlag(o.write, fc.boolean()) }),
  resolve(r, c) {
    const t = r.mapping(c.p, c.m);
    if (!t) return undefined;
    const page = c.page % t.range;
    return c.write ? { op: 'write', proc: t.proc, map: t.map, page, value: 1 + (c.page % 255) } : { op: 'read', proc: t.proc, map: t.map, page };
  },
});

export const touchExplore = defineExplore({
  flags: { write: 'write each page of each mapping', read: 'read each page of each mapping' },
  level: 'map',
  produces: ['read', 'write'],
  successors(x, out) {
    const { proc } = x;
    const map = x.map!;
    for (let page = 0; page < x.pages!; page++) {
      if (x.has('write')) out.push({ op: 'write', proc, map, page, value: x.value });
      if (x.has('read')) out.push({ op: 'read', proc, map, page });
    }
  },
  scope(st, acc) {
    if (st.op === 'read' || st.op === 'write') acc.flag(st.op);
  },
});
