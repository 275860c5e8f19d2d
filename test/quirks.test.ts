/**
 * Every kernel quirk the model reproduces is pinned down by the goldens: switching it off through a
 * policy override makes at least one golden fail (and the golden measured for it among them).
 * This also shows the policy seam works: each variant is an override of one or two named functions.
 */
import { describe, expect, test } from '@jest/globals';
import type { Kernel } from '../model/kernel';
import { definePolicy, type Policy } from '../model/policy';
import { linux } from '../model/policies/linux';
import { runOnModel } from '../run/model';
import { vmaIndex, type Folio, type Vma } from '../model/state';
import { loadGoldens } from './support/goldens';

const goldens = loadGoldens();

function failingGoldens(policy: Policy): string[] {
  return goldens.filter((g) => runOnModel(g.scenario, policy).mismatches.length > 0).map((g) => g.file);
}

const variant = (name: string, overrides: Partial<Kernel>) => definePolicy(linux, { name, description: `test: ${name}`, overrides });

/** A huge zero page shared by every read fault: never accounted, never freed. */
const ZERO_PAGE: Folio = { id: 0, value: 0, mapcount: 0, inCache: true, anon: false, restoreReserve: false, spool: null, freed: false };

const quirks: Array<{ quirk: string; policy: Policy; measuredIn: string }> = [
  {
    quirk: 'read faults allocate (no huge zero page)',
    measuredIn: '1a-private-anon-basic',
    policy: variant('zero-page-reads', {
      hugetlbNoPage(s, p, vma, addr, write) {
        if (!write && !vma.shared && !vma.unmapped && !vma.inode.cache.has(vmaIndex(vma, addr)) && vmaIndex(vma, addr) < vma.inode.size) {
          ZERO_PAGE.mapcount++;
          p.ptes.set(addr, ZERO_PAGE);
          return 'ok';
        }
        return linux.hugetlbNoPage.call(this, s, p, vma, addr, write);
      },
    }),
  },
  {
    quirk: 'restore on zap only while Surp is 0',
    measuredIn: '10e-shrink-dontneed-no-restore',
    policy: variant('restore-despite-surplus', {
      zapRestoresReserve(_s, vma: Vma, folio: Folio) {
        return !vma.shared && vma.resvMap !== null && vma.owner && folio.anon;
      },
    }),
  },
  {
    quirk: 'Rsvd goes negative while a child still maps a page the owner dropped',
    measuredIn: '4k-owner-munmap-child-maps',
    policy: variant('restore-only-exclusive', {
      zapRestoresReserve(s, vma, folio) {
        // The fix kernel-findings §2 suggests: restore only a page no one else maps.
        return folio.mapcount === 1 && linux.zapRestoresReserve.call(this, s, vma, folio);
      },
    }),
  },
  {
    quirk: 'a partial private mremap move leaks the remainder\'s reservations',
    measuredIn: '6g-partial-move-leak',
    policy: variant('split-before-move', {
      moveVma(s, vma, from, to, newAddr) {
        // Clear only the moved piece: split first (one fix kernel-findings §1 suggests).
        let piece = vma;
        if (piece.start < from) piece = this.splitVma(s, piece, from);
        if (piece.end > to) this.splitVma(s, piece, to);
        linux.moveVma.call(this, s, piece, from, to, newAddr);
      },
    }),
  },
  {
    quirk: 'punch hole keeps the reservations of untouched pages',
    measuredIn: '7c-punch-hole-shared',
    policy: variant('punch-drops-untouched', {
      hugetlbfsPunchHole(s, inode, start, end) {
        const r = linux.hugetlbfsPunchHole.call(this, s, inode, start, end);
        this.hugetlbUnreservePages(s, inode, start, end, 0);
        return r;
      },
    }),
  },
  {
    quirk: 'punch hole zaps private COW copies too',
    measuredIn: '7d-truncate-punch-private-cow',
    policy: variant('punch-spares-private', {
      hugetlbfsPunchHole(s, inode, start, end) {
        const saved = [...inode.mmaps].filter((v) => !v.shared);
        for (const v of saved) inode.mmaps.delete(v);
        const r = linux.hugetlbfsPunchHole.call(this, s, inode, start, end);
        for (const v of saved) inode.mmaps.add(v);
        return r;
      },
    }),
  },
  {
    quirk: 'fallocate\'s partial ENOSPC keeps the pages it allocated',
    measuredIn: '8c-fallocate-partial-enospc',
    policy: variant('atomic-fallocate', {
      hugetlbfsFallocate(s, inode, offset, len) {
        const before = new Set(inode.cache.keys());
        const r = linux.hugetlbfsFallocate.call(this, s, inode, offset, len);
        if (r !== 'ok') {
          for (let i = offset; i < offset + len; i++) {
            if (!before.has(i) && inode.cache.has(i)) this.hugetlbfsPunchHole(s, inode, i, i + 1);
          }
        }
        return r;
      },
    }),
  },
];

describe('each quirk is pinned down by the goldens', () => {
  test('linux itself passes every golden', () => {
    expect(failingGoldens(linux)).toEqual([]);
  });

  test.each(quirks.map((q) => [q.quirk, q] as const))('switching off: %s', (_q, q) => {
    const failing = failingGoldens(q.policy);
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.some((f) => f.includes(q.measuredIn))).toBe(true);
  });
});
