/**
 * mremap of hugetlb mappings: kernel-semantics.md §7 (mm/mremap.c do_mremap, align_hugetlb,
 * move_vma / copy_vma_and_data; mm/hugetlb.c clear_vma_resv_huge_pages), kernel-observed 6a-6k,
 * kernel-findings §1.
 */
import type { Errno, Result } from '../scenario/types';
import type { Kernel } from './kernel';
import { findVma, getUnmappedArea, insertVma, type ModelState, type Process, type Vma } from './state';

export const mremapOps = {
  /** ..R-7.3. Generic checks (new_len 0 → EINVAL; nothing mapped at addr → EFAULT), then
   *  align_hugetlb, then shrink (munmap of the tail) and/or move. `p.vmas` is re-read after the
   *  shrink: the move takes whatever is mapped in [addr, addr + new_len) then. */
  doMremap(this: Kernel, s: ModelState, p: Process, addr: number, oldLen: number, newLen: number, newAddr: number | null): Result {
    if (newLen === 0) return 'EINVAL';
    const vma = findVma(p, addr);
    if (!vma) return 'EFAULT';
    const refused = this.alignHugetlb(s, vma, oldLen, newLen);
    if (refused) return refused;
    if (newAddr === null) {
      // Resize in place: same size is a no-op, a shrink unmaps the tail (kernel-observed 6c).
      if (newLen <= oldLen) return newLen < oldLen ? this.doMunmap(s, p, addr + newLen, addr + oldLen) : 'ok';
      return 'EINVAL'; // growth: only reachable under a policy that lets alignHugetlb pass
    }
    if (oldLen === 0) return 'EINVAL'; // a mirror: only reachable under a policy (MREMAP_MIRROR)
    if (newLen < oldLen) {
      // A move that shrinks (mremap_to: shrink_vma, then the move of what is left) needs what is
      // left, [addr, addr + new_len), inside the VMA at addr, checked before anything changes
      // (measured on 6.18: a hole there gives EFAULT with the tail still mapped, kernel-runs/k13);
      // the tail may span holes and other VMAs, all unmapped first (k35, k36), then the rest moves.
      if (vma.end < addr + newLen) return 'EFAULT';
      this.doMunmap(s, p, addr + newLen, addr + oldLen);
      this.moveVma(s, findVma(p, addr)!, addr, addr + newLen, newAddr);
      return 'ok';
    }
    // Since ≈6.17 a same-size MREMAP_FIXED move may span several VMAs and holes: each VMA
    // of the range moves to the same offset in the target; holes stay holes (kernel-runs/k10, k12).
    const end = addr + newLen;
    for (const v of p.vmas.filter((x) => x.end > addr && x.start < end)) {
      const from = Math.max(v.start, addr);
      this.moveVma(s, v, from, Math.min(v.end, end), newAddr + (from - addr));
    }
    return 'ok';
  },

  /** align_hugetlb: lengths are whole huge pages here; any growth is refused, and so is
   *  old_len 0 (a mirror request), for shared and private mappings alike (kernel-observed 6a, 6b, 6d). */
  alignHugetlb(this: Kernel, _s: ModelState, _vma: Vma, oldLen: number, newLen: number): Errno | null {
    return newLen > oldLen ? 'EINVAL' : null;
  },

  /** move: the copy shares the source's private data (map and flags) and takes a map
   *  reference; entries move without allocating; then the whole source VMA's reservation state is
   *  cleared and the moved range unmapped. A partial move of a private VMA therefore leaves the
   *  remainder without map or OWNER: its untouched reservations leak (kernel-observed 6g, 6k). */
  moveVma(this: Kernel, s: ModelState, vma: Vma, from: number, to: number, newAddr: number): void {
    const p = vma.proc;
    const copy: Vma = { ...vma, start: newAddr, end: newAddr + (to - from), pgoff: vma.pgoff + (from - vma.start) };
    insertVma(p, copy);
    this.hugetlbVmOpOpen(s, copy);
    for (let a = from; a < to; a++) {
      const folio = p.ptes.get(a);
      if (!folio) continue;
      p.ptes.delete(a);
      p.ptes.set(newAddr + (a - from), folio);
    }
    this.fixupHugetlbReservations(s, vma);
    this.doMunmap(s, p, from, to);
  },

  /** clear_vma_resv_huge_pages: drop the map reference and clear the private data of the whole
   *  (unsplit) source VMA (kernel-findings §1). */
  fixupHugetlbReservations(this: Kernel, s: ModelState, vma: Vma): void {
    if (vma.resvMap && vma.owner) vma.resvMap.refs--;
    this.hugetlbDupVmaPrivate(s, vma);
  },
} satisfies Partial<Kernel>;

export { getUnmappedArea };
