/**
 * madvise and mprotect on hugetlb mappings: kernel-semantics.md §9, R-8.4, R-6.1/R-6.2
 * (mm/madvise.c madvise_walk_vmas, madvise_dontneed_single_vma, madvise_remove; mm/mprotect.c).
 */
import type { Prot, Result } from '../scenario/types';
import type { Kernel, MmuGather } from './kernel';
import { vmaIndex, type ModelState, type Process, type Vma } from './state';

/** madvise_walk_vmas: the pieces of [from, to) that are mapped, and whether a hole was met
 *  (the advice applies to the mapped parts; a hole makes the call return ENOMEM). */
function walk(p: Process, from: number, to: number): { pieces: Array<[Vma, number, number]>; hole: boolean } {
  const pieces: Array<[Vma, number, number]> = [];
  let addr = from;
  let hole = false;
  for (const v of p.vmas) {
    if (v.end <= addr || v.start >= to) continue;
    if (v.start > addr) hole = true;
    const lo = Math.max(addr, v.start);
    const hi = Math.min(to, v.end);
    pieces.push([v, lo, hi]);
    addr = hi;
  }
  if (addr < to) hole = true;
  return { pieces, hole };
}

export const madviseOps = {
  /** ..R-9.3 MADV_DONTNEED: a zap without split or close. Private owner pages restore their
   *  reservation while Surp == 0 (12a); shared pages stay in the page cache (12c). Each VMA is
   *  zapped and its pages freed before the next one (madvise_dontneed_single_vma, one gather per
   *  VMA): a surplus page freed from the first piece is gone when the second is zapped, whose pages
   *  then restore their reservations (measured on 6.18: kernel-runs/k37). */
  madviseDontneed(this: Kernel, s: ModelState, p: Process, from: number, to: number): Result {
    const { pieces, hole } = walk(p, from, to);
    for (const [v, lo, hi] of pieces) {
      const tlb: MmuGather = [];
      this.unmapHugepageRange(s, v, lo, hi, tlb);
      this.tlbFinishMmu(s, tlb);
    }
    return hole ? 'ENOMEM' : 'ok';
  },

  /** MADV_REMOVE: needs a shared mapping (vma_is_shared_maywrite; private → EACCES), then
   *  punches the file range behind it (kernel-observed 7f). */
  madviseRemove(this: Kernel, s: ModelState, p: Process, from: number, to: number): Result {
    const { pieces, hole } = walk(p, from, to);
    for (const [v, lo, hi] of pieces) {
      if (!v.shared) return 'EACCES';
      this.hugetlbfsPunchHole(s, v.inode, vmaIndex(v, lo), vmaIndex(v, hi));
    }
    return hole ? 'ENOMEM' : 'ok';
  },

  /** mprotect: split at the ends and change protection; no accounting (kernel-observed 1c, 5d).
   *  A VMA that already has the protection is left alone (no split).
   *  Nothing mapped at `from` → ENOMEM; a later hole stops the walk with ENOMEM after the VMAs
   *  before it were changed. */
  mprotect(this: Kernel, s: ModelState, p: Process, from: number, to: number, prot: Prot): Result {
    let addr = from;
    while (addr < to) {
      let v = p.vmas.find((x) => x.start <= addr && addr < x.end);
      if (!v) return 'ENOMEM';
      if (v.prot === prot) {
        // mprotect_fixup: the same flags leave the VMA as it is, unsplit (measured on 6.18: a
        // "split" by a no-op mprotect followed by an mremap of one half leaked, kernel-runs/k14).
        addr = Math.min(v.end, to);
        continue;
      }
      if (v.start < addr) v = this.splitVma(s, v, addr);
      if (v.end > to) this.splitVma(s, v, to);
      v.prot = prot;
      addr = v.end;
    }
    return 'ok';
  },
} satisfies Partial<Kernel>;
