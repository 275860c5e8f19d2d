/**
 * Processes: `fork` (the child inherits every mapping; private pages become shared copy-on-write,
 * and the child has no reservation) and `exit`. Model: dup_mmap and exit_mmap (model/fork.ts,
 * model/unmap.ts).
 */
import fc from 'fast-check';
import { newProcess, type Process } from '../model/state';
import type { MapState } from '../properties/promises';
import { defineCommand, defineExplore, defineOp, type KProc } from './define';
import { name, ONLY_OK } from './fields';
import { sel, record } from './gen';

export const fork = defineOp<'fork'>({
  op: 'fork',
  fields: { proc: name('proc'), child: name('proc') },
  names: [
    { field: 'proc', ns: 'proc', role: 'need' },
    { field: 'child', ns: 'proc', role: 'create', inherit: 'proc' },
  ],
  describe: (s) => `${s.proc}: fork -> ${s.child}`,
  model(ctx, s, h) {
    const child = newProcess(ctx.s, s.child);
    ctx.k.dupMmap(ctx.s, ctx.get<Process>(h.proc), child);
    ctx.set(h.child, child);
    return 'ok';
  },
  async driver(ctx, _s, h) {
    const parent = ctx.get<KProc>(h.proc);
    const node = ctx.next('node');
    const r = await ctx.call(`P ${parent.node} FORK 0 ${node}`);
    ctx.set(h.child, { node, nextAddr: parent.nextAddr } satisfies KProc);
    return r;
  },
  c: (_s, h) => `op_fork(${h.proc}, ${h.child})`,
  results: () => ONLY_OK,
  promise(t, s, obs) {
    const parent = t.procs.get(s.proc);
    if (!parent || obs.result !== 'ok') return;
    const child = new Map<string, MapState>();
    for (const [n, ms] of parent) {
      // Every field written out (no spread): a fork is frequent, and a spread copies slowly.
      const c: MapState = {
        proc: s.child, obj: ms.obj, shared: ms.shared, base: ms.base, pages: ms.pages, prot: [...ms.prot], unmapped: new Set(ms.unmapped), owner: false,
        noreserve: ms.noreserve, lostReservation: new Set(), consumed: new Set(), resvUnknown: new Set(), priv: new Map(), takenBack: new Map(ms.takenBack), mayBeUnmapped: ms.mayBeUnmapped,
      };
      for (const [p, pp] of ms.priv) {
        const shared = pp.kind === 'own' ? { ...pp, exclusive: false } : pp;
        ms.priv.set(p, shared);
        c.priv.set(p, shared.kind === 'own' ? { ...shared } : shared);
      }
      child.set(n, c);
      ms.obj.mappings.add(c);
    }
    t.procs.set(s.child, child);
    const orphans = t.orphans.get(s.proc);
    if (orphans) t.orphans.set(s.child, [...orphans]);
  },
});

export const exit = defineOp<'exit'>({
  op: 'exit',
  fields: { proc: name('proc') },
  names: [{ field: 'proc', ns: 'proc', role: 'end', when: 'run' }],
  describe: (s) => `${s.proc}: exit`,
  model(ctx, _s, h) {
    ctx.k.exitMmap(ctx.s, ctx.get<Process>(h.proc));
    return 'ok';
  },
  driver: (ctx, _s, h) => ctx.call(`P ${ctx.get<KProc>(h.proc).node} EXIT`),
  c: (_s, h) => `op_exit(${h.proc})`,
  results: () => ONLY_OK,
  promise(t, s, obs) {
    const maps = t.procs.get(s.proc);
    if (!maps || obs.result !== 'ok') return;
    for (const ms of maps.values()) ms.obj.mappings.delete(ms);
    t.procs.delete(s.proc);
    t.orphans.delete(s.proc);
  },
});

export const forkCommand = defineCommand({
  kind: 'fork',
  weight: 6,
  produces: ['fork'],
  arbitrary: () => record({ k: fc.constant('fork' as const), p: sel }),
  resolve(r, c) {
    const procs = r.procs();
    return { op: 'fork', proc: r.pick(procs, c.p)!, child: r.fresh('p', (n) => procs.includes(n) || n === 'p0') };
  },
});

export const exitCommand = defineCommand({
  kind: 'exit',
  weight: 3,
  produces: ['exit'],
  arbitrary: () => record({ k: fc.constant('exit' as const), p: sel }),
  resolve(r, c) {
    const procs = r.procs();
    if (procs.length <= 1) return undefined; // keep p0: every scenario needs a process
    return { op: 'exit', proc: r.pick(procs.slice(1), c.p)! };
  },
});

export const processExplore = defineExplore({
  flags: { fork: 'fork any process (up to procs)', exit: 'exit any process' },
  level: 'proc',
  produces: ['fork', 'exit'],
  successors(x, out) {
    if (x.has('fork') && x.procs.length < x.scope.procs) out.push({ op: 'fork', proc: x.proc, child: `p${x.forks + 1}` });
    if (x.has('exit')) out.push({ op: 'exit', proc: x.proc });
  },
  scope(st, acc) {
    if (st.op === 'fork' || st.op === 'exit') acc.flag(st.op);
  },
});
