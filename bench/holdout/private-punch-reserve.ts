/**
 * holdout/private-punch-reserve: every fault in a private mapping's owner is taken to consume a
 * reservation, also at an index whose reservation a hole punch (or truncate) already used up; the
 * refault consumes a reservation it does not have and Rsvd goes negative.
 *
 * Fixed upstream by 67961f9db8c4 ("mm/hugetlb: fix huge page reserve accounting for private
 * mappings", Mike Kravetz, v4.7). Its message: "When creating a private mapping of a hugetlbfs file,
 * it is possible to unmap pages via ftruncate or fallocate hole punch. If subsequent faults
 * repopulate these mappings, the reserve counts will go negative. This is because the code
 * currently assumes all faults to private mappings will consume reserves. The problem can be
 * recreated as follows: mmap(MAP_PRIVATE) a file in hugetlbfs filesystem; write fault in pages in
 * the mapping; fallocate(FALLOC_FL_PUNCH_HOLE) some pages in the mapping; write fault in pages in
 * the hole. This will result in negative huge page reserve counts and negative subpool usage counts
 * for the hugetlbfs." Before it, __vma_reservation_common() returned 0 ("has a reservation") for any
 * private owner VMA, whatever its reserve map said; the fix made the private answer the opposite of
 * the map's (an entry means consumed). (Its follow-up 96b96a96ddee fixed error paths that the new
 * semantics exposed.) Since 6.8 a zap of an owner's page restores its reservation while no surplus
 * page exists (df7a6d1f6405), which hides the double consumption; with surplus pages present the
 * zap restores nothing, as every zap did in 2016, so the scenario runs with overcommit.
 *
 * Model functions changed: vmaNeedsReservation (vma_needs_reservation / __vma_reservation_common)
 * answers 0 for a private owner VMA with a reserve map, but only while allocHugetlbFolio
 * (alloc_huge_page) asks, which is where the 2016 kernel used it; the restore-on-zap of
 * __unmap_hugepage_range, which did not exist then, keeps the fixed answer (with the old one every
 * restored zap would leak a reservation, a failure the 2016 kernel could not have). Shared VMAs,
 * children and NORESERVE private VMAs are linux's.
 */
import type * as Api from '../../api';

// The CLI's policy loader (io/policy-loader.ts) resolves only the specifier 'hugecheck' to the
// API: a relative '../../api' does not resolve from this .ts file there (no api.js beside api.ts).
// Under ts-node, or once built (dist/bench/holdout/*.js beside dist/api.js), the relative path does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { definePolicy, linux } = ((): typeof Api => { try { return require('hugecheck') as typeof Api; } catch { return require('../../api') as typeof Api; } })();

/** Nesting depth of allocHugetlbFolio calls (the model is sequential). */
let inAlloc = 0;

export default definePolicy(linux, {
  name: 'holdout/private-punch-reserve',
  description: 'a private owner\'s fault always consumes a reservation, also after a punch or truncate used it up (before 67961f9db8c4)',
  overrides: {
    allocHugetlbFolio(s, vma, idx, cowFromOwner) {
      inAlloc++;
      try {
        return linux.allocHugetlbFolio.call(this, s, vma, idx, cowFromOwner);
      } finally {
        inAlloc--;
      }
    },
    vmaNeedsReservation(s, vma, idx) {
      if (inAlloc > 0 && !vma.shared && vma.resvMap && vma.owner) return 0; // "all faults to private mappings will consume reserves"
      return linux.vmaNeedsReservation.call(this, s, vma, idx);
    },
  },
});
