/**
 * Resolves abstract commands into a valid scenario. Selectors pick among what exists at that point
 * (assuming every earlier step succeeded, as the validator does); a command with nothing to act on
 * is dropped. New names are the smallest free ones, so shrunk scenarios read simply.
 */
import type { Scenario, Setup, Step } from '../scenario/types';
import type { Command } from './commands';

const MAP_NAMES = 'abcdefghijklmnopqrstuvwxyz';

export function resolve(setup: Setup, commands: readonly Command[], name = 'generated'): Scenario {
  const r = new Resolver();
  const steps: Step[] = [];
  for (const c of commands) {
    const s = r.step(c);
    if (s) steps.push(s);
  }
  return { format: 'hugecheck.scenario/1', name, setup, steps };
}

class Resolver {
  private procs: Array<{ name: string; maps: Map<string, number> }> = [{ name: 'p0', maps: new Map() }];
  private procCounter = 1;
  private files: Array<{ name: string; mount: string }> = [];
  private mounts: string[] = ['default'];
  private segs: Array<{ name: string; pages: number }> = [];

  private pick<T>(xs: readonly T[], sel: number): T | undefined {
    return xs.length ? xs[sel % xs.length] : undefined;
  }

  /** Newest first: small selectors (which fast-check favours and shrinks towards) pick what was
   *  just made, so "mount, create on it, map it" sequences come often. */
  private pickNewest<T>(xs: readonly T[], sel: number): T | undefined {
    return xs.length ? xs[xs.length - 1 - (sel % xs.length)] : undefined;
  }

  private fresh(prefix: string, taken: (n: string) => boolean): string {
    for (let i = 0; ; i++) if (!taken(`${prefix}${i}`)) return `${prefix}${i}`;
  }

  private freshMap(maps: Map<string, number>): string {
    for (const c of MAP_NAMES) if (!maps.has(c)) return c;
    return this.fresh('m', (n) => maps.has(n));
  }

  /** A mapping of a process with at least one page. */
  private mapping(p: number, m: number): { proc: string; map: string; range: number; maps: Map<string, number> } | undefined {
    const proc = this.pick(this.procs, p);
    if (!proc) return undefined;
    const live = [...proc.maps].filter(([, n]) => n > 0);
    const entry = this.pick(live, m);
    return entry ? { proc: proc.name, map: entry[0], range: entry[1], maps: proc.maps } : undefined;
  }

  step(c: Command): Step | undefined {
    switch (c.k) {
      case 'setPool':
        return { op: 'setPool', pages: c.pages };
      case 'setOvercommit':
        return { op: 'setOvercommit', pages: c.pages };
      case 'mount': {
        const mount = this.fresh('m', (n) => this.mounts.includes(n));
        this.mounts.push(mount);
        const s: Step = { op: 'mount', mount };
        if (c.size !== null) s.size = c.size;
        if (c.minSize !== null) s.minSize = c.minSize;
        return s;
      }
      case 'umount': {
        const mount = this.pickNewest(this.mounts.filter((m) => m !== 'default'), c.m);
        if (!mount) return undefined;
        this.mounts = this.mounts.filter((m) => m !== mount);
        this.files = this.files.filter((f) => f.mount !== mount);
        return { op: 'umount', mount };
      }
      case 'create': {
        const mount = this.pickNewest(this.mounts, c.m)!;
        const file = this.fresh('f', (n) => this.files.some((f) => f.name === n));
        this.files.push({ name: file, mount });
        return { op: 'create', file, mount };
      }
      case 'unlink': {
        const f = this.pickNewest(this.files, c.f);
        if (!f) return undefined;
        this.files = this.files.filter((x) => x !== f);
        return { op: 'unlink', file: f.name };
      }
      case 'truncate': {
        const f = this.pickNewest(this.files, c.f);
        return f ? { op: 'truncate', file: f.name, pages: c.pages } : undefined;
      }
      case 'fallocate': {
        const f = this.pickNewest(this.files, c.f);
        return f ? { op: 'fallocate', file: f.name, offset: c.offset, pages: c.pages, punch: c.punch } : undefined;
      }
      case 'mmap': {
        const proc = this.pick(this.procs, c.p)!;
        const map = this.freshMap(proc.maps);
        const file = c.file === null ? undefined : this.pickNewest(this.files, c.file);
        proc.maps.set(map, c.pages);
        return {
          op: 'mmap', proc: proc.name, map, pages: c.pages, share: c.shared ? 'shared' : 'private',
          ...(file ? { file: file.name } : {}), offset: file ? c.offset : 0,
          noreserve: c.noreserve, populate: c.populate, prot: c.prot,
        };
      }
      case 'munmap':
      case 'madvise':
      case 'mprotect': {
        const t = this.mapping(c.p, c.m);
        if (!t) return undefined;
        const offset = c.offset % t.range;
        const pages = 1 + (c.pages % (t.range - offset));
        if (c.k === 'munmap') return { op: 'munmap', proc: t.proc, map: t.map, offset, pages };
        if (c.k === 'madvise') return { op: 'madvise', proc: t.proc, map: t.map, offset, pages, advice: c.remove ? 'remove' : 'dontneed' };
        return { op: 'mprotect', proc: t.proc, map: t.map, offset, pages, prot: c.prot };
      }
      case 'mremap': {
        const t = this.mapping(c.p, c.m);
        if (!t) return undefined;
        const offset = c.offset % t.range;
        const oldPages = c.oldPages % (t.range - offset + 1); // 0 asks for a mirror
        const newPages = 1 + (c.newPages % (oldPages + 1)); // up to one page of growth
        const s: Step = { op: 'mremap', proc: t.proc, map: t.map, offset, oldPages, newPages };
        if (c.move) {
          s.to = this.freshMap(t.maps);
          t.maps.set(s.to, newPages);
        }
        return s;
      }
      case 'touch': {
        const t = this.mapping(c.p, c.m);
        if (!t) return undefined;
        const page = c.page % t.range;
        return c.write ? { op: 'write', proc: t.proc, map: t.map, page, value: 1 + (c.page % 255) } : { op: 'read', proc: t.proc, map: t.map, page };
      }
      case 'fork': {
        const parent = this.pick(this.procs, c.p)!;
        const child = this.fresh('p', (n) => this.procs.some((p) => p.name === n) || n === 'p0');
        this.procs.push({ name: child, maps: new Map(parent.maps) });
        this.procCounter++;
        return { op: 'fork', proc: parent.name, child };
      }
      case 'exit': {
        if (this.procs.length <= 1) return undefined; // keep p0: every scenario needs a process
        const proc = this.pick(this.procs.slice(1), c.p)!;
        this.procs = this.procs.filter((p) => p !== proc);
        return { op: 'exit', proc: proc.name };
      }
      case 'shmget': {
        const seg = this.fresh('s', (n) => this.segs.some((x) => x.name === n));
        this.segs.push({ name: seg, pages: c.pages });
        return { op: 'shmget', seg, pages: c.pages, noreserve: c.noreserve };
      }
      case 'shmat': {
        const proc = this.pick(this.procs, c.p)!;
        const seg = this.pickNewest(this.segs, c.seg);
        if (!seg) return undefined;
        const map = this.freshMap(proc.maps);
        proc.maps.set(map, seg.pages);
        return { op: 'shmat', proc: proc.name, seg: seg.name, map };
      }
      case 'shmrm': {
        const seg = this.pickNewest(this.segs, c.seg);
        if (!seg) return undefined;
        this.segs = this.segs.filter((x) => x !== seg);
        return { op: 'shmrm', seg: seg.name };
      }
    }
  }
}
