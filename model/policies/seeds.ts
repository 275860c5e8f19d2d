/**
 * The designs the project started from (shared/seeds/, bug-zoo.md §3), each a policy over `linux`.
 * Where a proposal left a rule open, the doc comment says which rule this policy takes.
 */
import { definePolicy, type Policy } from '../policy';
import { findVma, getUnmappedArea, insertVma, vmaIndex, type Folio, type ModelState, type Vma } from '../state';
import { linux } from './linux';
import { zooPolicy } from './mutants';

/** Before 2.6.27 (bug-zoo B10, D4): MAP_PRIVATE reserves nothing, so every private fault is an
 *  unreserved allocation and the creator has no guarantee. The same change as the zoo's B10
 *  (model/policies/mutants.ts): one bug value, two names. */
export const prePrivateReserves = zooPolicy('pre-private-reserves');

/** The 2008 series (seed 001) without its third patch: private mappings reserve for their creator
 *  until fork, but the creator's copy-on-write never takes the page back from its children: when
 *  the pool is empty, the creator gets SIGBUS (bug-zoo B12, D4; the same bug value as the zoo's B12). */
export const reserveUntilFork = zooPolicy('reserve-until-fork');

/** The 2007 /dev/hugetlb character device (seed 002, bug-zoo D5): private mappings only
 *  (MAP_SHARED|MAP_HUGETLB is refused with EINVAL; hugetlbfs files and SysV segments are untouched),
 *  no reservation, and a huge zero page: a read fault on a private anonymous page maps one shared
 *  zero page (taken from the pool once, never freed); the first write copies it (an unreserved
 *  allocation). */
const zeroPages = new WeakMap<ModelState, Folio>();
/** The zero page: one huge page taken from the pool (as an unreserved allocation) the first time a
 *  read needs it, and never given back: it shows as a page in use for good. */
function zeroPage(k: Policy, s: ModelState): Folio | null {
  let z = zeroPages.get(s);
  if (!z) {
    const f = k.dequeueHugetlbFolioVma(s, 1) ?? k.allocSurplusHugetlbFolio(s);
    if (!f) return null;
    f.inCache = true; // held by the device for good; not anonymous, so a write copies it
    zeroPages.set(s, (z = f));
  }
  return z;
}
export const hugetlbChardev = definePolicy(prePrivateReserves, {
  name: 'hugetlb-chardev',
  description: 'the 2007 /dev/hugetlb proposal: private only, no reservation, a huge zero page for reads, COW on the first write',
  overrides: {
    doMmap(s, p, req) {
      if (req.shared && req.inode === null) return 'EINVAL';
      return prePrivateReserves.doMmap.call(this, s, p, req);
    },
    hugetlbNoPage(s, p, vma, addr, write) {
      if (!write && !vma.shared && vma.inode.kind === 'anon' && !vma.unmapped && vmaIndex(vma, addr) < vma.inode.size) {
        const z = zeroPage(this as Policy, s);
        if (!z) return 'SIGBUS';
        z.mapcount++;
        p.ptes.set(addr, z);
        return 'ok';
      }
      return prePrivateReserves.hugetlbNoPage.call(this, s, p, vma, addr, write);
    },
  },
});

/** The 2017 MAP_CONTIG RFC (seed 003, bug-zoo D8): a mapping is populated (and locked) at mmap.
 *  Reservation rule taken here: reserve exactly as Linux does, then populate every page; if any
 *  page cannot be faulted in, the mmap fails with ENOMEM and is undone (all or nothing). */
export const mapContig = definePolicy(linux, {
  name: 'map-contig',
  description: 'the 2017 MAP_CONTIG RFC: every mapping populated at mmap, all or nothing (ENOMEM otherwise)',
  overrides: {
    doMmap(s, p, req) {
      const err = linux.doMmap.call(this, s, p, { ...req, populate: req.prot !== 'none' });
      if (err || req.prot === 'none') return err;
      for (let a = req.addr; a < req.addr + req.pages; a++) {
        if (!p.ptes.has(a)) {
          this.doMunmap(s, p, req.addr, req.addr + req.pages);
          return 'ENOMEM';
        }
      }
      return null;
    },
  },
});

/** The 2017 MREMAP_MIRROR RFC (seed 004, bug-zoo D9) applied to hugetlb: `mremap(addr, 0, len)`
 *  maps the same pages again. Rule taken here: a mirror of a shared mapping is one more shared
 *  mapping of the same file range; it shares the file's reservations (indices already in the
 *  inode's reserve map cost nothing; indices past the original range are reserved as a shared mmap
 *  would reserve them). A private mapping cannot be mirrored (EINVAL), as the generic kernel refuses
 *  to duplicate private mappings. */
export const mremapMirror = definePolicy(linux, {
  name: 'mremap-mirror',
  description: 'the 2017 MREMAP_MIRROR RFC: old_size 0 maps a shared mapping again, sharing its file\'s reservations',
  overrides: {
    alignHugetlb(s, vma, oldLen, newLen) {
      return oldLen === 0 ? null : linux.alignHugetlb.call(this, s, vma, oldLen, newLen);
    },
    doMremap(s, p, addr, oldLen, newLen, newAddr) {
      if (oldLen !== 0 || newLen === 0) return linux.doMremap.call(this, s, p, addr, oldLen, newLen, newAddr);
      const vma = findVma(p, addr);
      if (!vma) return 'EFAULT';
      if (!vma.shared) return 'EINVAL';
      const at = newAddr ?? getUnmappedArea(p, newLen);
      const mirror: Vma = { ...vma, start: at, end: at + newLen, pgoff: vmaIndex(vma, addr), resvMap: null, owner: false, unmapped: false };
      const err = this.hugetlbfsFileMmap(s, mirror, vma.noreserve);
      if (err) return err;
      insertVma(p, mirror);
      return 'ok';
    },
  },
});

/** mremap that may grow a hugetlb mapping (bug-zoo D10 asks what reservations growth needs).
 *  Rule taken here: the added pages are reserved like a new mapping's: a shared mapping reserves
 *  the file indices it adds that are not reserved yet; the owner of a private mapping reserves the
 *  added length (charged to the subpool, then globally; ENOMEM and no change if that fails); fork
 *  children and NORESERVE mappings reserve nothing. In place, growth needs the addresses after the
 *  VMA free (else ENOMEM); with MREMAP_FIXED the VMA moves first, then grows. */
export const mremapGrow = definePolicy(linux, {
  name: 'mremap-grow',
  description: 'mremap may grow a hugetlb mapping; the added pages are reserved like a new mapping\'s',
  overrides: {
    alignHugetlb(s, vma, oldLen, newLen) {
      return oldLen === 0 ? 'EINVAL' : newLen > oldLen ? null : linux.alignHugetlb.call(this, s, vma, oldLen, newLen);
    },
    doMremap(s, p, addr, oldLen, newLen, newAddr) {
      if (!(newLen > oldLen && oldLen > 0)) return linux.doMremap.call(this, s, p, addr, oldLen, newLen, newAddr);
      const vma = findVma(p, addr);
      if (!vma) return 'EFAULT';
      if (vma.end !== addr + oldLen) return 'EFAULT'; // grows a whole VMA tail only
      const delta = newLen - oldLen;
      const base = newAddr ?? vma.start;
      const tailFrom = base + (vma.end - vma.start);
      if (newAddr === null && p.vmas.some((v) => v !== vma && v.end > tailFrom && v.start < tailFrom + delta)) return 'ENOMEM';
      // Reserve the added pages before changing anything.
      const idxFrom = vma.pgoff + (vma.end - vma.start);
      const inode = vma.inode;
      if (vma.shared) {
        if (!this.hugetlbReservePages(s, inode, idxFrom, idxFrom + delta, vma, vma.noreserve || inode.kind === 'shm')) return 'ENOMEM';
      } else if (vma.owner && vma.resvMap) {
        const g = this.hugepageSubpoolGetPages(s, inode.spool, delta);
        if (g < 0) return 'ENOMEM';
        if (!this.hugetlbAcctMemory(s, g)) {
          this.hugetlbReservePagesPutPages(s, inode.spool, delta, g);
          return 'ENOMEM';
        }
      }
      let target = vma;
      if (newAddr !== null) {
        this.moveVma(s, vma, addr, vma.end, newAddr); // only the range asked for moves (a VMA tail)
        target = findVma(p, newAddr)!;
      }
      target.end += delta;
      if (inode.kind === 'file') {
        // As hugetlbfs_file_mmap does: only a writable mapping extends the file.
        if (target.prot === 'rw' && inode.size < idxFrom + delta) inode.size = idxFrom + delta;
      } else if (inode.size < idxFrom + delta) {
        // The pseudo file of a MAP_HUGETLB mapping (shared or private) or a segment grows with it,
        // whatever the protection, as hugetlb_file_setup sized it at creation.
        inode.size = idxFrom + delta;
      }
      return 'ok';
    },
  },
});

/** Kernels before the 2024 restore-on-zap change (≈6.8, bug-zoo B34, D13): zapping an owner's page
 *  (MADV_DONTNEED, munmap, exit) never gives its reservation back (the same bug value as the zoo's B34). */
export const noRestoreOnZap = zooPolicy('no-restore-on-zap');

export const SEED_POLICIES: readonly Policy[] = [prePrivateReserves, reserveUntilFork, hugetlbChardev, mapContig, mremapMirror, mremapGrow, noRestoreOnZap];
