/**
 * Fixes for the invariant breaks Linux 6.18 shows, each written as a kernel patch would repair it.
 * The known bugs of model/policies/known-bugs.ts are given by them, and `linux-fixed` applies them
 * all. Each fix is a function of its base policy, so fixes compose (each overrides other functions).
 */
import { repair, type Fix } from './bugs';

export type { Fix } from './bugs';

/** kernel-findings.md §1: mremap's fix-up clears the reservation state of the whole source VMA
 *  before splitting it. Fix: split off the moved range first, so only the moved piece is cleared
 *  (the remainder keeps its map and OWNER). */
export const fixMremapPartialPrivate: Fix = (base) =>
  repair(base, {
    name: 'fix/mremap-partial-private',
    description: 'mremap clears the reservation state of the moved piece only (kernel-findings §1, fix direction 1)',
    overrides: {
      moveVma(s, vma, from, to, newAddr) {
        let piece = vma;
        if (piece.start < from) piece = this.splitVma(s, piece, from);
        if (piece.end > to) this.splitVma(s, piece, to);
        base.moveVma.call(this, s, piece, from, to, newAddr);
      },
    },
  });

/** kernel-findings.md §2: __unmap_hugepage_range sets the restore-reserve flag (and un-consumes the
 *  index) even when a fork child still maps the page, so Rsvd runs low until the child frees it.
 *  Fix: restore only a page this zap is unmapping for the last time (mapcount 1 before the zap). */
export const fixRestoreReserveStillMapped: Fix = (base) =>
  repair(base, {
    name: 'fix/restore-reserve-still-mapped',
    description: 'restore-on-zap only for pages no other process maps (kernel-findings §2, first fix direction)',
    overrides: {
      zapRestoresReserve(s, vma, folio) {
        return folio.mapcount === 1 && base.zapRestoresReserve.call(this, s, vma, folio);
      },
    },
  });

/** kernel-semantics.md note and I-3, measured in scenarios/golden/kernel-runs/k3-*: with
 *  surplus pages present, free_huge_folio restores a reservation (subpool min_size refill) and
 *  releases the page to the buddy allocator in the same call, so Rsvd exceeds Free. Fix: a page
 *  freed with a reservation to restore goes back on the free list, surplus or not. */
export const fixSurplusRestoreRelease: Fix = (base) =>
  repair(base, {
    name: 'fix/surplus-restore-release',
    description: 'free_huge_folio keeps a page whose reservation it restores (I-3)',
    overrides: {
      freeReleasesSurplus(s, restoredReservation) {
        return !restoredReservation && base.freeReleasesSurplus.call(this, s, restoredReservation);
      },
    },
  });

/** scenarios/golden/kernel-runs/k4-*: a failed reservation on a mount with size= and min_size= puts
 *  the subpool's min_size pages back while `used` still counts the whole request, so they go to the
 *  global pool instead of the subpool's reserve. Fix: restore `used` first, then put them back. */
export const fixFailedReserveMinSize: Fix = (base) =>
  repair(base, {
    name: 'fix/failed-reserve-min-size',
    description: 'a failed reservation gives the min_size pages it took back to the subpool (k4)',
    overrides: {
      hugetlbReservePagesPutPages(s, spool, chg, gblReserve) {
        if (gblReserve && spool && spool.maxHpages !== -1) spool.usedHpages -= gblReserve;
        const spoolResv = chg - gblReserve;
        if (spoolResv) this.hugetlbAcctMemory(s, -this.hugepageSubpoolPutPages(s, spool, spoolResv));
        if (spool) this.unlockOrReleaseSubpool(s, spool);
      },
    },
  });

/** scenarios/golden/kernel-runs/k5-*: a failed allocation keeps the size= quota it charged unless
 *  the charge came from the min_size reserve. Fix: always undo the charge; a min_size page goes
 *  back to the reserve (as now), a plain quota charge only lowers used_hpages. */
export const fixFailedFaultSizeQuota: Fix = (base) =>
  repair(base, {
    name: 'fix/failed-fault-size-quota',
    description: 'a failed allocation gives its size= quota charge back (k5)',
    overrides: {
      allocHugetlbFolioSubpoolPut(s, spool, gblChg) {
        if (!gblChg) return base.allocHugetlbFolioSubpoolPut.call(this, s, spool, gblChg);
        if (spool && spool.maxHpages !== -1) {
          spool.usedHpages--;
          this.unlockOrReleaseSubpool(s, spool);
        }
      },
    },
  });

/** scenarios/golden/kernel-runs/k15-*: when the owner's copy-on-write took a page back from a fork
 *  child (the child's VMA is marked HPAGE_RESV_UNMAPPED, R-4.7), and that child forks, the copy
 *  loses the mark (hugetlb_dup_vma_private clears every flag of a private VMA's reserve state), so
 *  the grandchild faults a fresh zero page where its parent gets SIGBUS: the inherited data is
 *  silently lost. Fix: a fork keeps HPAGE_RESV_UNMAPPED in the copy of a VMA that carries it. */
export const fixForkAfterStealReadsZero: Fix = (base) =>
  repair(base, {
    name: 'fix/fork-after-steal-reads-zero',
    description: 'a fork keeps HPAGE_RESV_UNMAPPED in the copy, so the grandchild gets SIGBUS as its parent does (k15)',
    overrides: {
      hugetlbDupVmaPrivate(s, vma) {
        const unmapped = vma.unmapped;
        base.hugetlbDupVmaPrivate.call(this, s, vma);
        if (!vma.shared && unmapped) vma.unmapped = true;
      },
    },
  });
