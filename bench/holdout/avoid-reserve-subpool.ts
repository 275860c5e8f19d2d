/**
 * holdout/avoid-reserve-subpool: the owner's copy-on-write takes a page from the mount's min_size
 * reserve but does not consume the global reservation behind it, so Rsvd grows by one each time.
 *
 * Fixed upstream by 58db7c5fbe7d ("mm/hugetlb: fix avoid_reserve to allow taking folio from
 * subpool", Peter Xu, v6.14; Fixes: d85f69b0b533 "mm/hugetlb: alloc_huge_page handle areas hole
 * punched by fallocate", v4.3). Before it, alloc_hugetlb_folio() with avoid_reserve (today's
 * cow_from_owner) still called hugepage_subpool_get_pages(spool, 1), which hands out one of the
 * subpool's min_size pages (gbl_chg 0: the page is already counted in resv_huge_pages), and then
 * forced gbl_chg = 1 ("if avoid_reserve is specified we still avoid even the subpool
 * reservations"): the folio came from the unreserved free pages and resv_huge_pages was not
 * decremented. The subpool's reserve shrank by one while Rsvd kept the page; when the pages are
 * freed the subpool refills (free_huge_folio restores a reservation because the subpool is below
 * min_size), so every run leaves Rsvd one higher, until it reaches Free. The commit message's
 * reproducer: a min_size=8M mount, fallocate one page of a file, MAP_PRIVATE it, write, fork,
 * write again in the parent.
 *
 * Model function changed: allocHugetlbFolio (alloc_hugetlb_folio), its cow_from_owner (ENFORCED)
 * branch only: the subpool is charged as before, then the allocation behaves as if that charge had
 * needed a new global reservation (dequeue needs Free > Rsvd, Rsvd is not decremented, no
 * restore-reserve flag). Every other path is linux's.
 */
import type * as Api from '../../api';

// The CLI's policy loader (io/policy-loader.ts) resolves only the specifier 'hugecheck' to the
// API: a relative '../../api' does not resolve from this .ts file there (no api.js beside api.ts).
// Under ts-node, or once built (dist/bench/holdout/*.js beside dist/api.js), the relative path does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { definePolicy, linux } = ((): typeof Api => { try { return require('hugecheck') as typeof Api; } catch { return require('../../api') as typeof Api; } })();

export default definePolicy(linux, {
  name: 'holdout/avoid-reserve-subpool',
  description: 'the owner\'s COW takes a min_size page from the subpool but no global reservation (before 58db7c5fbe7d)',
  overrides: {
    allocHugetlbFolio(s, vma, idx, cowFromOwner) {
      if (!cowFromOwner) return linux.allocHugetlbFolio.call(this, s, vma, idx, cowFromOwner);
      const spool = vma.inode.spool;
      const charged = this.hugepageSubpoolGetPages(s, spool, 1);
      if (charged < 0) return null; // size= quota exhausted
      const gblChg = 1; // "if (avoid_reserve) gbl_chg = 1;"
      let folio = this.dequeueHugetlbFolioVma(s, gblChg);
      if (!folio) {
        folio = this.allocSurplusHugetlbFolio(s);
        if (!folio) {
          this.allocHugetlbFolioSubpoolPut(s, spool, charged);
          return null;
        }
      }
      // avoid_reserve: no restore-reserve flag, resv_huge_pages left alone.
      folio.spool = spool;
      return folio; // ENFORCED: the VMA's map is not committed
    },
  },
});
