/**
 * The scenario interpreter for the kernel: the same name semantics as the model's (model/machine.ts,
 * the contract's "Names"), turned into driver commands. Processes, mounts, files and segments get
 * small indices; every mapping gets a fresh 2 MiB-aligned address range, allocated the way the model
 * allocates them (a never-used range per process, inherited by fork).
 */
import type { Counters, MountStat, Observation, Result, Setup, Step } from '../scenario/types';
import type { DriverProcess, Reply } from './driver-process';

interface Binding {
  start: number;
  pages: number;
}

interface Proc {
  node: number;
  nextAddr: number;
  maps: Map<string, Binding | null>;
}

interface MountInfo {
  idx: number;
  hasSize: boolean;
}

export class KernelMachine {
  private procs = new Map<string, Proc>();
  private nextNode = 0;
  private mounts = new Map<string, MountInfo | null>();
  private mountIdx = 1;
  private files = new Map<string, { mount: MountInfo; id: number } | null>();
  private fileId = 0;
  private segs = new Map<string, { idx: number; pages: number } | null>();
  private segIdx = 0;
  last!: Reply;

  constructor(
    private d: DriverProcess,
    /** Leaked reservations of the idle machine: added to pool writes, subtracted from counters. */
    private leaked: number,
  ) {}

  async start(setup: Setup): Promise<Counters> {
    // One command: reset, the pool (overcommit first, contract), the default mount, process 0.
    this.last = await this.d.call(`SETUP ${setup.nr_hugepages + this.leaked} ${setup.nr_overcommit_hugepages}`);
    if (this.last.result !== 'ok') throw new Error(`cannot set up the scenario on the kernel: ${this.last.result}`);
    this.mounts.set('default', { idx: 0, hasSize: false });
    this.procs.set('p0', { node: this.nextNode++, nextAddr: 0, maps: new Map() });
    return this.counters(this.last);
  }

  counters(r: Reply = this.last): Counters {
    const [t, f, rs, s] = r.counters;
    return { total: t - this.leaked, free: f - this.leaked, rsvd: rs - this.leaked, surp: s };
  }

  mountStats(r: Reply = this.last): Record<string, MountStat> {
    const out: Record<string, MountStat> = {};
    for (const [name, m] of this.mounts) {
      if (!m) continue;
      const st = r.mounts.get(m.idx);
      out[name] = m.hasSize && st ? { blocks: st[0], bfree: st[1] } : { blocks: null, bfree: null };
    }
    return out;
  }

  observe(result: Result, value?: number): Observation {
    const o: Observation = { result, counters: this.counters(), mounts: this.mountStats() };
    if (result === 'ok' && value !== undefined) o.value = value;
    return o;
  }

  private alloc(p: Proc, pages: number): number {
    const a = p.nextAddr;
    p.nextAddr += pages + 1;
    return a;
  }

  private async call(line: string): Promise<Result> {
    this.last = await this.d.call(line);
    return this.last.result as Result;
  }

  private async skip(): Promise<Result> {
    this.last = await this.d.call('MEMINFO');
    return 'skipped';
  }

  private target(proc: string, map: string): { p: Proc; b: Binding } | undefined {
    const p = this.procs.get(proc);
    const b = p?.maps.get(map);
    return p && b ? { p, b } : undefined;
  }

  /** Runs one step; returns its observation. */
  async step(step: Step): Promise<Observation> {
    let value: number | undefined;
    const r = await this.exec(step, (v) => (value = v));
    return this.observe(r, value);
  }

  private async exec(step: Step, setValue: (v: number) => void): Promise<Result> {
    switch (step.op) {
      case 'setPool':
        return this.call(`NR ${step.pages + this.leaked}`);
      case 'setOvercommit':
        return this.call(`OVC ${step.pages}`);
      case 'mount': {
        if (this.mounts.get(step.mount)) return this.skip();
        const idx = this.mountIdx++;
        const r = await this.call(`MOUNT ${idx} ${step.size ?? -1} ${step.minSize ?? -1}`);
        this.mounts.set(step.mount, r === 'ok' ? { idx, hasSize: step.size !== undefined } : null);
        return r;
      }
      case 'umount': {
        const m = this.mounts.get(step.mount);
        if (!m) return this.skip();
        const r = await this.call(`UMOUNT ${m.idx}`);
        if (r === 'ok') {
          this.mounts.delete(step.mount);
          for (const [name, f] of this.files) if (f && f.mount === m) this.files.delete(name);
        }
        return r;
      }
      case 'create': {
        const m = this.mounts.get(step.mount);
        if (!m || this.files.get(step.file)) return this.skip();
        const id = this.fileId++;
        const r = await this.call(`CREATE ${m.idx} ${id}`);
        this.files.set(step.file, r === 'ok' ? { mount: m, id } : null);
        return r;
      }
      case 'unlink': {
        const f = this.files.get(step.file);
        if (!f) return this.skip();
        this.files.delete(step.file);
        return this.call(`UNLINK ${f.mount.idx} ${f.id}`);
      }
      case 'truncate': {
        const f = this.files.get(step.file);
        return f ? this.call(`TRUNCATE ${f.mount.idx} ${f.id} ${step.pages}`) : this.skip();
      }
      case 'fallocate': {
        const f = this.files.get(step.file);
        return f ? this.call(`FALLOCATE ${f.mount.idx} ${f.id} ${step.offset} ${step.pages} ${step.punch ? 1 : 0}`) : this.skip();
      }
      case 'mmap': {
        const p = this.procs.get(step.proc);
        if (!p) return this.skip();
        let m = -1;
        let id = 0;
        if (step.file !== undefined) {
          const f = this.files.get(step.file);
          if (!f) return this.skip();
          m = f.mount.idx;
          id = f.id;
        }
        const addr = this.alloc(p, step.pages);
        const prot = step.prot === 'rw' ? 0 : step.prot === 'r' ? 1 : 2;
        const r = await this.call(
          `P ${p.node} MMAP ${addr} ${step.pages} ${step.share === 'shared' ? 1 : 0} ${m} ${id} ${step.offset} ${step.noreserve ? 1 : 0} ${step.populate ? 1 : 0} ${prot}`,
        );
        p.maps.set(step.map, r === 'ok' ? { start: addr, pages: step.pages } : null);
        return r;
      }
      case 'munmap': {
        const t = this.target(step.proc, step.map);
        return t ? this.call(`P ${t.p.node} MUNMAP ${t.b.start + step.offset} ${step.pages}`) : this.skip();
      }
      case 'mremap': {
        const t = this.target(step.proc, step.map);
        if (!t) return this.skip();
        const newAddr = step.to !== undefined ? this.alloc(t.p, step.newPages) : step.oldPages === 0 ? -2 : -1;
        const r = await this.call(`P ${t.p.node} MREMAP ${t.b.start + step.offset} ${step.oldPages} ${step.newPages} ${newAddr}`);
        if (step.to !== undefined) t.p.maps.set(step.to, r === 'ok' ? { start: newAddr, pages: step.newPages } : null);
        return r;
      }
      case 'madvise': {
        const t = this.target(step.proc, step.map);
        return t ? this.call(`P ${t.p.node} MADVISE ${t.b.start + step.offset} ${step.pages} ${step.advice === 'remove' ? 1 : 0}`) : this.skip();
      }
      case 'mprotect': {
        const t = this.target(step.proc, step.map);
        const prot = step.prot === 'rw' ? 0 : step.prot === 'r' ? 1 : 2;
        return t ? this.call(`P ${t.p.node} MPROTECT ${t.b.start + step.offset} ${step.pages} ${prot}`) : this.skip();
      }
      case 'read':
      case 'write': {
        const t = this.target(step.proc, step.map);
        if (!t) return this.skip();
        const addr = t.b.start + step.page;
        const r = await this.call(step.op === 'read' ? `P ${t.p.node} READ ${addr}` : `P ${t.p.node} WRITE ${addr} ${step.value}`);
        if (r === 'ok') setValue(this.last.value);
        return r;
      }
      case 'fork': {
        const parent = this.procs.get(step.proc);
        if (!parent || this.procs.has(step.child)) return this.skip();
        const node = this.nextNode++;
        const r = await this.call(`P ${parent.node} FORK 0 ${node}`);
        if (r === 'ok') this.procs.set(step.child, { node, nextAddr: parent.nextAddr, maps: new Map(parent.maps) });
        return r;
      }
      case 'exit': {
        const p = this.procs.get(step.proc);
        if (!p) return this.skip();
        this.procs.delete(step.proc);
        return this.call(`P ${p.node} EXIT`);
      }
      case 'shmget': {
        if (this.segs.get(step.seg)) return this.skip();
        const idx = this.segIdx++;
        const r = await this.call(`SHMGET ${idx} ${step.pages} ${step.noreserve ? 1 : 0}`);
        this.segs.set(step.seg, r === 'ok' ? { idx, pages: step.pages } : null);
        return r;
      }
      case 'shmat': {
        const p = this.procs.get(step.proc);
        const seg = this.segs.get(step.seg);
        if (!p || !seg) return this.skip();
        const addr = this.alloc(p, seg.pages);
        const r = await this.call(`P ${p.node} SHMAT ${addr} ${seg.idx}`);
        p.maps.set(step.map, r === 'ok' ? { start: addr, pages: seg.pages } : null);
        return r;
      }
      case 'shmrm': {
        const seg = this.segs.get(step.seg);
        if (!seg) return this.skip();
        this.segs.delete(step.seg);
        return this.call(`SHMRM ${seg.idx}`);
      }
    }
  }

  /** The contract's teardown in one command: every process exits (in creation order), every file is
   *  unlinked, every segment removed, every mount unmounted; then the final observation. */
  async teardown(): Promise<Observation> {
    const files = [...this.files.values()].filter((f) => f !== null).map((f) => `${f.mount.idx} ${f.id}`);
    this.last = await this.d.call(`TEARDOWN ${files.join(' ')}`.trimEnd());
    this.procs.clear();
    this.files.clear();
    this.segs.clear();
    for (const name of [...this.mounts.keys()]) if (name !== 'default') this.mounts.delete(name);
    return this.observe('ok');
  }
}
