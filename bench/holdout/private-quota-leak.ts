/**
 * holdout/private-quota-leak: a private (anonymous) huge page never gives its size= quota back when
 * it is freed; after the mapping is gone the mount still counts the page as used, and a mapping that
 * fits the quota is refused.
 *
 * Fixed upstream by c79fb75e5a51 ("hugetlb: fix quota management for private mappings", Adam Litke,
 * v2.6.24). Its message: "The hugetlbfs quota management system was never taught to handle
 * MAP_PRIVATE mappings when that support was added. Currently, quota is debited at page
 * instantiation and credited at file truncation. This approach works correctly for shared pages but
 * is incomplete for private pages. ... private pages are invisible to truncate_hugepages() so that
 * function will not credit the quota. This patch ... moves quota crediting for all pages into
 * free_huge_page()." The symptom: after a private mapping's page is gone, a mapping that fits the
 * quota is refused.
 *
 * Model function changed: freeHugeFolio (free_huge_page): an anonymous folio is freed as if it had
 * no subpool (no hugepage_subpool_put_pages), on subpools without min_size= (which came in v4.1).
 * Approximation: in 2.6.23 the quota was debited at fault time, here (as since 2.6.27) a private
 * page takes over the charge its reservation made at mmap; the page's quota is lost either way. (Private COW copies were not debited in 2.6.23 and are
 * here; the scenario has none.) Since 6.8 a zap of an owner's page while no surplus page exists
 * restores its reservation (df7a6d1f6405), and the close of the mapping then returns the quota with
 * that reservation, whatever the freed page does; the scenario therefore runs on surplus pages
 * (nr_hugepages 0, overcommit 1), where the zap restores nothing, as every zap did in 2007.
 */
import type * as Api from '../../api';

// The CLI's policy loader (io/policy-loader.ts) resolves only the specifier 'hugecheck' to the
// API: a relative '../../api' does not resolve from this .ts file there (no api.js beside api.ts).
// Under ts-node, or once built (dist/bench/holdout/*.js beside dist/api.js), the relative path does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { definePolicy, linux } = ((): typeof Api => { try { return require('hugecheck') as typeof Api; } catch { return require('../../api') as typeof Api; } })();

export default definePolicy(linux, {
  name: 'holdout/private-quota-leak',
  description: 'a freed private (anonymous) page keeps its size= quota charge (before c79fb75e5a51)',
  overrides: {
    freeHugeFolio(s, folio) {
      // Only truncate_hugepages() credited quota. (min_size= subpools came in v4.1: linux's there.)
      if (folio.anon && folio.spool && folio.spool.minHpages === -1) folio.spool = null;
      linux.freeHugeFolio.call(this, s, folio);
    },
  },
});
