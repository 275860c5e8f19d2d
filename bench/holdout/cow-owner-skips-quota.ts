/**
 * holdout/cow-owner-skips-quota: the owner's copy-on-write allocates a page without charging the
 * mount's size= quota, which is credited when the page is freed, so used_hpages goes negative.
 *
 * Fixed upstream by "mm, hugetlb: fix subpool accounting handling" (Joonsoo Kim, 2013, part of
 * his hugetlb fault-scalability series, merged around v3.12-v3.15; commit id not pinned here:
 * approximate). Its message: "There is a case that we
 * attempt to allocate a hugepage with chg = 0 and avoid_reserve = 1 ... This happens when the
 * parent process that created a MAP_PRIVATE mapping is about to perform a COW due to a shared page
 * count ... In this case, we would not dequeue a reserved hugepage and, instead, try to allocate a
 * new hugepage. Therefore, we should check subpool counter for a new hugepage." Before it,
 * alloc_huge_page() charged the subpool only `if (chg)`; for the owner chg was 0, so the new page
 * got no quota charge, yet free_huge_page() put one back for it.
 *
 * Model function changed: allocHugetlbFolio (alloc_huge_page), its cow_from_owner (ENFORCED) branch:
 * no hugepage_subpool_get_pages() at all (nothing to undo on failure); the page still needs a free
 * unreserved page or a surplus one and records its subpool, as before. Only for subpools without
 * min_size= (added in v4.1, after this fix); on a min_size= mount the allocation is linux's.
 */
import type * as Api from '../../api';

// The CLI's policy loader (io/policy-loader.ts) resolves only the specifier 'hugecheck' to the
// API: a relative '../../api' does not resolve from this .ts file there (no api.js beside api.ts).
// Under ts-node, or once built (dist/bench/holdout/*.js beside dist/api.js), the relative path does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { definePolicy, linux } = ((): typeof Api => { try { return require('hugecheck') as typeof Api; } catch { return require('../../api') as typeof Api; } })();

export default definePolicy(linux, {
  name: 'holdout/cow-owner-skips-quota',
  description: 'the owner\'s COW allocates without charging the size= quota, which its free credits (before "mm, hugetlb: fix subpool accounting handling", 2013)',
  overrides: {
    allocHugetlbFolio(s, vma, idx, cowFromOwner) {
      const spool = vma.inode.spool;
      if (!cowFromOwner || (spool && spool.minHpages !== -1)) return linux.allocHugetlbFolio.call(this, s, vma, idx, cowFromOwner);
      // chg == 0 (the owner "has" its reservation) and avoid_reserve: no subpool charge.
      let folio = this.dequeueHugetlbFolioVma(s, 1);
      if (!folio) {
        folio = this.allocSurplusHugetlbFolio(s);
        if (!folio) return null;
      }
      folio.spool = spool; // set_page_private(page, spool): credited at free
      return folio;
    },
  },
});
