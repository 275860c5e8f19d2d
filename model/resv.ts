/**
 * Reserve maps (kernel-semantics.md; mm/hugetlb.c region_* and __vma_reservation_common).
 *
 * A map is a set of file indices. For a shared mapping it is the inode's map (index present =
 * reserved, or consumed by a page now in the page cache); for a private mapping it is the VMA's map
 * (index present = reservation consumed). The kernel's region descriptors and adds_in_progress are
 * implementation detail (only visible with CONFIG_DEBUG_VM, I-11) and are not modelled.
 */
import type { Kernel } from './kernel';
import type { ModelState, Vma } from './state';

/** region_chg: how many indices of [from, to) are not in the map. */
export function regionChg(map: Set<number>, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (!map.has(i)) n++;
  return n;
}

/** region_add: insert [from, to); returns how many were new. */
export function regionAdd(map: Set<number>, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    if (!map.has(i)) {
      map.add(i);
      n++;
    }
  }
  return n;
}

/** region_del: remove [from, to) (to may be Infinity); returns how many were removed. */
export function regionDel(map: Set<number>, from: number, to: number): number {
  let n = 0;
  for (const i of [...map]) {
    if (i >= from && i < to) {
      map.delete(i);
      n++;
    }
  }
  return n;
}

/** region_count: how many indices of [from, to) are in the map. */
export function regionCount(map: Set<number>, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (map.has(i)) n++;
  return n;
}

export const resvOps = {
  /** vma_needs_reservation: shared → region_chg on the inode map; private owner → 1 if the
   *  index was consumed; a private VMA without a map (child, NORESERVE, cleared by mremap) → 1. */
  vmaNeedsReservation(this: Kernel, _s: ModelState, vma: Vma, idx: number): number {
    if (vma.shared) return vma.inode.resvMap.has(idx) ? 0 : 1;
    const resv = vma.resvMap;
    if (!resv) return 1;
    return resv.consumed.has(idx) ? 1 : 0;
  },

  /** vma_commit_reservation: shared → region_add; private → mark consumed. */
  vmaCommitReservation(this: Kernel, _s: ModelState, vma: Vma, idx: number): number {
    if (vma.shared) {
      const map = vma.inode.resvMap;
      if (map.has(idx)) return 0;
      map.add(idx);
      return 1;
    }
    const resv = vma.resvMap;
    if (!resv) return 1;
    if (resv.consumed.has(idx)) return 1;
    resv.consumed.add(idx);
    return 0;
  },

  /** vma_add_reservation: shared → region_add; private → region_del (un-consume). */
  vmaAddReservation(this: Kernel, _s: ModelState, vma: Vma, idx: number): void {
    if (vma.shared) vma.inode.resvMap.add(idx);
    else vma.resvMap?.consumed.delete(idx);
  },
} satisfies Partial<Kernel>;
