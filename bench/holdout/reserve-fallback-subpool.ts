/**
 * holdout/reserve-fallback-subpool: a reservation that fails after the min_size subpool handed out
 * part of it gives the subpool back the whole request, so the subpool's reserve grows by pages the
 * global count never held; when the mount goes, releasing min_size drives Rsvd negative.
 *
 * Fixed upstream by a833a693a490 ("mm: hugetlb: fix incorrect fallback for subpool", Wupeng Ma,
 * v6.15; Fixes: 1c5ecae3a93f "hugetlbfs: add minimum size accounting to subpools", v4.1). Its
 * message: "When hugetlb_acct_memory() fails after subpool allocation, the current implementation
 * over-commits subpool reservations by returning the full 'chg' value instead of the actual
 * allocated 'gbl_reserve' amount. This discrepancy propagates to global reservations during
 * subsequent releases, eventually causing resv_huge_pages underflow." Before it the out_put_pages
 * path of hugetlb_reserve_pages() was "(void)hugepage_subpool_put_pages(spool, chg);". The same
 * commit fixed the fault path too (holdout/fault-fallback-subpool). Note: the known bug
 * failed-reserve-min-size (known-bugs.ts) is what that fix left behind with size= and min_size=
 * together; this is the older bug, on a min_size= mount without size=.
 *
 * Model function changed: hugetlbReservePagesPutPages (the out_put_pages path of
 * hugetlb_reserve_pages): put chg pages back, ignore what the subpool says to drop globally.
 */
import type * as Api from '../../api';

// The CLI's policy loader (io/policy-loader.ts) resolves only the specifier 'hugecheck' to the
// API: a relative '../../api' does not resolve from this .ts file there (no api.js beside api.ts).
// Under ts-node, or once built (dist/bench/holdout/*.js beside dist/api.js), the relative path does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { definePolicy, linux } = ((): typeof Api => { try { return require('hugecheck') as typeof Api; } catch { return require('../../api') as typeof Api; } })();

export default definePolicy(linux, {
  name: 'holdout/reserve-fallback-subpool',
  description: 'a failed reservation puts its whole request back into the subpool (before a833a693a490, hugetlb_reserve_pages)',
  overrides: {
    hugetlbReservePagesPutPages(s, spool, chg, _gblReserve) {
      this.hugepageSubpoolPutPages(s, spool, chg); // "put back original number of pages, chg"
    },
  },
});
