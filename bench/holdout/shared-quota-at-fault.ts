/**
 * holdout/shared-quota-at-fault: a shared mmap reserves pages without charging the mount's size=
 * quota, which is only charged page by page at fault time; a shared mapping larger than the quota
 * is admitted, and its faults past the quota get SIGBUS although every page was reserved.
 *
 * Fixed upstream by "hugetlb: enforce quotas during reservation for shared mappings" (Adam Litke,
 * last patch of his 2007 quota series, merged for v2.6.24 together with c79fb75e5a51; commit id not
 * pinned here: approximate). Its message: "When a
 * MAP_SHARED mmap of a hugetlbfs file succeeds, huge pages are reserved to guarantee no problems
 * will occur later when instantiating pages. If quotas are in force, page instantiation could fail
 * due to a race with another process or an oversized (but approved) shared mapping. To prevent
 * these scenarios, debit the quota for the full reservation amount up front and credit the unused
 * quota when the reservation is released." Before it, hugetlb_reserve_pages() did not call
 * hugetlb_get_quota(), alloc_huge_page() called hugetlb_get_quota(mapping, 1) for every page
 * (VM_FAULT_SIGBUS on failure), and hugetlb_unreserve_pages() credited no quota.
 *
 * Model functions changed, shared mappings only (private reservations, which did not exist in 2007,
 * are linux's): hugetlbReservePages (no subpool charge for the shared range), allocHugetlbFolio
 * (a shared fault that uses its reservation still charges one page of quota first; NEEDED faults
 * already charge it) and hugetlbUnreservePages (drops the global reservations only). Only for files
 * whose subpool has no min_size= (which came in v4.1); elsewhere linux's.
 */
import type * as Api from '../../api';

// The CLI's policy loader (io/policy-loader.ts) resolves only the specifier 'hugecheck' to the
// API: a relative '../../api' does not resolve from this .ts file there (no api.js beside api.ts).
// Under ts-node, or once built (dist/bench/holdout/*.js beside dist/api.js), the relative path does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { definePolicy, linux } = ((): typeof Api => { try { return require('hugecheck') as typeof Api; } catch { return require('../../api') as typeof Api; } })();

const hasMinSize = (spool: Api.Subpool | null): boolean => spool !== null && spool.minHpages !== -1;

export default definePolicy(linux, {
  name: 'holdout/shared-quota-at-fault',
  description: 'shared reservations are not charged to the size= quota; each fault charges it instead (before "hugetlb: enforce quotas during reservation for shared mappings", 2.6.24)',
  overrides: {
    hugetlbReservePages(s, inode, from, to, vma, noreserve) {
      if (noreserve || (vma && !vma.shared) || hasMinSize(inode.spool)) return linux.hugetlbReservePages.call(this, s, inode, from, to, vma, noreserve);
      let chg = 0;
      for (let i = from; i < to; i++) if (!inode.resvMap.has(i)) chg++; // region_chg
      if (!this.hugetlbAcctMemory(s, chg)) return false; // no hugetlb_get_quota()
      for (let i = from; i < to; i++) inode.resvMap.add(i); // region_add
      return true;
    },
    allocHugetlbFolio(s, vma, idx, cowFromOwner) {
      if (!vma.shared || hasMinSize(vma.inode.spool) || this.vmaNeedsReservation(s, vma, idx) !== 0) return linux.allocHugetlbFolio.call(this, s, vma, idx, cowFromOwner);
      const spool = vma.inode.spool;
      if (this.hugepageSubpoolGetPages(s, spool, 1) < 0) return null; // hugetlb_get_quota(mapping, 1)
      const folio = linux.allocHugetlbFolio.call(this, s, vma, idx, cowFromOwner);
      if (!folio) this.hugepageSubpoolPutPages(s, spool, 1);
      return folio;
    },
    hugetlbUnreservePages(s, inode, start, end, freed) {
      if (hasMinSize(inode.spool)) return linux.hugetlbUnreservePages.call(this, s, inode, start, end, freed);
      let chg = 0;
      for (const i of [...inode.resvMap]) {
        if (i >= start && i < end) {
          inode.resvMap.delete(i);
          chg++;
        }
      }
      this.hugetlbAcctMemory(s, -(chg - freed)); // no hugetlb_put_quota()
    },
  },
});
