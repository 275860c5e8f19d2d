/**
 * The model's state: the hstate's counters, subpools, inodes with their reserve maps and page
 * caches, folios, processes with their VMAs and page tables.
 *
 * Units are huge pages throughout (addresses too: address `a` is the a-th huge page of a process's
 * address space). The notation follows kernel-semantics.md §0.1. Model simplifications
 * (kernel-semantics.md §0.2): one NUMA node, no cgroups, sequential execution, the buddy allocator
 * always succeeds (a policy may override `allocBuddyHugetlbFolio`).
 *
 * The state is mutable plain data; the step function updates it in place (the hot path allocates
 * only where the kernel would: new VMAs, folios, maps). `cloneState` gives an independent copy.
 */
import type { Prot } from '../scenario/types';
import { byIndex, flag, num, numbers, refOrNone, str, writeForm, type Form } from './form';

/** struct hstate counters (kernel-semantics.md §0.1). */
export interface HState {
  /** nr_huge_pages: HugePages_Total */
  nrHugePages: number;
  /** free_huge_pages: HugePages_Free */
  freeHugePages: number;
  /** resv_huge_pages: HugePages_Rsvd (signed here; the kernel's unsigned value wraps) */
  resvHugePages: number;
  /** surplus_huge_pages: HugePages_Surp */
  surplusHugePages: number;
  /** nr_overcommit_huge_pages */
  nrOvercommitHugePages: number;
}

/** struct hugepage_subpool. -1 means "not set". */
export interface Subpool {
  maxHpages: number;
  minHpages: number;
  usedHpages: number;
  rsvHpages: number;
  /** handle count: 1 while mounted */
  count: number;
  released: boolean;
}

/** A hugetlbfs mount (the `default` one and each scenario `mount`). */
export interface Mount {
  name: string;
  spool: Subpool | null;
  inodes: Set<Inode>;
}

export type InodeKind = 'file' | 'anon' | 'shm';

/** A hugetlbfs inode: a named file, the pseudo file of a MAP_HUGETLB mapping, or a SysV segment. */
export interface Inode {
  id: number;
  kind: InodeKind;
  mount: Mount | null;
  spool: Subpool | null;
  /** i_size in huge pages */
  size: number;
  /** The inode's reserve map: index present = reserved, or consumed by a page-cache page. */
  resvMap: Set<number>;
  /** Page cache: index -> folio */
  cache: Map<number, Folio>;
  /** i_mmap: every VMA mapping this inode */
  mmaps: Set<Vma>;
  /** Has a name (file not unlinked, segment not IPC_RMID'd); anon pseudo files never do. */
  linked: boolean;
  evicted: boolean;
}

/** A huge page in use (a folio not on the free list). */
export interface Folio {
  id: number;
  /** First byte of the page: scenarios read and write one byte per page. */
  value: number;
  /** Page-table entries mapping it. */
  mapcount: number;
  /** In its inode's page cache (holds a reference). */
  inCache: boolean;
  anon: boolean;
  /** The restore-reserve flag (folio_test_hugetlb_restore_reserve). */
  restoreReserve: boolean;
  spool: Subpool | null;
  freed: boolean;
}

/** struct resv_map of a private mapping: index present = reservation consumed. */
export interface PrivateResvMap {
  consumed: Set<number>;
  refs: number;
}

/** A hugetlb vm_area_struct. Addresses in huge pages, [start, end). */
export interface Vma {
  proc: Process;
  start: number;
  end: number;
  /** File index of `start` (vm_pgoff in huge pages). */
  pgoff: number;
  inode: Inode;
  /** VM_MAYSHARE */
  shared: boolean;
  /** VM_NORESERVE (MAP_NORESERVE, SHM_NORESERVE, or a SysV attach): the mapping took no reservation. */
  noreserve: boolean;
  prot: Prot;
  /** vm_private_data of a MAP_PRIVATE VMA: the reserve map pointer ... */
  resvMap: PrivateResvMap | null;
  /** ... and its flag bits HPAGE_RESV_OWNER and HPAGE_RESV_UNMAPPED. */
  owner: boolean;
  unmapped: boolean;
}

export interface Process {
  name: string;
  pid: number;
  /** VMAs sorted by start address. */
  vmas: Vma[];
  /** Page tables: huge-page address -> folio. */
  ptes: Map<number, Folio>;
  /** Next never-used address: every new mapping gets a fresh range (kernel-observed.md §3). */
  nextAddr: number;
  alive: boolean;
}

export interface ModelState {
  h: HState;
  defaultMount: Mount;
  mounts: Map<string, Mount>;
  processes: Process[];
  /** Every inode not yet evicted (files, pseudo files, segments). */
  inodes: Set<Inode>;
  nextId: number;
  /** Kernel log lines (the "killed due to inadequate hugepage pool" message). */
  log: string[];
}

// ---- canonical forms (model/form.ts): what bounded exploration compares of each part -----------

const IDENTITY = { out: 'identity: objects are numbered by first appearance' };
const LAYOUT = { out: 'address layout: written by the process, relative to its mappings (explore/canonical.ts)' };

export const HSTATE_FORM: Form<HState> = { nrHugePages: num, freeHugePages: num, resvHugePages: num, surplusHugePages: num, nrOvercommitHugePages: num };

export const SUBPOOL_FORM: Form<Subpool> = { maxHpages: num, minHpages: num, usedHpages: num, rsvHpages: num, count: num, released: flag };

export const MOUNT_FORM: Form<Mount> = {
  name: str,
  spool: refOrNone,
  inodes: (v, c) => [...v].map((i) => c.ref(i)).join(','),
};

export const INODE_FORM: Form<Inode> = {
  id: IDENTITY,
  kind: str,
  mount: (v) => v?.name ?? '-',
  spool: refOrNone,
  size: num,
  resvMap: numbers,
  cache: byIndex((f: Folio, c) => c.ref(f)),
  mmaps: { out: 'back-references: each VMA is written with its process' },
  linked: flag,
  evicted: flag,
};

export const FOLIO_FORM: Form<Folio> = {
  id: IDENTITY,
  value: num,
  mapcount: num,
  inCache: flag,
  anon: flag,
  restoreReserve: flag,
  spool: refOrNone,
  freed: flag,
};

export const RESV_MAP_FORM: Form<PrivateResvMap> = { consumed: numbers, refs: num };

export const VMA_FORM: Form<Vma> = {
  proc: { out: 'written under its process' },
  start: LAYOUT,
  end: LAYOUT,
  pgoff: LAYOUT,
  inode: (v, c) => c.ref(v),
  shared: flag,
  noreserve: flag,
  prot: str,
  resvMap: refOrNone,
  owner: flag,
  unmapped: flag,
};

export const MODEL_STATE_FORM: Form<ModelState> = {
  h: (v, c) => writeForm(v, HSTATE_FORM, c),
  defaultMount: { out: 'one of mounts' },
  mounts: { out: 'written by explore/canonical.ts, each with its subpool and inodes' },
  processes: { out: 'written by explore/canonical.ts: the live ones, with their mappings and pages' },
  inodes: { out: 'written by explore/canonical.ts, by reference' },
  nextId: { out: 'identity: objects are numbered by first appearance' },
  log: { out: 'kernel log lines: no invariant reads them' },
};

export const PROCESS_FORM: Form<Process> = {
  name: { out: 'symmetry: names are kept only without it (explore/canonical.ts)' },
  pid: { out: 'a number no rule reads' },
  vmas: LAYOUT,
  ptes: LAYOUT,
  nextAddr: { out: 'every new mapping gets a fresh range, so where the next one goes changes nothing' },
  alive: flag,
};

export function createSubpool(max: number, min: number): Subpool {
  return { maxHpages: max, minHpages: min, usedHpages: 0, rsvHpages: 0, count: 1, released: false };
}

export function createState(): ModelState {
  const defaultMount: Mount = { name: 'default', spool: null, inodes: new Set() };
  return {
    h: { nrHugePages: 0, freeHugePages: 0, resvHugePages: 0, surplusHugePages: 0, nrOvercommitHugePages: 0 },
    defaultMount,
    mounts: new Map([['default', defaultMount]]),
    processes: [],
    inodes: new Set(),
    nextId: 1,
    log: [],
  };
}

export function newInode(s: ModelState, kind: InodeKind, mount: Mount | null, size: number): Inode {
  const inode: Inode = {
    id: s.nextId++,
    kind,
    mount,
    spool: mount ? mount.spool : null,
    size,
    resvMap: new Set(),
    cache: new Map(),
    mmaps: new Set(),
    linked: kind !== 'anon',
    evicted: false,
  };
  if (mount) mount.inodes.add(inode);
  s.inodes.add(inode);
  return inode;
}

/** The inode is gone (evicted, or its creating call failed). */
export function dropInode(s: ModelState, inode: Inode): void {
  inode.evicted = true;
  inode.mount?.inodes.delete(inode);
  s.inodes.delete(inode);
}

export function newProcess(s: ModelState, name: string, nextAddr = 0): Process {
  const p: Process = { name, pid: s.nextId++, vmas: [], ptes: new Map(), nextAddr, alive: true };
  s.processes.push(p);
  return p;
}

/** get_unmapped_area: a range of `pages` never used before in this process (kernel-observed §3,
 *  "Keep holes reserved"), with a one-page gap so that no two mappings touch. */
export function getUnmappedArea(p: Process, pages: number): number {
  const addr = p.nextAddr;
  p.nextAddr += pages + 1;
  return addr;
}

/** vma_hugecache_offset: the file index of a huge-page address in a VMA. */
export function vmaIndex(vma: Vma, addr: number): number {
  return addr - vma.start + vma.pgoff;
}

/** find_vma for an address: the VMA containing it, or undefined. */
export function findVma(p: Process, addr: number): Vma | undefined {
  const vmas = p.vmas;
  for (let i = 0; i < vmas.length; i++) {
    const v = vmas[i]!;
    if (addr < v.start) return undefined;
    if (addr < v.end) return v;
  }
  return undefined;
}

export function insertVma(p: Process, vma: Vma): void {
  const vmas = p.vmas;
  let i = vmas.length;
  while (i > 0 && vmas[i - 1]!.start > vma.start) i--;
  vmas.splice(i, 0, vma);
  vma.inode.mmaps.add(vma);
}

/** Deep copy: used by callers that keep snapshots (the state is updated in place). */
export function cloneState(s: ModelState): ModelState {
  const spools = new Map<Subpool, Subpool>();
  const sp = (x: Subpool | null) => {
    if (!x) return null;
    let c = spools.get(x);
    if (!c) spools.set(x, (c = { ...x }));
    return c;
  };
  const mounts = new Map<Mount, Mount>();
  const mnt = (m: Mount | null) => {
    if (!m) return null;
    let c = mounts.get(m);
    if (!c) mounts.set(m, (c = { name: m.name, spool: sp(m.spool), inodes: new Set() }));
    return c;
  };
  const folios = new Map<Folio, Folio>();
  const fo = (f: Folio) => {
    let c = folios.get(f);
    if (!c) folios.set(f, (c = { ...f, spool: sp(f.spool) }));
    return c;
  };
  const inodes = new Map<Inode, Inode>();
  const ino = (i: Inode) => {
    let c = inodes.get(i);
    if (!c) {
      c = { ...i, mount: mnt(i.mount), spool: sp(i.spool), resvMap: new Set(i.resvMap), cache: new Map(), mmaps: new Set() };
      inodes.set(i, c);
      for (const [k, f] of i.cache) c.cache.set(k, fo(f));
      if (c.mount) c.mount.inodes.add(c);
    }
    return c;
  };
  const resvs = new Map<PrivateResvMap, PrivateResvMap>();
  const rm = (r: PrivateResvMap | null) => {
    if (!r) return null;
    let c = resvs.get(r);
    if (!c) resvs.set(r, (c = { consumed: new Set(r.consumed), refs: r.refs }));
    return c;
  };
  const out: ModelState = {
    h: { ...s.h },
    defaultMount: mnt(s.defaultMount)!,
    mounts: new Map(),
    processes: [],
    inodes: new Set(),
    nextId: s.nextId,
    log: [...s.log],
  };
  for (const [k, m] of s.mounts) {
    const c = mnt(m)!;
    out.mounts.set(k, c);
    for (const i of m.inodes) ino(i);
  }
  for (const i of s.inodes) out.inodes.add(ino(i));
  for (const p of s.processes) {
    const cp: Process = { ...p, vmas: [], ptes: new Map() };
    for (const v of p.vmas) {
      const cv: Vma = { ...v, proc: cp, inode: ino(v.inode), resvMap: rm(v.resvMap) };
      cp.vmas.push(cv);
      cv.inode.mmaps.add(cv);
    }
    for (const [a, f] of p.ptes) cp.ptes.set(a, fo(f));
    out.processes.push(cp);
  }
  return out;
}
