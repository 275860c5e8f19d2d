/**
 * The step interpreter: binds the scenario's names to model objects and turns each step into calls
 * of the policy's kernel functions. Name semantics follow shared/contracts/scenario-v1.md, "Names":
 * a step that needs a name whose creating step failed is "skipped", and so is a step that would
 * create a name that is still live at run time (an umount that got EBUSY keeps its names).
 */
import type { Counters, MountStat, Observation, Result, Scenario, Setup, Step } from '../scenario/types';
import type { Kernel } from './kernel';
import {
  createState,
  getUnmappedArea,
  newInode,
  newProcess,
  type Inode,
  type ModelState,
  type Mount,
  type Process,
} from './state';

/** What a mapping name denotes: the range its creating step asked for (contract, "Names"). */
export interface Binding {
  start: number;
  pages: number;
}

/** A name whose creating step failed at run time. */
const FAILED = null;

export class Machine {
  readonly s: ModelState = createState();
  private procs = new Map<string, Process>();
  private maps = new Map<Process, Map<string, Binding | null>>();
  private files = new Map<string, Inode | null>();
  private mounts = new Map<string, Mount | null>([['default', this.s.defaultMount]]);
  private segs = new Map<string, Inode | null>();
  /** The value of the last successful read or write. */
  value: number | undefined;

  constructor(readonly k: Kernel, setup: Setup) {
    // The contract's setup order: overcommit first, then the pool.
    k.hugetlbOvercommitHandler(this.s, setup.nr_overcommit_hugepages);
    k.setMaxHugePages(this.s, setup.nr_hugepages);
    const p0 = newProcess(this.s, 'p0');
    this.procs.set('p0', p0);
    this.maps.set(p0, new Map());
  }

  /** Runs one (validated) step; `value` holds what a successful read or write saw. */
  step(step: Step): Result {
    this.value = undefined;
    const k = this.k;
    const s = this.s;
    switch (step.op) {
      case 'setPool':
        k.setMaxHugePages(s, step.pages);
        return 'ok';
      case 'setOvercommit':
        k.hugetlbOvercommitHandler(s, step.pages);
        return 'ok';
      case 'mount': {
        if (this.mounts.get(step.mount)) return 'skipped';
        const r = k.hugetlbfsFillSuper(s, step.mount, step.size, step.minSize);
        if (typeof r === 'string') {
          this.mounts.set(step.mount, FAILED);
          return r;
        }
        this.mounts.set(step.mount, r);
        return 'ok';
      }
      case 'umount': {
        const m = this.mounts.get(step.mount);
        if (!m) return 'skipped';
        const r = k.hugetlbfsKillSuper(s, m);
        if (r === 'ok') {
          this.mounts.delete(step.mount);
          for (const [name, inode] of this.files) if (inode && inode.mount === m) this.files.delete(name);
        }
        return r;
      }
      case 'create': {
        const m = this.mounts.get(step.mount);
        if (!m || this.files.get(step.file)) return 'skipped';
        this.files.set(step.file, newInode(s, 'file', m, 0));
        return 'ok';
      }
      case 'unlink': {
        const inode = this.files.get(step.file);
        if (!inode) return 'skipped';
        this.files.delete(step.file);
        inode.linked = false;
        k.iput(s, inode);
        return 'ok';
      }
      case 'truncate': {
        const inode = this.files.get(step.file);
        return inode ? k.hugetlbVmtruncate(s, inode, step.pages) : 'skipped';
      }
      case 'fallocate': {
        const inode = this.files.get(step.file);
        if (!inode) return 'skipped';
        return step.punch
          ? k.hugetlbfsPunchHole(s, inode, step.offset, step.offset + step.pages)
          : k.hugetlbfsFallocate(s, inode, step.offset, step.pages);
      }
      case 'mmap': {
        const p = this.procs.get(step.proc);
        if (!p) return 'skipped';
        let inode: Inode | null = null;
        if (step.file !== undefined) {
          const f = this.files.get(step.file);
          if (!f) return 'skipped';
          inode = f;
        }
        const addr = getUnmappedArea(p, step.pages);
        const err = k.doMmap(s, p, {
          pages: step.pages,
          shared: step.share === 'shared',
          inode,
          offset: step.offset,
          noreserve: step.noreserve,
          populate: step.populate,
          prot: step.prot,
          addr,
        });
        this.maps.get(p)!.set(step.map, err ? FAILED : { start: addr, pages: step.pages });
        return err ?? 'ok';
      }
      case 'munmap': {
        const t = this.target(step.proc, step.map);
        return t ? k.doMunmap(s, t.p, t.b.start + step.offset, t.b.start + step.offset + step.pages) : 'skipped';
      }
      case 'mremap': {
        const t = this.target(step.proc, step.map);
        if (!t) return 'skipped';
        const newAddr = step.to !== undefined ? getUnmappedArea(t.p, step.newPages) : null;
        const r = k.doMremap(s, t.p, t.b.start + step.offset, step.oldPages, step.newPages, newAddr);
        if (step.to !== undefined) this.maps.get(t.p)!.set(step.to, r === 'ok' ? { start: newAddr!, pages: step.newPages } : FAILED);
        return r;
      }
      case 'madvise': {
        const t = this.target(step.proc, step.map);
        if (!t) return 'skipped';
        const from = t.b.start + step.offset;
        const to = from + step.pages;
        return step.advice === 'dontneed' ? k.madviseDontneed(s, t.p, from, to) : k.madviseRemove(s, t.p, from, to);
      }
      case 'mprotect': {
        const t = this.target(step.proc, step.map);
        if (!t) return 'skipped';
        const from = t.b.start + step.offset;
        return k.mprotect(s, t.p, from, from + step.pages, step.prot);
      }
      case 'read':
      case 'write': {
        const t = this.target(step.proc, step.map);
        if (!t) return 'skipped';
        const addr = t.b.start + step.page;
        const write = step.op === 'write';
        const r = k.doUserAddrFault(s, t.p, addr, write);
        if (r === 'ok') {
          const folio = t.p.ptes.get(addr)!;
          if (step.op === 'write') folio.value = step.value;
          this.value = folio.value;
        }
        return r;
      }
      case 'fork': {
        const parent = this.procs.get(step.proc);
        if (!parent || this.procs.has(step.child)) return 'skipped';
        const child = newProcess(s, step.child);
        k.dupMmap(s, parent, child);
        this.procs.set(step.child, child);
        this.maps.set(child, new Map(this.maps.get(parent)!));
        return 'ok';
      }
      case 'exit': {
        const p = this.procs.get(step.proc);
        if (!p) return 'skipped';
        k.exitMmap(s, p);
        this.procs.delete(step.proc);
        this.maps.delete(p);
        return 'ok';
      }
      case 'shmget': {
        if (this.segs.get(step.seg)) return 'skipped';
        const r = k.newseg(s, step.pages, step.noreserve);
        if (typeof r === 'string') {
          this.segs.set(step.seg, FAILED);
          return r;
        }
        this.segs.set(step.seg, r);
        return 'ok';
      }
      case 'shmat': {
        const p = this.procs.get(step.proc);
        const seg = this.segs.get(step.seg);
        if (!p || !seg) return 'skipped';
        const addr = getUnmappedArea(p, seg.size);
        const r = k.doShmat(s, p, seg, addr);
        this.maps.get(p)!.set(step.map, r === 'ok' ? { start: addr, pages: seg.size } : FAILED);
        return r;
      }
      case 'shmrm': {
        const seg = this.segs.get(step.seg);
        if (!seg) return 'skipped';
        this.segs.delete(step.seg);
        k.shmRmid(s, seg);
        return 'ok';
      }
    }
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
    const live = <T>(m: Map<string, T | null>) => [...m].filter((e): e is [string, T] => e[1] !== null);
    return {
      procs: [...this.procs].map(([name, p]) => ({ name, p, maps: [...this.maps.get(p)!] })),
      files: live(this.files),
      segs: live(this.segs),
      mounts: live(this.mounts),
    };
  }

  private target(proc: string, map: string): { p: Process; b: Binding } | undefined {
    const p = this.procs.get(proc);
    if (!p) return undefined;
    const b = this.maps.get(p)!.get(map);
    return b ? { p, b } : undefined;
  }

  counters(): Counters {
    const h = this.s.h;
    return { total: h.nrHugePages, free: h.freeHugePages, rsvd: h.resvHugePages, surp: h.surplusHugePages };
  }

  /** statfs of every live mount, in pages: blocks = size=, bfree = size= - used;
   *  both null for a mount without size= (the contract's rendering). */
  mountStats(): Record<string, MountStat> {
    const out: Record<string, MountStat> = {};
    for (const [name, m] of this.mounts) {
      if (!m) continue;
      const sp = m.spool;
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
    for (const [name, p] of [...this.procs]) {
      k.exitMmap(this.s, p);
      this.procs.delete(name);
      this.maps.delete(p);
    }
    for (const name of [...this.files.keys()]) this.step({ op: 'unlink', file: name });
    for (const name of [...this.segs.keys()]) this.step({ op: 'shmrm', seg: name });
    for (const name of [...this.mounts.keys()]) if (name !== 'default') this.step({ op: 'umount', mount: name });
    this.value = undefined;
  }
}

/** Runs a whole scenario on a policy and returns each step's observation and the final one. */
export function execute(scenario: Scenario, k: Kernel): { initial: Counters; steps: Observation[]; final: Observation; log: string[] } {
  const m = new Machine(k, scenario.setup);
  const initial = m.counters();
  const steps = scenario.steps.map((step) => m.observe(m.step(step)));
  m.teardown();
  return { initial, steps, final: m.observe('ok'), log: m.s.log };
}
