/**
 * hugetlbfs files: truncate, fallocate, hole punch, eviction. kernel-semantics.md §8
 * (fs/hugetlbfs/inode.c hugetlb_vmtruncate, hugetlb_vmdelete_list, remove_inode_hugepages,
 * hugetlbfs_punch_hole, hugetlbfs_fallocate, hugetlbfs_evict_inode; mm/hugetlb.c
 * hugetlb_unreserve_pages, hugetlb_add_to_page_cache).
 */
import type { Result } from '../scenario/types';
import type { Kernel, MmuGather } from './kernel';
import { regionDel } from './resv';
import { dropInode, type Folio, type Inode, type ModelState, type Process, type Vma } from './state';

/** The pseudo VMA hugetlbfs_fallocate allocates through: shared, never NORESERVE. */
const FALLOCATE_PROC: Process = { name: '(fallocate)', pid: 0, vmas: [], ptes: new Map(), nextAddr: 0, alive: true };

export const inodeOps = {
  /** hugetlb_unreserve_pages: of the `c` map entries removed, `freed` belonged to pages
   *  (their subpool charge went with the page); the other c - freed reservations are dropped now. */
  hugetlbUnreservePages(this: Kernel, s: ModelState, inode: Inode, start: number, end: number, freed: number): void {
    const chg = regionDel(inode.resvMap, start, end);
    this.hugetlbAcctMemory(s, -this.hugepageSubpoolPutPages(s, inode.spool, chg - freed));
  },

  /** hugetlb_vmdelete_list: zap every VMA of the file over [start, end), private ones included, so
   *  truncate and punch hole also drop private COW copies (kernel-findings §3, kernel-observed 7d). */
  hugetlbVmdeleteList(this: Kernel, s: ModelState, inode: Inode, start: number, end: number): void {
    for (const vma of [...inode.mmaps]) {
      const vStart = vma.pgoff;
      const vEnd = vma.pgoff + (vma.end - vma.start);
      const lo = Math.max(start, vStart);
      const hi = Math.min(end, vEnd);
      if (lo >= hi) continue;
      const tlb: MmuGather = [];
      this.unmapHugepageRange(s, vma, vma.start + (lo - vStart), vma.start + (hi - vStart), tlb);
      this.tlbFinishMmu(s, tlb);
    }
  },

  /** remove_inode_hugepages: remove the page-cache pages in [start, end) in index
   *  order and free them. A punch (not truncate) unreserves each removed page's entry at once and
   *  leaves untouched reservations alone (kernel-observed 7c); a truncate unreserves the whole
   *  tail at the end. */
  removeInodeHugepages(this: Kernel, s: ModelState, inode: Inode, start: number, end: number, truncateOp: boolean): void {
    const victims: Array<[number, Folio]> = [];
    for (const entry of inode.cache) if (entry[0] >= start && entry[0] < end) victims.push(entry);
    victims.sort((a, b) => a[0] - b[0]);
    for (const [idx, folio] of victims) {
      inode.cache.delete(idx);
      folio.inCache = false;
      if (!truncateOp) this.hugetlbUnreservePages(s, inode, idx, idx + 1, 1);
      if (folio.mapcount === 0 && !folio.freed) this.freeHugeFolio(s, folio);
    }
    if (truncateOp) this.hugetlbUnreservePages(s, inode, start, Infinity, victims.length);
  },

  /** hugetlb_vmtruncate: set i_size, zap beyond it, drop pages and reservations beyond it.
   *  Growing does not re-reserve (kernel-observed 7b). */
  hugetlbVmtruncate(this: Kernel, s: ModelState, inode: Inode, size: number): Result {
    inode.size = size;
    this.hugetlbVmdeleteList(s, inode, size, Infinity);
    this.removeInodeHugepages(s, inode, size, Infinity, true);
    return 'ok';
  },

  /** hugetlbfs_punch_hole (PUNCH_HOLE|KEEP_SIZE). */
  hugetlbfsPunchHole(this: Kernel, s: ModelState, inode: Inode, start: number, end: number): Result {
    if (start < end) {
      this.hugetlbVmdeleteList(s, inode, start, end);
      this.removeInodeHugepages(s, inode, start, end, false);
    }
    return 'ok';
  },

  /** hugetlbfs_fallocate: allocate each missing page (REUSE where the inode map has the
   *  index, NEEDED otherwise). The first failure returns ENOSPC, keeps the pages allocated so far
   *  and leaves i_size alone (kernel-observed 8b, 8c). */
  hugetlbfsFallocate(this: Kernel, s: ModelState, inode: Inode, offset: number, len: number): Result {
    const pseudo: Vma = {
      proc: FALLOCATE_PROC, start: 0, end: 0, pgoff: 0, inode, shared: true, noreserve: false, prot: 'rw',
      resvMap: null, owner: false, unmapped: false,
    };
    for (let idx = offset; idx < offset + len; idx++) {
      if (inode.cache.has(idx)) continue;
      const folio = this.allocHugetlbFolio(s, pseudo, idx, false);
      if (!folio) return 'ENOSPC';
      folio.value = 0;
      this.hugetlbAddToPageCache(s, inode, idx, folio);
    }
    if (inode.size < offset + len) inode.size = offset + len;
    return 'ok';
  },

  /** hugetlbfs_evict_inode: truncate to 0, then the map is freed. */
  hugetlbfsEvictInode(this: Kernel, s: ModelState, inode: Inode): void {
    this.removeInodeHugepages(s, inode, 0, Infinity, true);
    dropInode(s, inode);
  },

  /** hugetlb_add_to_page_cache: the page joins the cache; its restore flag is cleared. */
  hugetlbAddToPageCache(this: Kernel, _s: ModelState, inode: Inode, idx: number, folio: Folio): void {
    inode.cache.set(idx, folio);
    folio.inCache = true;
    folio.restoreReserve = false;
  },

  /** iput: once no name and no mapping holds the inode it is evicted (kernel-observed rule 3). */
  iput(this: Kernel, s: ModelState, inode: Inode): void {
    if (!inode.evicted && !inode.linked && inode.mmaps.size === 0) this.hugetlbfsEvictInode(s, inode);
  },
} satisfies Partial<Kernel>;
