/**
 * The kernel's named functions: every rule of the model is one of these, and each is an extension
 * point. A policy (`model/policy.ts`) is an object implementing this interface; the faithful one is
 * `linux` (`model/policies/linux.ts`). Functions call each other through `this`, so a policy that
 * replaces one function changes every path that reaches it and inherits all the rest.
 *
 * Names are the kernel's (mm/hugetlb.c, fs/hugetlbfs/inode.c, mm/mremap.c, mm/madvise.c, ipc/shm.c)
 * in camelCase. Rule ids (R-x.y) point into shared/docs/kernel-semantics.md; table ids (4c, 7d...)
 * into shared/docs/kernel-observed.md.
 */
import type { Errno, Prot, Result } from '../scenario/types';
import type { Folio, Inode, ModelState, Mount, Process, Subpool, Vma } from './state';

/** Pages whose last reference a zap dropped; freed together at `tlbFinishMmu` (struct mmu_gather). */
export type MmuGather = Folio[];

export interface MmapRequest {
  pages: number;
  shared: boolean;
  /** null: MAP_ANONYMOUS|MAP_HUGETLB (a fresh pseudo file) */
  inode: Inode | null;
  offset: number;
  noreserve: boolean;
  populate: boolean;
  /** MAP_LOCKED: populated like MAP_POPULATE (VM_LOCKED itself is dropped for hugetlb). */
  locked?: boolean;
  prot: Prot;
  /** Address to map at (always a fresh range). */
  addr: number;
}

export interface Kernel {
  // ---- pool and subpool primitives (kernel-semantics.md §1) ----------------------------------
  /** hugepage_subpool_get_pages: global reservations still needed, or -1 for ENOMEM. */
  hugepageSubpoolGetPages(this: Kernel, s: ModelState, spool: Subpool | null, delta: number): number;
  /** hugepage_subpool_put_pages: global reservations to drop. */
  hugepageSubpoolPutPages(this: Kernel, s: ModelState, spool: Subpool | null, delta: number): number;
  /** hugetlb_acct_memory: take (delta > 0) or drop global reservations; false = ENOMEM. */
  hugetlbAcctMemory(this: Kernel, s: ModelState, delta: number): boolean;
  /** gather_surplus_pages. */
  gatherSurplusPages(this: Kernel, s: ModelState, delta: number): boolean;
  /** return_unused_surplus_pages. */
  returnUnusedSurplusPages(this: Kernel, s: ModelState, unusedResvPages: number): void;
  /** The buddy allocator's answer to a fresh huge page request (kernel-semantics §0.2 item 3). */
  allocBuddyHugetlbFolio(this: Kernel, s: ModelState): boolean;
  /** alloc_surplus_hugetlb_folio: a new in-use surplus page, or null. */
  allocSurplusHugetlbFolio(this: Kernel, s: ModelState): Folio | null;
  /** dequeue_hugetlb_folio_vma: take a free page, or null. */
  dequeueHugetlbFolioVma(this: Kernel, s: ModelState, gblChg: number): Folio | null;
  /** free_huge_folio: the last reference to an in-use page is gone. */
  freeHugeFolio(this: Kernel, s: ModelState, folio: Folio): void;
  /** The surplus test of free_huge_folio: does the freed page leave the pool? */
  freeReleasesSurplus(this: Kernel, s: ModelState, restoredReservation: boolean): boolean;
  /** set_max_huge_pages: a write to nr_hugepages. */
  setMaxHugePages(this: Kernel, s: ModelState, count: number): void;
  /** hugetlb_overcommit_handler: a write to nr_overcommit_hugepages. */
  hugetlbOvercommitHandler(this: Kernel, s: ModelState, count: number): void;

  // ---- reserve maps (R-1.8, R-1.9) --------------------------------------------------------------
  /** vma_needs_reservation: 1 = no reservation for idx, 0 = one exists. */
  vmaNeedsReservation(this: Kernel, s: ModelState, vma: Vma, idx: number): number;
  /** vma_commit_reservation: record the allocation at idx in the VMA's map. */
  vmaCommitReservation(this: Kernel, s: ModelState, vma: Vma, idx: number): number;
  /** vma_add_reservation: make the reservation at idx appear again (private: un-consume). */
  vmaAddReservation(this: Kernel, s: ModelState, vma: Vma, idx: number): void;

  // ---- allocation and faults (§2, §4) -------------------------------------------------------------
  /** alloc_hugetlb_folio: a page for idx, or null for ENOSPC. */
  allocHugetlbFolio(this: Kernel, s: ModelState, vma: Vma, idx: number, cowFromOwner: boolean): Folio | null;
  /** out_subpool_put of alloc_hugetlb_folio: undo the subpool charge of a failed allocation. */
  allocHugetlbFolioSubpoolPut(this: Kernel, s: ModelState, spool: Subpool | null, gblChg: number): void;
  /** The user access that faults (do_user_addr_fault): protection, VMA lookup, then hugetlb_fault. */
  doUserAddrFault(this: Kernel, s: ModelState, p: Process, addr: number, write: boolean): Result;
  /** hugetlb_fault. */
  hugetlbFault(this: Kernel, s: ModelState, p: Process, vma: Vma, addr: number, write: boolean): Result;
  /** hugetlb_no_page: no page-table entry yet. */
  hugetlbNoPage(this: Kernel, s: ModelState, p: Process, vma: Vma, addr: number, write: boolean): Result;
  /** hugetlb_wp: write to a write-protected private entry. */
  hugetlbWp(this: Kernel, s: ModelState, p: Process, vma: Vma, addr: number, old: Folio): Result;
  /** unmap_ref_private: the owner takes `old` back from every non-owner private mapping. */
  unmapRefPrivate(this: Kernel, s: ModelState, vma: Vma, old: Folio, addr: number): void;

  // ---- creating mappings (§3) ---------------------------------------------------------------------
  /** hugetlb_reserve_pages: false = ENOMEM, nothing changed. */
  hugetlbReservePages(this: Kernel, s: ModelState, inode: Inode, from: number, to: number, vma: Vma | null, noreserve: boolean): boolean;
  /** out_put_pages of hugetlb_reserve_pages: undo the subpool charge of a failed reservation. */
  hugetlbReservePagesPutPages(this: Kernel, s: ModelState, spool: Subpool | null, chg: number, gblReserve: number): void;
  /** hugetlbfs_file_mmap: reserve, then extend i_size for writable mappings. */
  hugetlbfsFileMmap(this: Kernel, s: ModelState, vma: Vma, noreserve: boolean): Errno | null;
  /** do_mmap of a hugetlb mapping (R-3.1..R-3.7). */
  doMmap(this: Kernel, s: ModelState, p: Process, req: MmapRequest): Errno | null;
  /** mm_populate: fault every page in, stop at the first failure, ignore errors. */
  mmPopulate(this: Kernel, s: ModelState, p: Process, vma: Vma): void;

  // ---- mlock (model/mlock.ts) ---------------------------------------------------------------------
  /** apply_vma_lock_flags: ENOMEM unless [from, to) is mapped throughout; hugetlb VMAs keep their flags. */
  applyVmaLockFlags(this: Kernel, s: ModelState, p: Process, from: number, to: number): Errno | null;
  /** populate_vma_page_range via __mm_populate: fault [from, to) of one VMA in; false = a fault failed. */
  populateVmaPageRange(this: Kernel, s: ModelState, p: Process, vma: Vma, from: number, to: number): boolean;
  /** do_mlock: apply_vma_lock_flags, then populate, reporting the first failure as ENOMEM. */
  doMlock(this: Kernel, s: ModelState, p: Process, from: number, to: number): Result;

  // ---- unmapping, split, close, exit (§6, §9) -----------------------------------------------------
  /** __unmap_hugepage_range: zap page-table entries of [from, to) in one VMA. */
  unmapHugepageRange(this: Kernel, s: ModelState, vma: Vma, from: number, to: number, tlb: MmuGather): void;
  /** The restore-on-zap condition of __unmap_hugepage_range (R-9.2 step 2, kernel-observed rule 7). */
  zapRestoresReserve(this: Kernel, s: ModelState, vma: Vma, folio: Folio): boolean;
  /** tlb_finish_mmu: drop the references a zap deferred; pages with none left are freed. */
  tlbFinishMmu(this: Kernel, s: ModelState, tlb: MmuGather): void;
  /** hugetlb_vm_op_open: a copy of a VMA shares its reserve map. */
  hugetlbVmOpOpen(this: Kernel, s: ModelState, vma: Vma): void;
  /** hugetlb_vm_op_close: an owner returns its unconsumed reservations. */
  hugetlbVmOpClose(this: Kernel, s: ModelState, vma: Vma): void;
  /** __split_vma: split at `addr`; returns the upper piece. */
  splitVma(this: Kernel, s: ModelState, vma: Vma, addr: number): Vma;
  /** remove_vma: close the VMA, then drop its file reference (which may evict the inode). */
  removeVma(this: Kernel, s: ModelState, vma: Vma): void;
  /** do_vmi_munmap: split, zap everything, then close the removed pieces. */
  doMunmap(this: Kernel, s: ModelState, p: Process, from: number, to: number): Result;
  /** exit_mmap. */
  exitMmap(this: Kernel, s: ModelState, p: Process): void;

  // ---- fork (§5) ----------------------------------------------------------------------------------
  /** dup_mmap. */
  dupMmap(this: Kernel, s: ModelState, parent: Process, child: Process): void;
  /** hugetlb_dup_vma_private: a copied private VMA gets no map and no flags. */
  hugetlbDupVmaPrivate(this: Kernel, s: ModelState, vma: Vma): void;
  /** copy_hugetlb_page_range: share the parent's private pages copy-on-write. */
  copyHugetlbPageRange(this: Kernel, s: ModelState, dst: Vma, src: Vma): void;

  // ---- mremap (§7) --------------------------------------------------------------------------------
  /** do_mremap (R-7.1..R-7.3). `newAddr` null: resize in place (or mirror at a kernel-chosen address). */
  doMremap(this: Kernel, s: ModelState, p: Process, addr: number, oldLen: number, newLen: number, newAddr: number | null): Result;
  /** align_hugetlb: hugetlb's own checks; an errno refuses the call. */
  alignHugetlb(this: Kernel, s: ModelState, vma: Vma, oldLen: number, newLen: number): Errno | null;
  /** move_vma / copy_vma_and_data: move [from, to) of `vma` to `newAddr`. */
  moveVma(this: Kernel, s: ModelState, vma: Vma, from: number, to: number, newAddr: number): void;
  /** fixup_hugetlb_reservations = clear_vma_resv_huge_pages (R-7.3, kernel-findings §1). */
  fixupHugetlbReservations(this: Kernel, s: ModelState, vma: Vma): void;

  // ---- madvise, mprotect (§9, §6) -----------------------------------------------------------------
  /** MADV_DONTNEED (R-9.1..R-9.3). */
  madviseDontneed(this: Kernel, s: ModelState, p: Process, from: number, to: number): Result;
  /** MADV_REMOVE: a hole punch of the file range behind a shared mapping. */
  madviseRemove(this: Kernel, s: ModelState, p: Process, from: number, to: number): Result;
  /** mprotect_fixup: split and change protection; no accounting. */
  mprotect(this: Kernel, s: ModelState, p: Process, from: number, to: number, prot: Prot): Result;

  // ---- files (§8) ---------------------------------------------------------------------------------
  /** hugetlb_unreserve_pages. */
  hugetlbUnreservePages(this: Kernel, s: ModelState, inode: Inode, start: number, end: number, freed: number): void;
  /** hugetlb_vmdelete_list: zap every mapping (shared and private) of file indices [start, end). */
  hugetlbVmdeleteList(this: Kernel, s: ModelState, inode: Inode, start: number, end: number): void;
  /** remove_inode_hugepages: drop page-cache pages in [start, end). */
  removeInodeHugepages(this: Kernel, s: ModelState, inode: Inode, start: number, end: number, truncateOp: boolean): void;
  /** hugetlb_vmtruncate: ftruncate. */
  hugetlbVmtruncate(this: Kernel, s: ModelState, inode: Inode, size: number): Result;
  /** hugetlbfs_punch_hole. */
  hugetlbfsPunchHole(this: Kernel, s: ModelState, inode: Inode, start: number, end: number): Result;
  /** hugetlbfs_fallocate, allocate mode. */
  hugetlbfsFallocate(this: Kernel, s: ModelState, inode: Inode, offset: number, len: number): Result;
  /** hugetlbfs_evict_inode. */
  hugetlbfsEvictInode(this: Kernel, s: ModelState, inode: Inode): void;
  /** hugetlb_add_to_page_cache. */
  hugetlbAddToPageCache(this: Kernel, s: ModelState, inode: Inode, idx: number, folio: Folio): void;
  /** iput: evict the inode once nothing names or maps it. */
  iput(this: Kernel, s: ModelState, inode: Inode): void;

  // ---- mounts (§11) -------------------------------------------------------------------------------
  /** hugetlbfs_fill_super: a new mount; an errno on failure. */
  hugetlbfsFillSuper(this: Kernel, s: ModelState, name: string, size: number | undefined, minSize: number | undefined): Mount | Errno;
  /** umount: EBUSY while a file is mapped; else evict every inode, then put the subpool. */
  hugetlbfsKillSuper(this: Kernel, s: ModelState, mount: Mount): Result;
  /** unlock_or_release_subpool: once unmounted and free, release the minimum. */
  unlockOrReleaseSubpool(this: Kernel, s: ModelState, spool: Subpool): void;

  // ---- SysV shm (R-3.1, kernel-observed 14) -------------------------------------------------------
  /** newseg with SHM_HUGETLB: reserve the whole segment now. */
  newseg(this: Kernel, s: ModelState, pages: number, noreserve: boolean): Inode | Errno;
  /** do_shmat: a shared mapping of the segment; S_PRIVATE forces NORESERVE (no accounting). */
  doShmat(this: Kernel, s: ModelState, p: Process, seg: Inode, addr: number): Result;
  /** IPC_RMID: destroy now, or at the last detach. */
  shmRmid(this: Kernel, s: ModelState, seg: Inode): void;
}
