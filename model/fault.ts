/**
 * Allocation at fault time and the fault paths: kernel-semantics.md §2 and §4 (mm/hugetlb.c
 * alloc_hugetlb_folio, hugetlb_fault, hugetlb_no_page, hugetlb_wp, unmap_ref_private).
 */
import type { Result } from '../scenario/types';
import type { Kernel, MmuGather } from './kernel';
import { findVma, vmaIndex, type Folio, type ModelState, type Process, type Subpool, type Vma } from './state';

/** map_chg states of alloc_hugetlb_folio. */
const MAP_CHG_REUSE = 0;
const MAP_CHG_NEEDED = 1;
const MAP_CHG_ENFORCED = 2;

export const faultOps = {
  /** R-2 alloc_hugetlb_folio. REUSE consumes the reservation the VMA holds for idx; NEEDED and
   *  ENFORCED (the owner's COW, R-4.5) charge the subpool and need an unreserved page or a surplus
   *  one. Failure is ENOSPC (null), which a fault turns into SIGBUS. */
  allocHugetlbFolio(this: Kernel, s: ModelState, vma: Vma, idx: number, cowFromOwner: boolean): Folio | null {
    const mapChg = cowFromOwner
      ? MAP_CHG_ENFORCED
      : this.vmaNeedsReservation(s, vma, idx)
        ? MAP_CHG_NEEDED
        : MAP_CHG_REUSE;
    const spool = vma.inode.spool;
    let gblChg = 0;
    if (mapChg !== MAP_CHG_REUSE) {
      gblChg = this.hugepageSubpoolGetPages(s, spool, 1);
      if (gblChg < 0) return null; // size= quota exhausted
    }
    let folio = this.dequeueHugetlbFolioVma(s, gblChg);
    if (!folio) {
      folio = this.allocSurplusHugetlbFolio(s); // overcommit
      if (!folio) {
        if (mapChg !== MAP_CHG_REUSE) this.allocHugetlbFolioSubpoolPut(s, spool, gblChg);
        return null;
      }
    }
    if (!gblChg) {
      // a global reservation is consumed.
      folio.restoreReserve = true;
      s.h.resvHugePages--;
    }
    folio.spool = spool;
    if (mapChg !== MAP_CHG_ENFORCED) this.vmaCommitReservation(s, vma, idx);
    return folio;
  },

  /** out_subpool_put of alloc_hugetlb_folio (6.18): the charge goes back to the subpool only when
   *  it came from the subpool's min_size reserve (gbl_chg == 0); a size= charge is kept.
   *  describes an older unconditional put; the kernel run in
   *  scenarios/golden/kernel-runs/k5-failed-fault-size-quota.json shows this one. */
  allocHugetlbFolioSubpoolPut(this: Kernel, s: ModelState, spool: Subpool | null, gblChg: number): void {
    if (!gblChg) this.hugetlbAcctMemory(s, -this.hugepageSubpoolPutPages(s, spool, 1));
  },

  /** A user load or store: SIGSEGV where nothing is mapped (SEGV_MAPERR) or the protection
   *  forbids it (SEGV_ACCERR), else the hugetlb fault (kernel-observed 1c, 5b). */
  doUserAddrFault(this: Kernel, s: ModelState, p: Process, addr: number, write: boolean): Result {
    const vma = findVma(p, addr);
    if (!vma) return 'SIGSEGV';
    if (vma.prot === 'none' || (write && vma.prot !== 'rw')) return 'SIGSEGV';
    return this.hugetlbFault(s, p, vma, addr, write);
  },

  /** hugetlb_fault: no entry → hugetlb_no_page; a write to a private entry → hugetlb_wp;
   *  anything else only sets access bits. */
  hugetlbFault(this: Kernel, s: ModelState, p: Process, vma: Vma, addr: number, write: boolean): Result {
    const folio = p.ptes.get(addr);
    if (!folio) return this.hugetlbNoPage(s, p, vma, addr, write);
    if (write && !vma.shared) return this.hugetlbWp(s, p, vma, addr, folio);
    return 'ok';
  },

  /** hugetlb_no_page. Read faults allocate too: there is no huge zero page (R-4.3,
   *  kernel-observed rule 2). A page already in the page cache is mapped without allocating. */
  hugetlbNoPage(this: Kernel, s: ModelState, p: Process, vma: Vma, addr: number, write: boolean): Result {
    if (vma.unmapped) {
      // HPAGE_RESV_UNMAPPED: the owner took a page of this VMA back (R-4.7, kernel-observed 4f).
      s.log.push(`PID ${p.pid} killed due to inadequate hugepage pool`);
      return 'SIGBUS';
    }
    const inode = vma.inode;
    const idx = vmaIndex(vma, addr);
    let folio = inode.cache.get(idx);
    if (!folio) {
      if (idx >= inode.size) return 'SIGBUS'; // beyond i_size (kernel-observed 2c, 7a)
      const fresh = this.allocHugetlbFolio(s, vma, idx, false);
      if (!fresh) return 'SIGBUS';
      folio = fresh;
      folio.value = 0; // zero-filled
      if (vma.shared) {
        this.hugetlbAddToPageCache(s, inode, idx, folio);
      } else {
        folio.anon = true;
        folio.restoreReserve = false; // hugetlb_add_new_anon_rmap
      }
    }
    folio.mapcount++;
    p.ptes.set(addr, folio);
    // A private write maps the page and runs hugetlb_wp at once: a new anon page is reused,
    // a page-cache page is copied (R-4.2 step 6, R-4.6).
    if (write && !vma.shared) return this.hugetlbWp(s, p, vma, addr, folio);
    return 'ok';
  },

  /** hugetlb_wp. */
  hugetlbWp(this: Kernel, s: ModelState, p: Process, vma: Vma, addr: number, old: Folio): Result {
    if (vma.shared) return 'ok';
    if (old.anon && old.mapcount === 1) return 'ok'; // sole user of an anon page: reuse
    // The owner copying an anonymous page it shares with descendants does not use its
    // per-index reservation (consumed when `old` was faulted): cow_from_owner.
    const cowFromOwner = vma.owner && old.anon;
    const idx = vmaIndex(vma, addr);
    const folio = this.allocHugetlbFolio(s, vma, idx, cowFromOwner);
    if (!folio) {
      if (!cowFromOwner) return 'SIGBUS'; // children, NORESERVE, non-owners
      // The owner takes the page back from its descendants (R-4.7, kernel-observed 4c, 4i), then
      // retries: it is now the only user and reuses the page.
      this.unmapRefPrivate(s, vma, old, addr);
      return old.mapcount === 1 ? 'ok' : 'SIGBUS';
    }
    folio.value = old.value; // copy
    folio.anon = true;
    folio.restoreReserve = false; // hugetlb_add_new_anon_rmap
    folio.mapcount = 1;
    p.ptes.set(addr, folio);
    old.mapcount--;
    if (old.mapcount === 0 && !old.inCache) this.freeHugeFolio(s, old);
    return 'ok';
  },

  /** unmap_ref_private: every other private, non-owner VMA of the file that maps `old` at
   *  this file index loses the entry and is marked HPAGE_RESV_UNMAPPED. Counters do not change. */
  unmapRefPrivate(this: Kernel, s: ModelState, vma: Vma, old: Folio, addr: number): void {
    const idx = vmaIndex(vma, addr);
    for (const iter of [...vma.inode.mmaps]) {
      if (iter === vma || iter.shared || iter.owner) continue;
      if (idx < iter.pgoff || idx >= iter.pgoff + (iter.end - iter.start)) continue;
      const iterAddr = iter.start + (idx - iter.pgoff);
      if (iter.proc.ptes.get(iterAddr) !== old) continue;
      iter.unmapped = true;
      const tlb: MmuGather = [];
      this.unmapHugepageRange(s, iter, iterAddr, iterAddr + 1, tlb);
      this.tlbFinishMmu(s, tlb);
    }
  },
} satisfies Partial<Kernel>;
