/**
 * holdout/fault-fallback-subpool: a fault that charged the subpool and found no page puts the page
 * back into the subpool even when the charge had needed a global page; on a min_size= mount whose
 * reserve was used up this refills the reserve with a page Rsvd never counted, and unmounting later
 * drives Rsvd negative.
 *
 * Fixed upstream by a833a693a490 ("mm: hugetlb: fix incorrect fallback for subpool", Wupeng Ma,
 * v6.15; Fixes: 1c5ecae3a93f "hugetlbfs: add minimum size accounting to subpools", v4.1), the
 * alloc_hugetlb_folio() half: "put page to subpool iff the quota of subpool's rsv_hpages is used
 * during hugepage_subpool_get_pages" -- out_subpool_put became `if (map_chg && !gbl_chg) {
 * gbl_reserve = hugepage_subpool_put_pages(spool, 1); hugetlb_acct_memory(h, -gbl_reserve); }`.
 * Before it, out_subpool_put was `if (map_chg) hugepage_subpool_put_pages(spool, 1);` with the
 * return value ignored. (The condition that fix introduced is what the known bug
 * failed-fault-size-quota, known-bugs.ts, reports for size= mounts; this is the older behaviour.)
 * The hugetlb_reserve_pages() half is holdout/reserve-fallback-subpool.
 *
 * Model function changed: allocHugetlbFolioSubpoolPut (out_subpool_put of alloc_hugetlb_folio):
 * always put one page back, ignore the global count to drop.
 */
import type * as Api from '../../api';

// The CLI's policy loader (io/policy-loader.ts) resolves only the specifier 'hugecheck' to the
// API: a relative '../../api' does not resolve from this .ts file there (no api.js beside api.ts).
// Under ts-node, or once built (dist/bench/holdout/*.js beside dist/api.js), the relative path does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { definePolicy, linux } = ((): typeof Api => { try { return require('hugecheck') as typeof Api; } catch { return require('../../api') as typeof Api; } })();

export default definePolicy(linux, {
  name: 'holdout/fault-fallback-subpool',
  description: 'a failed fault puts its page back into the subpool whatever it had cost globally (before a833a693a490, alloc_hugetlb_folio)',
  overrides: {
    allocHugetlbFolioSubpoolPut(s, spool, _gblChg) {
      this.hugepageSubpoolPutPages(s, spool, 1);
    },
  },
});
