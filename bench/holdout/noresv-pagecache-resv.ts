/**
 * holdout/noresv-pagecache-resv: a MAP_NORESERVE shared mapping faults a page at a file index that
 * another mapping reserved; the fault takes an unreserved page and leaves the reservation counted,
 * although the page now sits in the page cache where the reservation is considered consumed. The
 * reservation is never returned: Rsvd stays one too high after the file is gone.
 *
 * Fixed upstream by af0ed73e699b ("mm, hugetlb: decrement reserve count if VM_NORESERVE alloc page
 * cache", Joonsoo Kim, v3.12). Its message: "If a vma with VM_NORESERVE allocate a new page for page
 * cache, we should check whether this area is reserved or not. If this address is already reserved
 * by other process(in case of chg == 0), we should decrement reserve count, because this allocated
 * page will go into page cache and currently, there is no way to know that this page comes from
 * reserved pool or not when releasing inode." Reproducer: mmap(MAP_SHARED) a file, mmap the same
 * range MAP_SHARED|MAP_NORESERVE, write through the second, unmap both, close: HugePages_Rsvd 1.
 * Before the fix vma_has_reserves() returned 0 for any
 * VM_NORESERVE VMA, so dequeue_huge_page_vma() required Free > Rsvd and did not decrement
 * resv_huge_pages; vma_needs_reservation() still said 0 (the index is in the inode's map), so the
 * subpool was not charged either.
 *
 * Model function changed: allocHugetlbFolio (alloc_huge_page / dequeue_huge_page_vma), for a shared
 * MAP_NORESERVE VMA (not a SysV attach) at an index the inode's map already holds. Every other
 * allocation is linux's.
 */
import type * as Api from '../../api';

// The CLI's policy loader (io/policy-loader.ts) resolves only the specifier 'hugecheck' to the
// API: a relative '../../api' does not resolve from this .ts file there (no api.js beside api.ts).
// Under ts-node, or once built (dist/bench/holdout/*.js beside dist/api.js), the relative path does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { definePolicy, linux } = ((): typeof Api => { try { return require('hugecheck') as typeof Api; } catch { return require('../../api') as typeof Api; } })();

export default definePolicy(linux, {
  name: 'holdout/noresv-pagecache-resv',
  description: 'a MAP_NORESERVE shared fault at an index another mapping reserved does not consume that reservation (before af0ed73e699b)',
  overrides: {
    allocHugetlbFolio(s, vma, idx, cowFromOwner) {
      const noreserveShared = vma.shared && vma.noreserve && vma.inode.kind !== 'shm';
      if (!noreserveShared || cowFromOwner || this.vmaNeedsReservation(s, vma, idx) !== 0) {
        return linux.allocHugetlbFolio.call(this, s, vma, idx, cowFromOwner);
      }
      // chg == 0: no subpool charge. vma_has_reserves() == 0: an unreserved page, Rsvd untouched.
      let folio = this.dequeueHugetlbFolioVma(s, 1);
      if (!folio) {
        folio = this.allocSurplusHugetlbFolio(s);
        if (!folio) return null;
      }
      folio.spool = vma.inode.spool;
      this.vmaCommitReservation(s, vma, idx); // region_add: the index is already there
      return folio;
    },
  },
});
