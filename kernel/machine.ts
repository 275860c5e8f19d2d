/**
 * The scenario interpreter for the kernel: the model's loop (run/machine.ts) with the driver in
 * place of the model. The binder (scenario/bind.ts) resolves names to handles, the liveness table
 * decides what is skipped, and each op's driver encoding (ops/, `driver`) turns a step into driver
 * commands. Processes, mounts, files and segments get small driver indices; every mapping gets a
 * fresh 2 MiB-aligned address range, allocated the way the model allocates them (a never-used range
 * per process, inherited by fork).
 */
import { OPS } from '../ops';
import type { DriverCtx, KMount, KProc } from '../ops/define';
import { Binder, copyInherited, DEFAULT_MOUNT, ENDED, Liveness, liveHandles, P0 } from '../scenario/bind';
import type { Counters, MountStat, Observation, Result, Setup, Step } from '../scenario/types';
import type { DriverProcess, Reply } from './driver-process';

type DriverFn = (ctx: DriverCtx, step: Step, h: Record<string, number>) => Promise<Result>;

export class KernelMachine {
  private binder = new Binder();
  private live = new Liveness();
  /** The driver object each handle denotes: a KProc, a Binding, a KFile, a KMount or a KSeg. */
  private objs: unknown[] = [];
  private index = 0;
  private counts = { node: 1, mount: 1, file: 0, seg: 0 };
  private ctx: DriverCtx & { last: Reply };
  last!: Reply;

  constructor(
    private d: DriverProcess,
    /** Leaked reservations of the idle machine: added to pool writes, subtracted from counters. */
    private leaked: number,
  ) {
    const self = this;
    const objs = this.objs;
    this.ctx = {
      get: <T>(h: number) => objs[h] as T,
      set: (h: number, o: unknown) => {
        objs[h] = o;
      },
      call: (line: string) => self.call(line),
      get last() {
        return self.last;
      },
      leaked,
      next: (kind) => self.counts[kind]++,
      value: undefined,
    };
  }

  async start(setup: Setup): Promise<Counters> {
    // One command: reset, the pool (overcommit first, contract), the default mount, process 0.
    this.last = await this.d.call(`SETUP ${setup.nr_hugepages + this.leaked} ${setup.nr_overcommit_hugepages}`);
    if (this.last.result !== 'ok') throw new Error(`cannot set up the scenario on the kernel: ${this.last.result}`);
    this.objs[DEFAULT_MOUNT] = { idx: 0, hasSize: false } satisfies KMount;
    this.objs[P0] = { node: 0, nextAddr: 0 } satisfies KProc;
    return this.counters(this.last);
  }

  counters(r: Reply = this.last): Counters {
    const [t, f, rs, s] = r.counters;
    return { total: t - this.leaked, free: f - this.leaked, rsvd: rs - this.leaked, surp: s };
  }

  mountStats(r: Reply = this.last): Record<string, MountStat> {
    const out: Record<string, MountStat> = {};
    for (const h of this.liveOf('mount')) {
      const m = this.objs[h] as KMount;
      const st = r.mounts.get(m.idx);
      out[this.binder.handles[h]!.name] = m.hasSize && st ? { blocks: st[0], bfree: st[1] } : { blocks: null, bfree: null };
    }
    return out;
  }

  /** Live handles of a namespace, in order of creation. */
  private liveOf(ns: 'proc' | 'file' | 'seg' | 'mount'): number[] {
    return liveHandles(this.binder, this.live, ns);
  }

  observe(result: Result, value?: number): Observation {
    const o: Observation = { result, counters: this.counters(), mounts: this.mountStats() };
    if (result === 'ok' && value !== undefined) o.value = value;
    return o;
  }

  private async call(line: string): Promise<Result> {
    this.last = await this.d.call(line);
    return this.last.result as Result;
  }

  /** Runs one step; returns its observation. */
  async step(step: Step): Promise<Observation> {
    let value: number | undefined;
    const r = await this.exec(step, (v) => (value = v));
    return this.observe(r, value);
  }

  private async exec(step: Step, setValue: (v: number) => void): Promise<Result> {
    const b = this.binder.bind(step, this.index++);
    if (!this.live.canRun(b)) {
      this.last = await this.d.call('MEMINFO');
      return 'skipped';
    }
    this.ctx.value = undefined;
    const r = await (OPS[step.op].driver as DriverFn)(this.ctx, step, b.h);
    this.live.settle(b, r);
    copyInherited(b, this.objs);
    if (this.ctx.value !== undefined) setValue(this.ctx.value);
    return r;
  }

  /** The contract's teardown in one command: every process exits (in creation order), every file is
   *  unlinked, every segment removed, every mount unmounted; then the final observation. */
  async teardown(): Promise<Observation> {
    const files = this.liveOf('file').map((h) => {
      const f = this.objs[h] as { mount: KMount; id: number };
      return `${f.mount.idx} ${f.id}`;
    });
    this.last = await this.d.call(`TEARDOWN ${files.join(' ')}`.trimEnd());
    for (let h = 0; h < this.binder.handles.length; h++) if (h !== DEFAULT_MOUNT && this.live.isLive(h)) this.live.state[h] = ENDED;
    return this.observe('ok');
  }
}
