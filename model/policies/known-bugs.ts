/**
 * Known kernel bugs: invariant breaks of Linux 6.18 that the `linux` policy reproduces on purpose.
 * A violation found under `linux` is labelled with one of these only when its counterexample holds
 * under that bug's fix policy (the checker does that).
 */
import { definePolicy, type Policy } from '../policy';
import { bugFromFix, type Bug, type Fix } from './bugs';
import { fixFailedFaultSizeQuota, fixFailedReserveMinSize, fixForkAfterStealReadsZero, fixMremapPartialPrivate, fixRestoreReserveStillMapped, fixSurplusRestoreRelease } from './fixes';
import { linux } from './linux';

/** How to tell on a real kernel whether it has the bug: a golden scenario on which the model with
 *  the bug and the model without it observe different things (the known-bug probe runs it and says
 *  which of the two the kernel did), or why no scenario may be run for it. */
export type Probe = { golden: string } | { unsafe: string };

/** Where upstream Linux stands on a bug, as of the newest sources read (mainline, stable, the mm
 *  tree, linux-next and the public mailing-list archives up to mid-October 2026). */
export interface Upstream {
  /** The commit that brought the bug in, with its release. */
  introduced: string;
  mainline: 'fixed' | 'fix queued' | 'present';
  /** One sentence: the fix and where it is, or what is known. */
  detail: string;
}

export const UPSTREAM_AS_OF = 'October 2026';

export interface KnownBug extends Bug {
  explanation: string;
  /** Kernel functions and documents. */
  reference: string;
  probe: Probe;
  upstream: Upstream;
}

/** The upstream status in a few words: "fixed in mainline (v7.3 cycle), not in 6.18.y". */
export function upstreamStatus(b: KnownBug): string {
  const where = b.upstream.mainline === 'fixed' ? `fixed in mainline: ${b.upstream.detail}` : b.upstream.mainline === 'fix queued' ? `fix queued upstream: ${b.upstream.detail}` : `still in mainline: ${b.upstream.detail}`;
  return `${where}; introduced by ${b.upstream.introduced} (upstream status as of ${UPSTREAM_AS_OF})`;
}

const known = (b: { id: string; title: string; explanation: string; reference: string; fix: Fix; probe: Probe; upstream: Upstream }): KnownBug => ({ ...bugFromFix(b.id, b.title, b.fix), explanation: b.explanation, reference: b.reference, probe: b.probe, upstream: b.upstream });

/** The known bugs of Linux 6.18, which are also the list of their fixes. */
export const KNOWN_BUGS: readonly KnownBug[] = [
  known({
    id: 'mremap-partial-private',
    title: 'A partial mremap move of a private mapping leaks reservations and ownership',
    explanation:
      'copy_vma_and_data() calls fixup_hugetlb_reservations() (clear_vma_resv_huge_pages) on the whole, unsplit source VMA before the moved range is split off, so the part ' +
      'left behind has no reserve map and no HPAGE_RESV_OWNER: its untouched reservations are never returned (until reboot), and its copy-on-write after fork gets SIGBUS in the owner.',
    reference: 'mm/mremap.c copy_vma_and_data, mm/hugetlb.c clear_vma_resv_huge_pages; kernel-findings.md §1; kernel-observed.md 6g, 6k',
    fix: fixMremapPartialPrivate,
    probe: { unsafe: 'every reproduction leaks reservations until reboot' },
    upstream: { introduced: '550a7d60bd5e (v5.16, mremap of hugetlb mappings)', mainline: 'present', detail: 'fixup_hugetlb_reservations() still clears the whole unsplit source VMA; not reported' },
  }),
  known({
    id: 'restore-reserve-still-mapped',
    title: 'Restore-on-zap gives back a reservation for a page a fork child still maps',
    explanation:
      '__unmap_hugepage_range() sets the restore-reserve flag and un-consumes the index when the owner zaps an anonymous page, without checking that the page is freed now. ' +
      'While a child still maps it, the map shows the reservation but Rsvd only gets it back when the child frees the page: Rsvd runs low or negative, and a reserved fault can SIGBUS.',
    reference: 'mm/hugetlb.c __unmap_hugepage_range (since df7a6d1f6405, v6.8); kernel-findings.md §2; kernel-observed.md 4j, 4k, 4m, 4n, 4n2, 4o, 4p',
    fix: fixRestoreReserveStillMapped,
    probe: { golden: 'scenarios/golden/observed/4m-owner-dontneed-shared-page.json' },
    upstream: { introduced: 'df7a6d1f6405 (v6.8)', mainline: 'fixed', detail: 'the v7.3 cycle restores only once the folio is no longer mapped; not in 6.18.y' },
  }),
  known({
    id: 'surplus-restore-release',
    title: 'With surplus pages, a restored reservation loses its page',
    explanation:
      'free_huge_folio() restores a reservation (a min_size subpool refilling its reserve, or an error path) and, because surplus pages exist, releases the page to the buddy ' +
      'allocator in the same call: Rsvd exceeds Free, and a reserved fault that finds no page and no overcommit room gets SIGBUS.',
    reference: 'mm/hugetlb.c free_huge_folio, hugepage_subpool_put_pages; kernel-semantics.md R-1.6, I-3; scenarios/golden/kernel-runs/k3-min-size-surplus-restore.json',
    fix: fixSurplusRestoreRelease,
    probe: { golden: 'scenarios/golden/kernel-runs/k3-min-size-surplus-restore.json' },
    upstream: { introduced: '1c5ecae3a93f (v4.1, subpool min_size accounting)', mainline: 'present', detail: 'free_huge_folio() still releases a surplus page whose reservation it restores; not reported' },
  }),
  known({
    id: 'failed-reserve-min-size',
    title: 'A failed reservation on a size=,min_size= mount gives the mount\'s reserve away',
    explanation:
      'When hugetlb_reserve_pages() fails after the subpool handed out min_size pages, out_put_pages puts them back while used_hpages still counts the whole request, ' +
      'so hugepage_subpool_put_pages() skips the refill and they are dropped from Rsvd instead of returning to the subpool\'s reserve. The failed call changes Rsvd; ' +
      'unmounting before a later reservation re-balances the subpool releases min_size again and leaves Rsvd negative until reboot.',
    reference: 'mm/hugetlb.c hugetlb_reserve_pages (out_put_pages), hugepage_subpool_put_pages; scenarios/golden/kernel-runs/k4-failed-reserve-min-size.json',
    fix: fixFailedReserveMinSize,
    probe: { golden: 'scenarios/golden/kernel-runs/k4-failed-reserve-min-size.json' },
    upstream: { introduced: 'a833a693a490 (v6.15)', mainline: 'present', detail: 'out_put_pages still puts the pages back before undoing used_hpages; 1d3f9bb4c8af (January 2026) fixed a related leak on the same path and kept the order' },
  }),
  known({
    id: 'failed-fault-size-quota',
    title: 'A failed fault keeps the size= quota it charged',
    explanation:
      'alloc_hugetlb_folio() charges the subpool before looking for a page; when none is found it returns the charge only if it came from the min_size reserve ' +
      '(map_chg && !gbl_chg). A plain size= charge stays: statfs free blocks drop without an allocation, and stay low until the mount goes.',
    reference: 'mm/hugetlb.c alloc_hugetlb_folio (out_subpool_put); scenarios/golden/kernel-runs/k5-failed-fault-size-quota.json',
    fix: fixFailedFaultSizeQuota,
    probe: { golden: 'scenarios/golden/kernel-runs/k11-populate-retries-failed-fault.json' },
    upstream: { introduced: 'a833a693a490 (v6.15)', mainline: 'fix queued', detail: 'mm/hugetlb: fix max-only subpool accounting on alloc_hugetlb_folio failure (v3, April 2026) is in mm-hotfixes-unstable and linux-next since September 2026, not yet in mainline' },
  }),
  known({
    id: 'fork-after-steal-reads-zero',
    title: 'The fork child of a child whose page the owner took back reads a fresh zero page',
    explanation:
      'When the owner\'s copy-on-write finds no page, unmap_ref_private() takes the page from the fork children and marks their VMAs HPAGE_RESV_UNMAPPED, so ' +
      'hugetlb_no_page() answers their next fault with SIGBUS. When such a child forks, hugetlb_dup_vma_private() clears the reserve state of the copy, the mark ' +
      'included: the grandchild\'s fault allocates a fresh zero page, and the data it inherited is lost without a signal.',
    reference: 'mm/hugetlb.c hugetlb_dup_vma_private, unmap_ref_private, hugetlb_no_page; scenarios/golden/kernel-runs/k15-fork-after-steal-reads-zero.json',
    fix: fixForkAfterStealReadsZero,
    probe: { golden: 'scenarios/golden/kernel-runs/k15-fork-after-steal-reads-zero.json' },
    upstream: { introduced: '04f2cbe35699 (v2.6.27)', mainline: 'present', detail: 'hugetlb_dup_vma_private() still clears HPAGE_RESV_UNMAPPED at fork; not reported' },
  }),
];

/** `linux` with every known bug taken out. */
export const linuxFixed: Policy = definePolicy(
  KNOWN_BUGS.reduce((p, b) => b.fix(p), linux),
  {
    name: 'linux-fixed',
    description: 'linux with its invariant breaks repaired: mremap clears only the moved piece, restore-on-zap only for unshared pages, a restored reservation keeps its page, a failed reservation refills the subpool, a failed fault returns its quota, a fork keeps HPAGE_RESV_UNMAPPED',
    overrides: {},
  },
);
