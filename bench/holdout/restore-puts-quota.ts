/**
 * holdout/restore-puts-quota: a page freed with its reservation restored also gives its size=
 * quota back, although the restored reservation still holds it; the next allocation from that
 * reservation charges nothing, and its free puts the quota back a second time: the mount's
 * used_hpages goes negative (statfs shows more free blocks than the mount has).
 *
 * Fixed upstream by 0919e1b69ab4 ("hugetlbfs: on restore reserve error path retain subpool
 * reservation", Mike Kravetz, v5.2). Its message: "The default action when freeing a huge page is
 * to decrement the usage count in any associated explicitly mounted filesystem. However, if the
 * reservation is to be restored the reservation/use count within the filesystem should not be
 * decrementd. Otherwise, a subsequent page allocation and free for the same mapping location will
 * cause the file filesystem usage to go 'negative'." ("Used -4.0M" in df.) Before it,
 * free_huge_page() called hugepage_subpool_put_pages(spool, 1) for every page, PagePrivate
 * (restore reserve) or not. At the time the flag reached free_huge_page() mostly on error paths;
 * in the model (6.18) the path that frees a page with the flag set is the restore-on-zap of an
 * owner's private page (MADV_DONTNEED, df7a6d1f6405), so the scenario uses that.
 *
 * Model function changed: freeHugeFolio (free_huge_folio): the subpool put is done whether or not
 * the restore-reserve flag is set; the rest is linux's (a zero return still forces a restore).
 */
import type * as Api from '../../api';

// The CLI's policy loader (io/policy-loader.ts) resolves only the specifier 'hugecheck' to the
// API: a relative '../../api' does not resolve from this .ts file there (no api.js beside api.ts).
// Under ts-node, or once built (dist/bench/holdout/*.js beside dist/api.js), the relative path does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { definePolicy, linux } = ((): typeof Api => { try { return require('hugecheck') as typeof Api; } catch { return require('../../api') as typeof Api; } })();

export default definePolicy(linux, {
  name: 'holdout/restore-puts-quota',
  description: 'a page freed with its reservation restored still gives its quota back to the subpool (before 0919e1b69ab4)',
  overrides: {
    freeHugeFolio(s, folio) {
      const h = s.h;
      const spool = folio.spool;
      let restore = folio.restoreReserve;
      folio.restoreReserve = false;
      folio.spool = null;
      folio.freed = true;
      // "if (hugepage_subpool_put_pages(spool, 1) == 0) restore_reserve = true;" unconditionally.
      if (this.hugepageSubpoolPutPages(s, spool, 1) === 0) restore = true;
      if (restore) h.resvHugePages++;
      if (this.freeReleasesSurplus(s, restore)) {
        h.nrHugePages--;
        h.surplusHugePages--;
      } else {
        h.freeHugePages++;
      }
    },
  },
});
