/**
 * The step interpreter of the model: one generic loop. The binder (scenario/bind.ts) resolves each
 * step's names to handles, the liveness table decides whether it runs or is "skipped" (the
 * contract's "Names"), and the op's model binding (ops/, `model`) calls the policy's kernel
 * functions. No per-op code lives here.
 */
import { OPS } from '../ops';
import type { Binding, ModelCtx } from '../ops/define';
import { Binder, boundBefore, copyInherited, type Prebound, DEFAULT_MOUNT, ENDED, FAILED, LIVE, Liveness, liveHandles, P0, type BoundStep } from '../scenario/bind';
import type { Counters, MountStat, Observation, Result, Scenario, Setup, Step, Trace } from '../scenario/types';
import { runSync, type Observer, type Runner } from './loop';
import type { Kernel } from '../model/kernel';
import { createState, newProcess, type Inode, type ModelState, type Mount, type Process } from '../model/state';

export type { Binding } from '../ops/define';

const DEFAULT_ONLY: Record<string, MountStat> = Object.freeze({ default: Object.freeze({ blocks: null, bfree: null }) });

type ModelFn = (ctx: ModelCtx, step: Step, h: Record<string, number>) => Result;

export class Machine {
  readonly s: ModelState = createState();
  private binder: Binder;
  /** The scenario's bindings when it was bound before (execute, judgeOnModel): step i runs bound[i]. */
  private prebound: Prebound | undefined;
  private live = new Liveness();
  /** The model object each handle denotes: a Process, a Binding, an Inode or a Mount. */
  private objs: unknown[] = [];
  private index = 0;
  private ctx: ModelCtx;
  /** The value of the last successful read or write. */
  value: number | undefined;

  constructor(readonly k: Kernel, setup: Setup, prebound?: Prebound) {
    this.binder = prebound?.binder ?? new Binder();
    this.prebound = prebound;
    // The contract's setup order: overcommit first, then the pool.
    k.hugetlbOvercommitHandler(this.s, setup.nr_overcommit_hugepages);
    k.setMaxHugePages(this.s, setup.nr_hugepages);
    this.objs[P0] = newProcess(this.s, 'p0');
    this.objs[DEFAULT_MOUNT] = this.s.defaultMount;
    const objs = this.objs;
    this.ctx = {
      k,
      s: this.s,
      get: <T>(h: number) => objs[h] as T,
      set: (h: number, o: unknown) => {
        objs[h] = o;
      },
      value: undefined,
    };
  }

  /** Runs one (validated) step; `value` holds what a successful read or write saw. */
  step(step: Step): Result {
    const i = this.index++;
    if (!this.prebound) return this.run(step, this.binder.bind(step, i));
    if (this.prebound.steps[i] !== step) throw new Error(`Machine.step: step ${i} is not the step the scenario was bound with`);
    return this.run(step, this.prebound.bound[i]!);
  }

  private run(step: Step, b: BoundStep): Result {
    this.ctx.value = undefined;
    if (!this.live.canRun(b)) {
      this.value = undefined;
      return 'skipped';
    }
    const r = (OPS[step.op].model as ModelFn)(this.ctx, step, b.h);
    this.live.settle(b, r);
    copyInherited(b, this.objs);
    this.value = this.ctx.value;
    return r;
  }

  /** Live handles of a namespace, in order of creation. */
  private liveOf(ns: 'proc' | 'file' | 'seg' | 'mount'): number[] {
    return liveHandles(this.binder, this.live, ns);
  }

  /** The scenario's names as they stand at run time (for reports): live processes with their mapping
   *  bindings (null: the creating step failed), files, mounts and segments. */
  names(): {
    procs: Array<{ name: string; p: Process; maps: Array<[string, Binding | null]> }>;
    files: Array<[string, Inode]>;
    segs: Array<[string, Inode]>;
    /** Live mounts, "default" included. */
    mounts: Array<[string, Mount]>;
  } {
    // A prebound binder is in its end state: its mapping tables are the run's only after the last step.
    if (this.prebound && this.index !== this.prebound.bound.length) throw new Error('Machine.names() before the last step of a scenario bound beforehand');
    const hs = this.binder.handles;
    const named = <T>(ns: 'file' | 'seg' | 'mount') => this.liveOf(ns).map((h): [string, T] => [hs[h]!.name, this.objs[h] as T]);
    return {
      procs: this.liveOf('proc').map((h) => {
        const maps: Array<[string, Binding | null]> = [];
        for (const [name, mh] of this.binder.mapTable(h) ?? []) {
          const st = this.live.state[mh];
          if (st === LIVE) maps.push([name, this.objs[mh] as Binding]);
          else if (st === FAILED) maps.push([name, null]);
        }
        return { name: hs[h]!.name, p: this.objs[h] as Process, maps };
      }),
      files: named<Inode>('file'),
      segs: named<Inode>('seg'),
      mounts: named<Mount>('mount'),
    };
  }

  counters(): Counters {
    const h = this.s.h;
    return { total: h.nrHugePages, free: h.freeHugePages, rsvd: h.resvHugePages, surp: h.surplusHugePages };
  }

  /** statfs of every live mount, in pages: blocks = size=, bfree = size= - used;
   *  both null for a mount without size= (the contract's rendering). */
  mountStats(): Record<string, MountStat> {
    // Most steps of most scenarios see only the default mount, without size=: one shared, frozen
    // record for them (an observation's mounts are never changed after it is made).
    if (this.binder.byNs.mount.length === 1 && !this.s.defaultMount.spool) return DEFAULT_ONLY;
    const out: Record<string, MountStat> = {};
    for (const h of this.liveOf('mount')) {
      const name = this.binder.handles[h]!.name;
      const sp = (this.objs[h] as Mount).spool;
      out[name] = sp && sp.maxHpages !== -1 ? { blocks: sp.maxHpages, bfree: sp.maxHpages - sp.usedHpages } : { blocks: null, bfree: null };
    }
    return out;
  }

  observe(result: Result): Observation {
    const o: Observation = { result, counters: this.counters(), mounts: this.mountStats() };
    if (result === 'ok' && this.value !== undefined) o.value = this.value;
    return o;
  }

  /** The contract's teardown before the `final` observation: every process exits, every file is
   *  unlinked, every segment removed, every mount unmounted. */
  teardown(): void {
    const k = this.k;
    const state = this.live.state;
    for (const h of this.liveOf('proc')) {
      k.exitMmap(this.s, this.objs[h] as Process);
      state[h] = ENDED;
    }
    const ctx = this.ctx;
    for (const h of this.liveOf('file')) {
      OPS.unlink.model(ctx, { op: 'unlink', file: '' }, { file: h });
      state[h] = ENDED;
    }
    for (const h of this.liveOf('seg')) {
      OPS.shmrm.model(ctx, { op: 'shmrm', seg: '' }, { seg: h });
      state[h] = ENDED;
    }
    for (const h of this.liveOf('mount')) {
      if (h !== DEFAULT_MOUNT && OPS.umount.model(ctx, { op: 'umount', mount: '' }, { mount: h }) === 'ok') state[h] = ENDED;
    }
    this.value = undefined;
  }
}

/** The model as a runner of the run loop (run/loop.ts). */
class ModelRunner implements Runner<'sync'> {
  constructor(
    private readonly m: Machine,
    readonly name: string,
  ) {}
  start(): Counters {
    return this.m.counters();
  }
  step(step: Step): Observation {
    return this.m.observe(this.m.step(step));
  }
  finish(): Observation {
    this.m.teardown();
    return this.m.observe('ok');
  }
}

export function modelRunner(m: Machine, name: string): Runner<'sync'> {
  return new ModelRunner(m, name);
}

/** Runs a scenario on the model through the run loop: its trace, and the machine in its end state. */
export function runModel(scenario: Scenario, k: Kernel & { name?: string }, observers?: (m: Machine) => readonly Observer[], opts: { namesEachStep?: boolean } = {}): { trace: Trace; m: Machine } {
  // A generated scenario's bindings are reused; its binder's handle table is complete, which is all
  // a whole run reads of it (liveness and statfs names). Observers that read names() after each
  // step (the reports) ask for a binder that binds as the run goes.
  const m = new Machine(k, scenario.setup, opts.namesEachStep ? undefined : boundBefore(scenario));
  return { trace: runSync(scenario, modelRunner(m, `model:${k.name ?? 'unnamed'}`), observers?.(m)), m };
}

/** Runs a whole scenario on a policy: its trace (each step's observation, the final one, the
 *  mismatches with the steps' `expect`) and the model's log. */
export function execute(scenario: Scenario, k: Kernel & { name?: string }, observers?: (m: Machine) => readonly Observer[]): Trace & { log: string[] } {
  const { trace, m } = runModel(scenario, k, observers);
  return Object.assign(trace, { log: m.s.log });
}
