/**
 * Creating mappings: kernel-semantics.md §3 (mm/hugetlb.c hugetlb_reserve_pages,
 * fs/hugetlbfs/inode.c hugetlbfs_file_mmap, mm/mmap.c do_mmap, mm/gup.c populate).
 */
import type { Errno } from '../scenario/types';
import type { Kernel, MmapRequest } from './kernel';
import { regionAdd, regionChg } from './resv';
import { dropInode, insertVma, newInode, type Inode, type ModelState, type PrivateResvMap, type Process, type Subpool, type Vma } from './state';

export const mmapOps = {
  /** hugetlb_reserve_pages. Shared (or SysV, `vma` null): charge the indices the inode map
   *  lacks, once per offset (kernel-observed 2b). Private: a new map owned by this VMA, charged for
   *  the whole length even where the page cache has the page (2b, 2d). NORESERVE: nothing. */
  hugetlbReservePages(this: Kernel, s: ModelState, inode: Inode, from: number, to: number, vma: Vma | null, noreserve: boolean): boolean {
    if (noreserve) return true;
    const shared = !vma || vma.shared;
    let chg: number;
    let resv: PrivateResvMap | null = null;
    if (shared) {
      chg = regionChg(inode.resvMap, from, to);
    } else {
      resv = { consumed: new Set(), refs: 1 };
      vma.resvMap = resv;
      vma.owner = true;
      chg = to - from;
    }
    const spool = inode.spool;
    const gblReserve = this.hugepageSubpoolGetPages(s, spool, chg);
    if (gblReserve < 0) return dropPrivateMap(vma, resv); // size= quota (kernel-observed 11a)
    if (!this.hugetlbAcctMemory(s, gblReserve)) {
      this.hugetlbReservePagesPutPages(s, spool, chg, gblReserve);
      return dropPrivateMap(vma, resv);
    }
    if (shared) regionAdd(inode.resvMap, from, to);
    return true;
  },

  /** The out_put_pages path of hugetlb_reserve_pages (6.18): the min_size pages the subpool gave
   *  (chg - gbl) are put back while the subpool still counts all chg pages as used, so the refill
   *  branch is skipped and they return to the global pool (Rsvd drops by them); then used is
   *  restored. kernel-semantics describes an older `subpool_put(sp, chg)`; the kernel run in
   *  scenarios/golden/kernel-runs/k4-failed-reserve-min-size.json shows this one. */
  hugetlbReservePagesPutPages(this: Kernel, s: ModelState, spool: Subpool | null, chg: number, gblReserve: number): void {
    const spoolResv = chg - gblReserve;
    if (spoolResv) this.hugetlbAcctMemory(s, -this.hugepageSubpoolPutPages(s, spool, spoolResv));
    if (gblReserve && spool && spool.maxHpages !== -1) {
      spool.usedHpages -= gblReserve;
      this.unlockOrReleaseSubpool(s, spool);
    }
  },

  /** hugetlbfs_file_mmap: reserve, then a writable mapping (shared or private) extends
   *  i_size to its end; a read-only one does not (kernel-observed 2c). */
  hugetlbfsFileMmap(this: Kernel, s: ModelState, vma: Vma, noreserve: boolean): Errno | null {
    const inode = vma.inode;
    const from = vma.pgoff;
    const to = from + (vma.end - vma.start);
    // S_PRIVATE (SysV shm inodes) forces VM_NORESERVE: shmget reserved already.
    const forceNoreserve = inode.kind === 'shm';
    if (!this.hugetlbReservePages(s, inode, from, to, vma, noreserve || forceNoreserve)) return 'ENOMEM';
    if (vma.prot === 'rw' && inode.size < to) inode.size = to;
    return null;
  },

  /** do_mmap of a hugetlb mapping. Anonymous mappings get a fresh pseudo file sized to the mapping
   *  (hugetlb_file_setup, R-3.1); length 0 is EINVAL (kernel-observed 15). */
  doMmap(this: Kernel, s: ModelState, p: Process, req: MmapRequest): Errno | null {
    if (req.pages === 0) return 'EINVAL';
    const inode = req.inode ?? newInode(s, 'anon', null, req.pages);
    const vma: Vma = {
      proc: p,
      start: req.addr,
      end: req.addr + req.pages,
      pgoff: req.offset,
      inode,
      shared: req.shared,
      noreserve: req.noreserve,
      prot: req.prot,
      resvMap: null,
      owner: false,
      unmapped: false,
    };
    const err = this.hugetlbfsFileMmap(s, vma, req.noreserve);
    if (err) {
      if (!req.inode) dropInode(s, inode); // the pseudo file goes with the failed mmap
      return err;
    }
    insertVma(p, vma);
    // do_mmap asks for population with MAP_POPULATE or VM_LOCKED; mmap_region then drops VM_LOCKED
    // from a hugetlb VMA, but the population stays (docs/mlock.md).
    if (req.populate || req.locked) this.mmPopulate(s, p, vma);
    return null;
  },

  /** mm_populate: __mm_populate with errors ignored, over the one new VMA
   *  (populateVmaPageRange, model/mlock.ts: the first failure ends it; kernel-observed 13a-13c,
   *  kernel run scenarios/golden/kernel-runs/k11-populate-retries-failed-fault.json). */
  mmPopulate(this: Kernel, s: ModelState, p: Process, vma: Vma): void {
    this.populateVmaPageRange(s, p, vma, vma.start, vma.end);
  },
} satisfies Partial<Kernel>;

function dropPrivateMap(vma: Vma | null, resv: PrivateResvMap | null): false {
  if (vma && resv) {
    vma.resvMap = null;
    vma.owner = false;
  }
  return false;
}
