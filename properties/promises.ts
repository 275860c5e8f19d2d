/**
 * What a scenario promised, step by step: an independent reading of the scenario and its observed
 * results (not of any model's internals), so that invariants can judge a model trace and a
 * real-kernel trace alike.
 *
 * It follows names, file sizes, which file indices hold a shared reservation, which private pages
 * belong to a reserving owner, which pages are known to be present, and the data a read should see.
 * Where the scenario alone cannot tell (a MAP_POPULATE that may have stopped early, a fallocate that
 * failed half-way), the fact becomes "unknown" and invariants do not judge it.
 */
import { byIndex, flag, num, numbers, str, type Form, type FormCtx } from '../model/form';
import type { Counters, MountStat, Observation, Result, Scenario, Step } from '../scenario/types';

/** A file-like object: a hugetlbfs file, the pseudo file of a MAP_HUGETLB mapping, or a segment. */
export interface Obj {
  key: string;
  kind: 'file' | 'anon' | 'shm';
  /** i_size in pages; fixed for anon and shm. */
  size: number;
  /** Indices a reserving shared mapping or shmget promised, until truncate or punch. */
  guaranteed: Set<number>;
  /** Shared reservation state per index, as the kernel's inode map would have it. */
  resv: Map<number, 'reserved' | 'present' | 'unknown'>;
  /** Page-cache contents of present pages (first byte). */
  data: Map<number, number>;
  /** Data of some indices is not known (a populate or fallocate of unknown extent). */
  dataUnknown: Set<number>;
  /** On a mount with min_size: unreserved faults may take the subpool's reserve. */
  minMount: boolean;
  /** On a mount with size=: faults can fail on the quota. */
  sizeMount: boolean;
  mount: string;
  mappings: Set<MapState>;
}

/** What a private page of one process holds. */
export type PrivatePage =
  /** `id` names the physical page: a fork's copies share it, a copy-on-write makes a new one. */
  | { kind: 'own'; value: number; exclusive: boolean; id: number }
  | { kind: 'cache' }
  | { kind: 'unknown' };

export interface MapState {
  proc: string;
  obj: Obj;
  shared: boolean;
  /** File index of page 0 of the name's range. */
  base: number;
  pages: number;
  prot: Array<'rw' | 'r' | 'none' | 'unknown'>;
  unmapped: Set<number>;
  /** The creator of a reserving private mapping; children and NORESERVE are not. */
  owner: boolean;
  /** MAP_NORESERVE (or a SysV attach): the mapping reserves nothing. */
  noreserve: boolean;
  /** Owner pages whose reservation is gone by design: zapped while Surp > 0. */
  lostReservation: Set<number>;
  /** Owner pages whose reservation was consumed by an allocation. */
  consumed: Set<number>;
  /** Owner pages whose reservation state is not known (zapped while shared with a child). */
  resvUnknown: Set<number>;
  /** Private pages present in this process. */
  priv: Map<number, PrivatePage>;
  /** Non-owner mappings: per page this process holds, the steps at which the owner's copy-on-write
   *  of the page may have taken it back (unmap_ref_private, R-4.7). */
  takenBack: Map<number, number[]>;
  /** The owner may have taken a page of this mapping back, which marks its VMA HPAGE_RESV_UNMAPPED:
   *  every later fault that needs a new page in it is SIGBUS. Never cleared. */
  mayBeUnmapped: boolean;
}

export interface TouchFacts {
  proc: string;
  map: string;
  page: number;
  write: boolean;
  shared: boolean;
  objKind: 'file' | 'anon' | 'shm';
  idx: number;
  /** The page lies at or beyond the file's size (R-4.2: SIGBUS by design). */
  beyondEof: boolean;
  /** Whether the file's page cache holds this index (a fault maps such a page even beyond EOF). */
  cached: 'yes' | 'no' | 'unknown';
  /** The touch is by the owner of a reserving private mapping, on a page whose reservation stands. */
  ownerGuaranteed: boolean;
  /** The mapping is a reserving private mapping's owner's (HPAGE_RESV_OWNER). */
  owner: boolean;
  /** A reserving shared mapping or segment promised this index. */
  sharedGuaranteed: boolean;
  /** The page is unmapped or its protection forbids the access (undefined: not known). */
  segv: boolean | undefined;
  /** The value a successful read must return, when known. */
  expectedValue?: number;
  /** How many reservations the touch must consume if it allocates: 1, 0, or undefined when unknown. */
  mustConsume?: 0 | 1;
  /** The touch cannot allocate (the page is present and the access needs no copy). */
  noAlloc: boolean;
  /** A write to a private mapping over a page-cache page: it must copy the page into one of its own
   *  (hugetlb_wp never reuses a page that is not anonymous, R-4.3, R-4.6), so a success puts exactly
   *  one page in use. */
  copiesCache?: boolean;
  /** The mount of the object ("default" for anonymous mappings and segments). */
  mount: string;
  /** A write to a private page that these other processes are known to map too (inherited over
   *  fork, neither side has copied it since, none may have lost it to a steal): its mapcount is
   *  above 1, so hugetlb_wp cannot reuse it. Absent when no such process is known. */
  sharedWith?: string[];
  /** A non-owner private mapping's page this process holds: the steps at which the owner's
   *  copy-on-write of it may have taken it back. Absent when there were none. */
  takenBackBy?: number[];
  /** The mapping may be marked HPAGE_RESV_UNMAPPED (a page of it may have been taken back). */
  mayBeUnmapped: boolean;
}

export interface StepFacts {
  index: number;
  step: Step;
  obs: Observation;
  before: Counters;
  after: Counters;
  mountsBefore: Record<string, MountStat>;
  touch?: TouchFacts;
  /** A reserving request (mmap/shmget/mount min_size) and how many pages it may need at most;
   *  `subpoolReserve`: at least this many of them the mount's min_size reserve gives, so the
   *  pool need not: min_size minus the blocks statfs shows used (I-10), or all of min_size on a
   *  mount without size= while nothing on it holds the subpool; 0 when not known. */
  reservation?: { pages: number; sizeLimited: boolean; bfreeBefore: number | null; subpoolReserve: number };
  // (pages 0: a MAP_NORESERVE mmap or SHM_NORESERVE shmget, which reserves nothing.)
  /** A fallocate whose range's page-cache state is known: the pages it must allocate, and how many of
   *  them hold a reservation it consumes (absent on a min_size= mount, whose reserve may serve). */
  allocation?: { pages: number; consumes: number };
  /** A population in this step (ops/mmap.ts, ops/mlock.ts): what its faults amount to, and the
   *  reservations the step itself made (an mmap's; absent where they are not known). */
  population?: Population & { reserved?: number };
  /** The results the step's call documents here (ops/, `results`). */
  allowed?: readonly Result[];
  /** Mounts other than "default" on which nothing holds the subpool after this step: no file on
   *  them with a page or a reserved index, no process mapping one of their files (I-9, H3). Absent
   *  while there is no such mount. */
  idleMounts?: string[];
  /** After this step nothing is mapped and no file or segment holds a page or a reservation:
   *  `minReserve` is the sum of the live mounts' min_size= (what Rsvd must then be). */
  quiet?: { minReserve: number };
  /** The size= of each live mount but "default" (null without one), after this step. */
  mountSizes?: Record<string, number | null>;
}

const DEFAULT_MOUNTS: Record<string, MountStat> = { default: { blocks: null, bfree: null } };

/** Each op's promise: the results its call documents and what it promised (ops/, `results` and
 *  `promise`). The tracker is given the op registry's table (properties/track.ts), so that it does not
 *  import the registry whose promise functions import it. */
export type PromiseTable = Readonly<Record<Step['op'], { results(s: Step, t: Tracker): readonly Result[]; promise(t: Tracker, s: Step, o: Observation, f: StepFacts): void }>>;

/** What the faults of a population (MAP_POPULATE, MAP_LOCKED, mlock) amount to: the pages they
 *  allocate and the reservations they consume (when `certain`: each page's outcome is known), and
 *  whether every one of them was bound to succeed (`guaranteed`: present pages, reserved ones). */
export interface Population {
  allocs: number;
  consumes: number;
  certain: boolean;
  guaranteed: boolean;
}

/** What the tracker believes after the last step (bounded exploration keys its states on it). */
export interface PromiseState {
  procs: ReadonlyMap<string, ReadonlyMap<string, MapState>>;
  /** Per process, mappings whose name a later step took while they still mapped something. */
  orphans: ReadonlyMap<string, readonly MapState[]>;
  files: ReadonlyMap<string, Obj>;
  segs: ReadonlyMap<string, Obj>;
  mounts: ReadonlyMap<string, MountInfo>;
}

// ---- canonical forms (model/form.ts): what bounded exploration compares of the tracker ----------

const privatePage = (pp: PrivatePage, c: FormCtx) => (pp.kind === 'own' ? `=${pp.value}${pp.exclusive ? 'x' : ''}${c.page(pp.id)}` : pp.kind);

export const OBJ_FORM: Form<Obj> = {
  key: { out: 'identity: objects are numbered by first appearance' },
  kind: str,
  size: num,
  guaranteed: numbers,
  resv: byIndex((r: 'reserved' | 'present' | 'unknown') => r),
  data: byIndex(num),
  dataUnknown: numbers,
  minMount: flag,
  sizeMount: flag,
  mount: str,
  mappings: { out: 'back-references: each mapping is written with its process' },
};

export const MAP_STATE_FORM: Form<MapState> = {
  proc: { out: 'written under its process' },
  obj: (v, c) => c.ref(v),
  shared: flag,
  base: num,
  pages: num,
  prot: (v) => v.join(''),
  unmapped: numbers,
  owner: flag,
  noreserve: flag,
  lostReservation: numbers,
  consumed: numbers,
  resvUnknown: numbers,
  priv: byIndex(privatePage),
  // The steps themselves. Not enough for steal-only-when-needed, which reads the counters before
  // each of them (was there room for the owner's copy?): two paths that marked the same step with
  // and without room can still meet here. Recording that verdict with the step is left to do.
  takenBack: byIndex((steps: number[]) => steps.join('/')),
  mayBeUnmapped: flag,
};

export const MOUNT_INFO_FORM: Form<MountInfo> = { min: flag, size: flag, minPages: num, sizePages: (v) => (v === null ? '-' : String(v)) };

/** Every public field of the tracker is part of what it believes (PromiseState), or this fails to
 *  compile: bounded exploration keys its states on PromiseState. */
type DataOf<T> = { [K in keyof T as T[K] extends (...a: never[]) => unknown ? never : K]: T[K] };
const TRACKER_STATE_COMPLETE: Record<Exclude<keyof DataOf<Tracker>, keyof PromiseState>, never> = {};
void TRACKER_STATE_COMPLETE;

export interface MountInfo {
  min: boolean;
  size: boolean;
  /** min_size= in pages (0 when not given). */
  minPages: number;
  /** size= in pages (null when not given): what statfs shows as its blocks. */
  sizePages: number | null;
}

/** The mapping still maps some page (a VMA of it exists in the process). */
function mapsSomething(ms: MapState): boolean {
  const n = Math.max(ms.pages, ms.prot.length);
  for (let p = 0; p < n; p++) if (!ms.unmapped.has(p)) return true;
  return false;
}

/** The promise tracker: what the scenario promised so far. Each op's promise function (ops/, `promise`)
 *  updates it through the members below. */
export class Tracker {
  readonly procs = new Map<string, Map<string, MapState>>([['p0', new Map()]]);
  readonly files = new Map<string, Obj>();
  readonly segs = new Map<string, Obj>();
  readonly mounts = new Map<string, MountInfo>([['default', { min: false, size: false, minPages: 0, sizePages: null }]]);
  /** Per process: mappings whose name a later mmap, mremap or shmat took while they still mapped
   *  something; their VMAs live on until the process exits. */
  readonly orphans = new Map<string, MapState[]>();
  private gen = 0;
  private pageIds = 0;

  constructor(
    private scenario: Scenario,
    private ops: PromiseTable,
  ) {}

  /** A new physical private page (a fault of a fresh page, or a copy-on-write). */
  newPageId(): number {
    return ++this.pageIds;
  }

  /** The other processes whose live mappings are known to map the private page `id` (not counting
   *  `ms`): an entry of theirs names it and no owner's write may have taken it back. */
  private holdersOf(ms: MapState, id: number): string[] {
    const out = new Set<string>();
    this.someMapping((other) => {
      if (other !== ms) for (const [p, pp] of other.priv) if (pp.kind === 'own' && pp.id === id && !other.takenBack.has(p)) out.add(other.proc);
      return false;
    });
    return [...out];
  }

  /** Whether `pred` holds for a mapping of a live process: a named one, or one whose name a later
   *  step took (an orphan, still mapped until the process exits). */
  private someMapping(pred: (ms: MapState) => boolean): boolean {
    for (const [proc, maps] of this.procs) {
      for (const ms of maps.values()) if (pred(ms)) return true;
      for (const ms of this.orphans.get(proc) ?? []) if (pred(ms)) return true;
    }
    return false;
  }

  state(): PromiseState {
    return { procs: this.procs, orphans: this.orphans, files: this.files, segs: this.segs, mounts: this.mounts };
  }

  run(initial: Counters, steps: readonly Observation[]): StepFacts[] {
    const out: StepFacts[] = [];
    let before = initial;
    let mountsBefore = DEFAULT_MOUNTS;
    this.scenario.steps.forEach((step, index) => {
      const obs = steps[index]!;
      const facts: StepFacts = { index, step, obs, before, after: obs.counters, mountsBefore };
      this.apply(step, obs, facts);
      if (this.subpools > 0) {
        facts.idleMounts = this.idleMounts();
        facts.mountSizes = Object.fromEntries([...this.mounts].filter(([m]) => m !== 'default').map(([m, i]) => [m, i.sizePages]));
      }
      if (this.quiet()) facts.quiet = { minReserve: [...this.mounts.values()].reduce((n, m) => n + m.minPages, 0) };
      out.push(facts);
      before = obs.counters;
      mountsBefore = obs.mounts;
    });
    return out;
  }

  /** How many live mounts there are besides "default" (only they can have a subpool). */
  private get subpools(): number {
    return this.mounts.size - 1;
  }

  private idleMounts(): string[] {
    const out: string[] = [];
    for (const name of this.mounts.keys()) if (name !== 'default' && this.idle(name)) out.push(name);
    return out;
  }

  /** Nothing is mapped, and no file or segment holds a page or a reservation (or may). */
  private quiet(): boolean {
    for (const o of this.files.values()) if (o.resv.size > 0) return false;
    for (const o of this.segs.values()) if (o.resv.size > 0) return false;
    return !this.someMapping(mapsSomething);
  }

  /** Nothing holds the subpool of `mount`: no file on it has a page-cache page or a reserved index
   *  (nor one in an unknown state), and no process maps one of its files. An unlinked file is
   *  evicted once unmapped, so only its mappings can hold it. */
  idle(mount: string): boolean {
    for (const o of this.files.values()) if (o.mount === mount && o.resv.size > 0) return false;
    return !this.someMapping((ms) => ms.obj.mount === mount && mapsSomething(ms));
  }

  newObj(kind: Obj['kind'], size: number, mount: string): Obj {
    const m = this.mounts.get(mount) ?? { min: false, size: false };
    return {
      key: `${kind}#${this.gen++}`, kind, size, guaranteed: new Set(), resv: new Map(), data: new Map(),
      dataUnknown: new Set(), minMount: m.min, sizeMount: m.size, mount, mappings: new Set(),
    };
  }

  mapState(proc: string, name: string, obj: Obj, shared: boolean, base: number, pages: number, prot: 'rw' | 'r' | 'none', owner: boolean, noreserve = false): MapState {
    const ms: MapState = {
      proc, obj, shared, base, pages, prot: new Array(pages).fill(prot), unmapped: new Set(), owner, noreserve,
      lostReservation: new Set(), consumed: new Set(), resvUnknown: new Set(), priv: new Map(), takenBack: new Map(), mayBeUnmapped: false,
    };
    const maps = this.procs.get(proc)!;
    const old = maps.get(name);
    if (old) {
      old.obj.mappings.delete(old);
      if (mapsSomething(old)) {
        const list = this.orphans.get(proc) ?? [];
        list.push(old);
        this.orphans.set(proc, list);
      }
    }
    maps.set(name, ms);
    obj.mappings.add(ms);
    return ms;
  }

  private apply(step: Step, obs: Observation, f: StepFacts): void {
    if (obs.result === 'skipped') return;
    const def = this.ops[step.op];
    f.allowed = def.results(step, this);
    def.promise(this, step, obs, f);
  }

  /** Whether pages [offset, offset + pages) of a process's mapping include one no longer mapped
   *  (every mapping gets a fresh range, so nothing else can be there); undefined when the tracker
   *  does not follow the name. */
  hole(proc: string, map: string, offset: number, pages: number): boolean | undefined {
    const ms = this.procs.get(proc)?.get(map);
    if (!ms) return undefined;
    for (let p = offset; p < offset + pages; p++) if (ms.unmapped.has(p)) return true;
    return false;
  }

  /** Whether a touch of page `page` of a mapping gets SIGSEGV: unmapped, PROT_NONE, or a write to a
   *  read-only page (undefined: the protection is not known, after a failed mprotect). */
  segv(ms: MapState, page: number, write: boolean): boolean | undefined {
    const prot = ms.prot[page] ?? 'rw';
    return ms.unmapped.has(page) || prot === 'none' || (write && prot === 'r') ? true : prot === 'unknown' ? undefined : false;
  }

  /** Some process maps a file of the mount (umount answers EBUSY). */
  busy(mount: string): boolean {
    return this.someMapping((ms) => ms.obj.kind === 'file' && ms.obj.mount === mount && mapsSomething(ms));
  }

  /** What faulting in pages [from, to) of a mapping (MAP_POPULATE, MAP_LOCKED, mlock) amounts to,
   *  page by page as populate_vma_page_range faults them: a write fault for a writable private
   *  mapping (breaking copy-on-write, keeping the content), a read fault otherwise. Changes nothing
   *  but the marks of pages the owner's write faults may take from its children. */
  populationOf(ms: MapState, from: number, to: number, step: number): Population {
    const acc: Population = { allocs: 0, consumes: 0, certain: true, guaranteed: true };
    for (let p = from; p < to; p++) {
      const write = !ms.shared && ms.prot[p] === 'rw';
      // After a failed mprotect the protection is not known: a write fault or a read fault.
      if (!ms.shared && ms.prot[p] === 'unknown') acc.certain = false;
      const pp = ms.priv.get(p);
      const t = this.fault(ms, '', p, write, undefined, false, step);
      if (t.segv !== false || t.beyondEof) acc.guaranteed = false;
      else if (!t.noAlloc && !(t.mustConsume === 1 && (t.ownerGuaranteed || t.sharedGuaranteed))) acc.guaranteed = false;
      if (t.noAlloc) continue;
      // A copy of a page the process may no longer share reuses it: whether it allocates is not known.
      if (t.mustConsume === undefined || (write && pp?.kind === 'own' && !pp.exclusive)) acc.certain = false;
      else {
        acc.allocs++;
        acc.consumes += t.mustConsume;
      }
    }
    return acc;
  }

  /** Pages [from, to) of a mapping after a population: faulted in when that is known (`done`: the
   *  call succeeded, or the pages were bound to come in and the counters show they did), else each
   *  may or may not have come in (a population that failed, or one whose errors are ignored, stops
   *  at a page the scenario cannot tell). */
  populate(ms: MapState, from: number, to: number, done: boolean, step: number): void {
    for (let p = from; p < to; p++) {
      const protUnknown = !ms.shared && ms.prot[p] === 'unknown';
      if (done && !protUnknown) {
        this.fault(ms, '', p, !ms.shared && ms.prot[p] === 'rw', undefined, true, step);
        continue;
      }
      if (ms.shared) {
        const i = ms.base + p;
        if (ms.obj.resv.get(i) === 'present') continue;
        ms.obj.resv.set(i, 'unknown');
        ms.obj.dataUnknown.add(i);
        continue;
      }
      const pp = ms.priv.get(p);
      if (pp?.kind === 'own') {
        // A write fault may have copied a page this process shared (which pages a failed population
        // reached is not known): it may map a page of its own now, with the same content. A new
        // name says so, so no other process counts it as still sharing the old page.
        if (!pp.exclusive && (ms.prot[p] === 'rw' || protUnknown)) ms.priv.set(p, { ...pp, id: this.newPageId() });
        continue;
      }
      ms.priv.set(p, { kind: 'unknown' });
      if (ms.owner) ms.resvUnknown.add(p);
    }
  }

  /** The owner's copy-on-write of file index `idx` at step `step` may take the page back from the
   *  non-owner private mappings that share it. Which ones share it is not tracked: every one holding
   *  an inherited (not exclusive) page at this index is a candidate, and its VMA may be marked. */
  mayTakeBack(ms: MapState, idx: number, step: number): void {
    for (const other of ms.obj.mappings) {
      if (other === ms || other.shared || other.owner) continue;
      const q = idx - other.base;
      if (q < 0 || (q >= other.pages && other.prot[q] === undefined) || other.unmapped.has(q)) continue;
      const op = other.priv.get(q);
      if (op?.kind === 'own' && !op.exclusive) {
        other.takenBack.set(q, [...(other.takenBack.get(q) ?? []), step]);
        other.mayBeUnmapped = true;
      }
    }
  }

  /** A private page leaves this process's page table (DONTNEED, truncate, punch). */
  zapPrivate(ms: MapState, p: number, before: Counters): void {
    const pp = ms.priv.get(p);
    if (!pp) return;
    ms.priv.delete(p);
    ms.takenBack.delete(p);
    if (!ms.owner) return;
    if (pp.kind === 'cache') return; // a page-cache page: the owner's reservation is untouched
    if (pp.kind === 'unknown') {
      ms.resvUnknown.add(p);
      return;
    }
    if (before.surp > 0) {
      ms.lostReservation.add(p); // no restore while surplus pages exist
      ms.consumed.delete(p);
    } else if (pp.exclusive) {
      // the reservation is restored, also one an earlier zap with surplus pages lost: the
      // zap un-consumes the index whatever the page's history (kernel-runs/k16).
      ms.consumed.delete(p);
      ms.lostReservation.delete(p);
    } else {
      ms.resvUnknown.add(p); // shared with a child: the kernel restores too early (kernel-findings §2)
    }
  }

  /** Truncate (truncate = true) or punch of file indices [from, to). */
  dropFrom(o: Obj, from: number, to: number, truncate: boolean, before: Counters, partial = false): void {
    for (const i of [...o.guaranteed]) if (i >= from && i < to) o.guaranteed.delete(i);
    for (const [i, st] of [...o.resv]) {
      if (i < from || i >= to) continue;
      if (partial) o.resv.set(i, 'unknown');
      else if (truncate || st === 'present') o.resv.delete(i);
      else if (st === 'unknown') o.resv.set(i, 'unknown');
      // an untouched reserved index keeps its reservation on punch (R-8.4, kernel-observed 7c)
    }
    // Removed pages read back zero; after a partial removal a page's data is unknown.
    for (const i of [...o.data.keys()]) {
      if (i < from || i >= to) continue;
      o.data.delete(i);
      if (partial) o.dataUnknown.add(i);
    }
    for (const i of [...o.dataUnknown]) if (i >= from && i < to && !partial) o.dataUnknown.delete(i);
    // Truncate and punch zap private copies in every mapping of the file (kernel-findings §3).
    for (const ms of o.mappings) {
      if (ms.shared) continue;
      for (let p = 0; p < ms.pages; p++) {
        const i = ms.base + p;
        if (i >= from && i < to) this.zapPrivate(ms, p, before);
      }
    }
  }

  touch(proc: string, map: string, page: number, write: boolean, value: number | undefined, obs: Observation, f: StepFacts): void {
    const ms = this.procs.get(proc)?.get(map);
    if (ms) f.touch = this.fault(ms, map, page, write, value, obs.result === 'ok', f.index);
  }

  /** A fault of page `page` of a mapping (a touch, or one page of a population that is known to have
   *  succeeded): what it promised, and what the process holds after it. `value` is what a write
   *  stores; undefined for a write fault that keeps the content (population breaking COW). */
  private fault(ms: MapState, map: string, page: number, write: boolean, value: number | undefined, ok: boolean, step: number): TouchFacts {
    const proc = ms.proc;
    const o = ms.obj;
    const idx = ms.base + page;
    const segv = this.segv(ms, page, write);
    const beyondEof = idx >= o.size;
    const rs = o.resv.get(idx);
    const t: TouchFacts = {
      proc, map, page, write, shared: ms.shared, objKind: o.kind, idx, beyondEof, segv, noAlloc: false, mount: o.mount,
      cached: rs === 'present' ? 'yes' : rs === 'unknown' ? 'unknown' : 'no', mayBeUnmapped: ms.mayBeUnmapped,
      ownerGuaranteed: ms.owner && !ms.lostReservation.has(page) && !ms.resvUnknown.has(page), owner: ms.owner,
      sharedGuaranteed: ms.shared && o.guaranteed.has(idx),
    };
    if (ms.shared) {
      const st = o.resv.get(idx);
      if (st === 'present') t.noAlloc = true;
      else if (st === 'reserved') t.mustConsume = 1;
      else if (st === undefined && !o.minMount) t.mustConsume = 0;
      if (!o.dataUnknown.has(idx)) t.expectedValue = o.data.get(idx) ?? 0;
      if (ok) {
        o.resv.set(idx, 'present');
        if (write) {
          o.data.set(idx, value!);
          o.dataUnknown.delete(idx);
        } else if (!o.data.has(idx) && !o.dataUnknown.has(idx)) {
          o.data.set(idx, 0);
        }
      }
      return t;
    }
    // Private mapping.
    const pp = ms.priv.get(page);
    if (!ms.owner && pp?.kind === 'own') {
      const by = ms.takenBack.get(page);
      if (by) t.takenBackBy = by;
    }
    if (write && pp?.kind === 'own' && !pp.exclusive) {
      const others = this.holdersOf(ms, pp.id); // before this write marks what it may take back
      if (others.length) t.sharedWith = others;
    }
    // The owner's write to an anonymous page it may share with descendants: if its copy-on-write
    // finds no page, unmap_ref_private takes the page back from every non-owner private mapping
    // that maps it.
    if (ms.owner && write && segv !== true && ((pp?.kind === 'own' && !pp.exclusive) || pp?.kind === 'unknown')) this.mayTakeBack(ms, idx, step);
    const cached = o.resv.get(idx) === 'present';
    const cacheUnknown = o.resv.get(idx) === 'unknown';
    const reservedOwner = ms.owner && !ms.consumed.has(page) && !ms.lostReservation.has(page) && !ms.resvUnknown.has(page);
    const consumeIfAlloc: 0 | 1 | undefined = ms.resvUnknown.has(page) ? undefined : reservedOwner ? 1 : ms.owner && !ms.lostReservation.has(page) && ms.consumed.has(page) ? undefined : 0;
    if (pp?.kind === 'own') {
      t.expectedValue = pp.value;
      if (!write || pp.exclusive) t.noAlloc = true;
      else if (!ms.owner) t.mustConsume = 0; // a child's or NORESERVE COW is unreserved
      // an owner's COW of a page shared with a child is ENFORCED (no reservation) or a steal
      else t.mustConsume = 0;
    } else if (pp?.kind === 'cache') {
      if (!o.dataUnknown.has(idx) && cached) t.expectedValue = o.data.get(idx) ?? 0;
      if (!write) t.noAlloc = true;
      else {
        t.mustConsume = consumeIfAlloc;
        t.copiesCache = true;
      }
    } else if (!pp) {
      if (cached && !o.dataUnknown.has(idx)) {
        // A read maps the page-cache page; a write copies it.
        t.expectedValue = o.data.get(idx) ?? 0;
        if (!write) t.noAlloc = true;
        else {
          t.mustConsume = consumeIfAlloc;
          t.copiesCache = true;
        }
      } else if (!cached && !cacheUnknown) {
        t.expectedValue = 0; // a fresh zero page
        t.mustConsume = consumeIfAlloc;
      }
    }
    if (o.minMount && t.mustConsume === 0) t.mustConsume = undefined;
    if (!ok) return t;
    // Update what this process now holds.
    if (write) {
      // A write fault of a population keeps the content: the copy's, when it is known.
      const content = value ?? t.expectedValue;
      ms.priv.set(page, content === undefined ? { kind: 'unknown' } : { kind: 'own', value: content, exclusive: true, id: this.newPageId() });
      ms.takenBack.delete(page); // a copy of its own now
      if (ms.owner && pp?.kind !== 'own') {
        if (t.mustConsume === 1 || reservedOwner) ms.consumed.add(page);
      }
    } else if (!pp) {
      if (cached || cacheUnknown) ms.priv.set(page, cacheUnknown ? { kind: 'unknown' } : { kind: 'cache' });
      else {
        ms.priv.set(page, { kind: 'own', value: 0, exclusive: true, id: this.newPageId() });
        if (reservedOwner) ms.consumed.add(page);
      }
    }
    return t;
  }
}
