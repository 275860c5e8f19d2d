/**
 * Policies with one rule deliberately broken: historical bugs from bug-zoo.md (`bug/Bnn-...`)
 * and hand-made breaks (`mutant/...`). Each invariant of the catalogue names one that breaks it.
 */
import type { Kernel } from '../kernel';
import { definePolicy, type Policy } from '../policy';
import { regionChg } from '../resv';
import { findVma } from '../state';
import { linux } from './linux';
import { bugFromChange, bugPolicies, type Bug } from './bugs';

const mutant = (name: string, description: string, overrides: Partial<Kernel>): Policy => definePolicy(linux, { name, description, overrides });

/** A zoo bug `bug/<id>`; `seed` names the seed design (model/policies/seeds.ts) that is the same change. */
const zoo = (id: string, description: string, overrides: Partial<Kernel>, seed?: readonly [name: string, description: string]): Bug =>
  bugFromChange(id, description, [[`bug/${id}`, description], ...(seed ? [seed] : [])], overrides);

/** The policy a zoo bug goes by under a name (its `bug/...` name or its seed design's). */
export function zooPolicy(name: string): Policy {
  for (const b of ZOO_BUGS) {
    const k = b.names.indexOf(name);
    if (k >= 0) return bugPolicies(b)[k]!;
  }
  throw new Error(`no zoo bug goes by ${name}`);
}

/** The zoo's historical bugs, each with the seed design that makes the same change, when one does. */
export const ZOO_BUGS: readonly Bug[] = [
  zoo('B01-chunk-overcommit', 'admission ignores outstanding reservations: gather_surplus_pages compares with Free, not Free - Rsvd (bug-zoo B01)', {
    gatherSurplusPages(s, delta) {
      const h = s.h;
      if (delta <= h.freeHugePages) {
        h.resvHugePages += delta;
        return true;
      }
      return linux.gatherSurplusPages.call(this, s, delta);
    },
  }),
  zoo('B03-truncate-rsvd-wraparound', 'truncate releases the reservations of indices already consumed by pages, so Rsvd wraps (bug-zoo B03)', {
    hugetlbUnreservePages(s, inode, start, end, freed) {
      linux.hugetlbUnreservePages.call(this, s, inode, start, end, end === Infinity ? 0 : freed);
    },
  }),
  zoo('B06-pool-shrink-below-reserve', 'shrinking nr_hugepages frees reserved pages: the floor is the request alone (bug-zoo B06)', {
    setMaxHugePages(s, count) {
      const h = s.h;
      if (count >= h.nrHugePages - h.surplusHugePages) return linux.setMaxHugePages.call(this, s, count);
      while (count < h.nrHugePages - h.surplusHugePages && h.freeHugePages > 0) {
        h.nrHugePages--;
        h.freeHugePages--;
      }
      while (count < h.nrHugePages - h.surplusHugePages && h.surplusHugePages < h.nrHugePages) h.surplusHugePages++;
    },
  }),
  zoo('B10-private-unreserved', 'MAP_PRIVATE reserves nothing, as before 2.6.27 (bug-zoo B10)', {
    hugetlbReservePages(s, inode, from, to, vma, noreserve) {
      if (vma && !vma.shared) return true;
      return linux.hugetlbReservePages.call(this, s, inode, from, to, vma, noreserve);
    },
  }, ['pre-private-reserves', 'private mappings reserve nothing (kernels before 2.6.27)']),
  ((): Bug => {
    // The first private reservations kept a plain count per VMA: a split copied it into each piece.
    const whole = new WeakMap<object, [number, number]>();
    return zoo('B11-private-vma-split', 'each piece of a split private mapping returns the whole mapping\'s unconsumed reservations at close (bug-zoo B11)', {
      hugetlbReservePages(s, inode, from, to, vma, noreserve) {
        const ok = linux.hugetlbReservePages.call(this, s, inode, from, to, vma, noreserve);
        if (ok && vma?.resvMap) whole.set(vma.resvMap, [from, to]);
        return ok;
      },
      hugetlbVmOpClose(s, vma) {
        const range = vma.resvMap && vma.owner ? whole.get(vma.resvMap) : undefined;
        if (!range) return linux.hugetlbVmOpClose.call(this, s, vma);
        let consumed = 0;
        for (let i = range[0]; i < range[1]; i++) if (vma.resvMap!.consumed.has(i)) consumed++;
        const reserve = range[1] - range[0] - consumed;
        if (reserve) this.hugetlbAcctMemory(s, -this.hugepageSubpoolPutPages(s, vma.inode.spool, reserve));
        vma.resvMap!.refs--;
      },
    });
  })(),
  zoo('B12-fork-cow-owner', 'the owner\'s copy-on-write never takes the page back from its children (bug-zoo B12)', {
    unmapRefPrivate() {},
  }, ['reserve-until-fork', 'private reservations for the creator, but no taking pages back from children on COW (2008, without patch 3)']),
  zoo('B19-noresv-steals-reserved', 'an unreserved fault may take any free page, reserved or not (bug-zoo B19)', {
    dequeueHugetlbFolioVma(s, _gblChg) {
      return linux.dequeueHugetlbFolioVma.call(this, s, 0);
    },
  }),
  zoo('B23-hole-punch-shared-double-consume', 'every shared fault is treated as reserved, also in a punched hole (bug-zoo B23)', {
    vmaNeedsReservation(s, vma, idx) {
      return vma.shared ? 0 : linux.vmaNeedsReservation.call(this, s, vma, idx);
    },
  }),
  zoo('B32-mremap-reservation-transfer', 'mremap leaves the old VMA\'s reservation state in place, so both VMAs return it (bug-zoo B32)', {
    fixupHugetlbReservations() {},
  }),
  zoo('B34-madvise-dontneed-private-lost-reserve', 'zapping an owner\'s page never restores its reservation, as before 6.8 (bug-zoo B34)', {
    zapRestoresReserve: () => false,
  }, ['no-restore-on-zap', 'kernels before the 2024 restore-on-zap change: zapping an owner\'s page consumes its reservation']),
];

/** The zoo's bugs as policies (`bug/...`), then the hand-made breaks (`mutant/...`). */
export const MUTANTS: readonly Policy[] = [
  ...ZOO_BUGS.map((b) => bugPolicies(b)[0]!),
  mutant('mutant/no-undo-on-enomem', 'a reservation that fails keeps the surplus pages it allocated', {
    gatherSurplusPages(s, delta) {
      const h = s.h;
      if (linux.gatherSurplusPages.call(this, s, delta)) return true;
      while (h.surplusHugePages < h.nrOvercommitHugePages) {
        h.nrHugePages++;
        h.surplusHugePages++;
        h.freeHugePages++;
      }
      return false;
    },
  }),
  mutant('mutant/private-write-through', 'a private write to a page-cache page writes the file\'s page instead of copying it', {
    hugetlbWp(s, p, vma, addr, old) {
      if (!vma.shared && !old.anon) return 'ok';
      return linux.hugetlbWp.call(this, s, p, vma, addr, old);
    },
  }),
  mutant('mutant/fault-beyond-eof', 'a fault beyond the end of a file allocates instead of SIGBUS', {
    hugetlbNoPage(s, p, vma, addr, write) {
      const inode = vma.inode;
      const saved = inode.size;
      inode.size = Number.MAX_SAFE_INTEGER;
      try {
        return linux.hugetlbNoPage.call(this, s, p, vma, addr, write);
      } finally {
        inode.size = saved;
      }
    },
  }),
  mutant('mutant/subpool-ignores-size', 'the size= quota is charged but never enforced', {
    hugepageSubpoolGetPages(s, spool, delta) {
      if (!spool || spool.maxHpages === -1) return linux.hugepageSubpoolGetPages.call(this, s, spool, delta);
      const max = spool.maxHpages;
      spool.maxHpages = Number.MAX_SAFE_INTEGER;
      try {
        return linux.hugepageSubpoolGetPages.call(this, s, spool, delta);
      } finally {
        spool.maxHpages = max;
      }
    },
  }),
  mutant('mutant/close-keeps-quota', 'closing a private mapping returns its unused reservations to the pool but not to the mount\'s size= quota (used_hpages)', {
    hugetlbVmOpClose(s, vma) {
      const spool = vma.inode.spool;
      if (!spool || spool.maxHpages === -1) return linux.hugetlbVmOpClose.call(this, s, vma);
      const used = spool.usedHpages;
      linux.hugetlbVmOpClose.call(this, s, vma);
      spool.usedHpages = used;
    },
  }),
  mutant('mutant/min-size-reserve-ignored', 'a reservation on a min_size= mount is admitted only if the pool alone could back it, as if the mount\'s reserve were not there', {
    hugetlbReservePages(s, inode, from, to, vma, noreserve) {
      const spool = inode.spool;
      if (!noreserve && spool && spool.minHpages !== -1) {
        const h = s.h;
        const chg = !vma || vma.shared ? regionChg(inode.resvMap, from, to) : to - from;
        if (chg > h.freeHugePages - h.resvHugePages + Math.max(h.nrOvercommitHugePages - h.surplusHugePages, 0)) return false;
      }
      return linux.hugetlbReservePages.call(this, s, inode, from, to, vma, noreserve);
    },
  }),
  mutant('mutant/steal-always', 'the owner\'s copy-on-write takes the page back from its children even when the pool has a free page', {
    hugetlbWp(s, p, vma, addr, old) {
      if (!vma.shared && vma.owner && old.anon && old.mapcount > 1) {
        this.unmapRefPrivate(s, vma, old, addr);
        if (old.mapcount === 1) return 'ok';
      }
      return linux.hugetlbWp.call(this, s, p, vma, addr, old);
    },
  }),
  mutant('mutant/dequeue-needs-two', 'an allocation without a reservation takes a free page only while two or more are unreserved (an off-by-one in the availability test of dequeue_hugetlb_folio_vma)', {
    dequeueHugetlbFolioVma(s, gblChg) {
      if (gblChg && s.h.freeHugePages - s.h.resvHugePages < 2) return null;
      return linux.dequeueHugetlbFolioVma.call(this, s, gblChg);
    },
  }),
  mutant('mutant/write-through-read-only', 'a write to a read-only mapping is let through to the fault handler instead of SIGSEGV (the protection check of do_user_addr_fault reads only PROT_NONE)', {
    doUserAddrFault(s, p, addr, write) {
      const vma = findVma(p, addr);
      if (vma && write && vma.prot === 'r') return this.hugetlbFault(s, p, vma, addr, write);
      return linux.doUserAddrFault.call(this, s, p, addr, write);
    },
  }),
  mutant('mutant/shrink-keeps-free', 'a write that shrinks nr_hugepages frees nothing: every page it does not free becomes surplus (set_max_huge_pages without free_pool_huge_folio)', {
    setMaxHugePages(s, count) {
      const h = s.h;
      if (count >= h.nrHugePages - h.surplusHugePages) return linux.setMaxHugePages.call(this, s, count);
      while (count < h.nrHugePages - h.surplusHugePages && h.surplusHugePages < h.nrHugePages) h.surplusHugePages++;
    },
  }),
  mutant('mutant/overcommit-off-by-one', 'alloc_surplus_hugetlb_folio allows one surplus page beyond nr_overcommit_hugepages (> where the kernel has >=)', {
    allocSurplusHugetlbFolio(s) {
      const h = s.h;
      if (h.surplusHugePages > h.nrOvercommitHugePages) return null;
      if (h.surplusHugePages === h.nrOvercommitHugePages) {
        h.nrOvercommitHugePages++;
        const f = linux.allocSurplusHugetlbFolio.call(this, s);
        h.nrOvercommitHugePages--;
        return f;
      }
      return linux.allocSurplusHugetlbFolio.call(this, s);
    },
  }),
];
