/**
 * The huge page pool: subpool charges, global reservations, surplus pages, freeing and resizing.
 * kernel-semantics.md §1 and §10; mm/hugetlb.c.
 */
import type { Kernel } from './kernel';
import type { Folio, ModelState, Subpool } from './state';

export function newFolio(s: ModelState): Folio {
  return { id: s.nextId++, value: 0, mapcount: 0, inCache: false, anon: false, restoreReserve: false, spool: null, freed: false };
}

export const poolOps = {
  /** hugepage_subpool_get_pages. */
  hugepageSubpoolGetPages(this: Kernel, _s: ModelState, spool: Subpool | null, delta: number): number {
    if (!spool) return delta;
    let ret = delta;
    if (spool.maxHpages !== -1) {
      if (spool.usedHpages + delta > spool.maxHpages) return -1;
      spool.usedHpages += delta;
    }
    if (spool.minHpages !== -1 && spool.rsvHpages > 0) {
      if (delta > spool.rsvHpages) {
        ret = delta - spool.rsvHpages;
        spool.rsvHpages = 0;
      } else {
        ret = 0; // reserves already accounted for
        spool.rsvHpages -= delta;
      }
    }
    return ret;
  },

  /** hugepage_subpool_put_pages, with unlock_or_release_subpool. */
  hugepageSubpoolPutPages(this: Kernel, s: ModelState, spool: Subpool | null, delta: number): number {
    if (!spool) return delta;
    let ret = delta;
    if (spool.maxHpages !== -1) spool.usedHpages -= delta;
    if (spool.minHpages !== -1 && spool.usedHpages < spool.minHpages) {
      ret = spool.rsvHpages + delta <= spool.minHpages ? 0 : spool.rsvHpages + delta - spool.minHpages;
      spool.rsvHpages = Math.min(spool.rsvHpages + delta, spool.minHpages);
    }
    if (spool.count === 0) this.unlockOrReleaseSubpool(s, spool);
    return ret;
  },

  /** hugetlb_acct_memory. The allowed_mems_nr check (new reservations must not exceed
   *  the free pages) fires when Rsvd is negative: kernel-observed 4n. */
  hugetlbAcctMemory(this: Kernel, s: ModelState, delta: number): boolean {
    if (delta > 0) {
      if (!this.gatherSurplusPages(s, delta)) return false;
      if (delta > s.h.freeHugePages) {
        this.returnUnusedSurplusPages(s, delta);
        return false;
      }
      return true;
    }
    if (delta < 0) this.returnUnusedSurplusPages(s, -delta);
    return true;
  },

  /** gather_surplus_pages: allocate the surplus pages a new reservation needs, all or none. */
  gatherSurplusPages(this: Kernel, s: ModelState, delta: number): boolean {
    const h = s.h;
    const needed = h.resvHugePages + delta - h.freeHugePages;
    if (needed <= 0) {
      h.resvHugePages += delta;
      return true;
    }
    const allocated: Folio[] = [];
    for (let i = 0; i < needed; i++) {
      const folio = this.allocSurplusHugetlbFolio(s);
      if (!folio) break;
      allocated.push(folio);
    }
    if (allocated.length < needed) {
      // Not enough: every page allocated here goes back (free_huge_folio with Surp > 0 releases it).
      for (const folio of allocated) this.freeHugeFolio(s, folio);
      return false;
    }
    h.resvHugePages += delta;
    h.freeHugePages += needed; // enqueue_hugetlb_folio of each new page
    for (const folio of allocated) folio.freed = true;
    return true;
  },

  /** return_unused_surplus_pages: drop reservations, then free unused surplus pages. */
  returnUnusedSurplusPages(this: Kernel, s: ModelState, unusedResvPages: number): void {
    const h = s.h;
    h.resvHugePages -= unusedResvPages;
    const k = Math.min(unusedResvPages, h.surplusHugePages, h.freeHugePages);
    if (k > 0) {
      h.freeHugePages -= k;
      h.nrHugePages -= k;
      h.surplusHugePages -= k;
    }
  },

  /** kernel-semantics §0.2 item 3: the buddy allocator always has a page in this model. */
  allocBuddyHugetlbFolio(this: Kernel, _s: ModelState): boolean {
    return true;
  },

  /** alloc_surplus_hugetlb_folio: only while Surp < nr_overcommit_hugepages. */
  allocSurplusHugetlbFolio(this: Kernel, s: ModelState): Folio | null {
    const h = s.h;
    if (h.surplusHugePages >= h.nrOvercommitHugePages) return null;
    if (!this.allocBuddyHugetlbFolio(s)) return null;
    h.nrHugePages++;
    h.surplusHugePages++;
    return newFolio(s);
  },

  /** dequeue_hugetlb_folio_vma. The availability test is the kernel's unsigned
   *  `free - resv != 0` (available_huge_pages), so a negative Rsvd still allows it (kernel-observed 4k). */
  dequeueHugetlbFolioVma(this: Kernel, s: ModelState, gblChg: number): Folio | null {
    const h = s.h;
    if (gblChg && h.freeHugePages === h.resvHugePages) return null;
    if (h.freeHugePages <= 0) return null;
    h.freeHugePages--;
    return newFolio(s);
  },

  /** free_huge_folio. The surplus test is on the global count, not on this page. */
  freeHugeFolio(this: Kernel, s: ModelState, folio: Folio): void {
    const h = s.h;
    const spool = folio.spool;
    let restore = folio.restoreReserve;
    folio.restoreReserve = false;
    folio.spool = null;
    folio.freed = true;
    if (!restore && this.hugepageSubpoolPutPages(s, spool, 1) === 0) restore = true;
    if (restore) h.resvHugePages++;
    if (this.freeReleasesSurplus(s, restore)) {
      h.nrHugePages--; // remove_hugetlb_folio + update_and_free_hugetlb_folio
      h.surplusHugePages--;
    } else {
      h.freeHugePages++; // enqueue_hugetlb_folio
    }
  },

  /** The surplus test of free_huge_folio (R-1.6 step 4): while surplus pages exist, a freed page
   *  leaves the pool, whichever page it is and whether or not it just restored a reservation. */
  freeReleasesSurplus(this: Kernel, s: ModelState, _restoredReservation: boolean): boolean {
    return s.h.surplusHugePages > 0;
  },

  /** set_max_huge_pages (kernel-observed rule 13, tables 10a-10d, 9f). */
  setMaxHugePages(this: Kernel, s: ModelState, count: number): void {
    const h = s.h;
    const persistent = () => h.nrHugePages - h.surplusHugePages;
    // 1. Promote surplus pages to persistent ones (adjust_pool_surplus(-1)).
    while (h.surplusHugePages > 0 && count > persistent()) h.surplusHugePages--;
    // 2. Grow from the buddy allocator; stop at the first failure.
    while (count > persistent()) {
      if (!this.allocBuddyHugetlbFolio(s)) return;
      h.nrHugePages++;
      h.freeHugePages++;
    }
    // 3. Never shrink below reserved + in use. The kernel computes this in unsigned arithmetic:
    //    a negative sum wraps to a huge number, and then nothing is freed.
    const inUsePlusResv = h.resvHugePages + h.nrHugePages - h.freeHugePages;
    const minCount = inUsePlusResv < 0 ? Number.MAX_SAFE_INTEGER : Math.max(count, inUsePlusResv);
    // 4. Free free pages (free_pool_huge_folio).
    while (minCount < persistent() && h.freeHugePages > 0) {
      h.nrHugePages--;
      h.freeHugePages--;
    }
    // 5. What could not be freed becomes surplus (adjust_pool_surplus(+1)).
    while (count < persistent() && h.surplusHugePages < h.nrHugePages) h.surplusHugePages++;
  },

  /** sets the limit only; existing surplus stays (kernel-observed 9e). */
  hugetlbOvercommitHandler(this: Kernel, s: ModelState, count: number): void {
    s.h.nrOvercommitHugePages = count;
  },
} satisfies Partial<Kernel>;
