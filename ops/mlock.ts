/**
 * `mlock` and `munlock` of a range of a mapping. hugetlb VMAs never carry VM_LOCKED, so mlock only
 * faults the range in (write faults for a writable private mapping, read faults otherwise) and
 * reports the first failed fault as ENOMEM; munlock changes nothing. Either fails with ENOMEM,
 * before doing anything, when the range has a hole. Model: do_mlock and apply_vma_lock_flags
 * (model/mlock.ts); measured on 6.18 in docs/mlock.md.
 */
import fc from 'fast-check';
import type { Process } from '../model/state';
import { defineCommand, defineExplore, defineOp, type Binding, type DriverCtx, type KProc, type ModelCtx, type ValidateCtx } from './define';
import { checkWithin, describeRange, ENOMEM_ONLY, holeOrOk, name, offset, OK_OR_ENOMEM, rangePages } from './fields';
import { rarely, sel, record } from './gen';
import { ON_MAPPING, rangeIn } from './vma';

/** What mlock and munlock share: a range of a mapping, its process's address range on the model, its
 *  driver line and its C call (the driver's MLOCK takes 1 for munlock). */
type RangeStep = { proc: string; map: string; offset: number; pages: number };
type RangeHandles = { proc: number; map: number };

function lockOp<O extends 'mlock' | 'munlock'>(op: O) {
  const unlock = op === 'munlock' ? 1 : 0;
  return {
    op,
    fields: { proc: name('proc'), map: name('map'), offset, pages: rangePages },
    names: ON_MAPPING,
    validate: (s: Record<string, unknown>, h: { map: number }, ctx: ValidateCtx) => checkWithin(s, ctx.size(h.map), ctx.err),
    describe: (s: RangeStep) => `${s.proc}: ${op}(${describeRange(s.map, s.offset, s.pages)})`,
    driver: (ctx: DriverCtx, s: RangeStep, h: RangeHandles) => ctx.call(`P ${ctx.get<KProc>(h.proc).node} MLOCK ${ctx.get<Binding>(h.map).start + s.offset} ${s.pages} ${unlock}`),
    c: (s: RangeStep, h: RangeHandles) => `op_mlock(${h.proc}, ${h.map}, ${s.offset}, ${s.pages}, ${unlock})`,
  };
}

/** The process and the address range [from, to) of a step on the model. */
function range(ctx: ModelCtx, s: RangeStep, h: RangeHandles): [Process, number, number] {
  const from = ctx.get<Binding>(h.map).start + s.offset;
  return [ctx.get<Process>(h.proc), from, from + s.pages];
}

export const mlock = defineOp<'mlock'>({
  ...lockOp('mlock'),
  model: (ctx, s, h) => ctx.k.doMlock(ctx.s, ...range(ctx, s, h)),
  // A hole is ENOMEM before anything; a fault that fails is ENOMEM too (docs/mlock.md).
  results: (s, t) => (t.hole(s.proc, s.map, s.offset, s.pages) === true ? ENOMEM_ONLY : OK_OR_ENOMEM),
  promise(t, s, obs, f) {
    const ms = t.procs.get(s.proc)?.get(s.map);
    if (!ms || obs.result === 'skipped') return;
    // A hole refuses the call before any fault (apply_vma_lock_flags); otherwise every page was
    // faulted in when it succeeded, and some prefix of them when a fault failed.
    if (t.hole(s.proc, s.map, s.offset, s.pages)) return;
    f.population = { ...t.populationOf(ms, s.offset, s.offset + s.pages, f.index), reserved: 0 };
    t.populate(ms, s.offset, s.offset + s.pages, obs.result === 'ok', f.index);
  },
  // The pages faulted in before the failing one stay.
  partialFailures: () => ['ENOMEM'],
});

export const munlock = defineOp<'munlock'>({
  ...lockOp('munlock'),
  model: (ctx, s, h) => ctx.k.applyVmaLockFlags(ctx.s, ...range(ctx, s, h)) ?? 'ok',
  results: (s, t) => holeOrOk(t.hole(s.proc, s.map, s.offset, s.pages)),
  promise() {},
});

export const mlockCommand = defineCommand({
  kind: 'mlock',
  weight: 2,
  produces: ['mlock', 'munlock'],
  arbitrary: () => record({ k: fc.constant('mlock' as const), p: sel, m: sel, offset: fc.nat(3), pages: fc.nat(3), unlock: rarely }),
  resolve(r, c) {
    const x = rangeIn(r, c);
    return x && { op: c.unlock ? 'munlock' : 'mlock', ...x };
  },
});

export const mlockExplore = defineExplore({
  flags: { mlock: 'mlock a whole mapping or any one page of it', munlock: 'munlock a whole mapping' },
  level: 'map',
  produces: ['mlock', 'munlock'],
  successors(x, out) {
    const n = x.pages!;
    // mlock: the whole mapping, then each of its pages alone; munlock: the whole mapping.
    const ranges: Array<[number, number]> = [[0, n], ...(n > 1 ? Array.from({ length: n }, (_, off): [number, number] => [off, 1]) : [])];
    if (x.has('mlock')) for (const [offset, pages] of ranges) out.push({ op: 'mlock', proc: x.proc, map: x.map!, offset, pages });
    if (x.has('munlock')) out.push({ op: 'munlock', proc: x.proc, map: x.map!, offset: 0, pages: n });
  },
  scope(st, acc) {
    if (st.op !== 'mlock' && st.op !== 'munlock') return;
    acc.flag(st.op);
    if (st.op === 'mlock' ? st.offset !== 0 && st.pages !== 1 : st.offset !== 0) acc.unsupported(`${st.op} of part of a mapping`);
  },
});
