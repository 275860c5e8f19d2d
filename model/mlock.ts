/**
 * mlock and munlock of hugetlb mappings, and the population they share with MAP_POPULATE and
 * MAP_LOCKED (mm/mlock.c do_mlock, apply_vma_lock_flags, mlock_fixup; mm/gup.c __mm_populate,
 * populate_vma_page_range). hugetlb VMAs never carry VM_LOCKED: mlock_fixup leaves them alone, so
 * locking changes nothing but the pages faulted in. Measured on 6.18: docs/mlock.md, goldens
 * scenarios/golden/kernel-runs/k17-*.
 */
import type { Errno, Result } from '../scenario/types';
import type { Kernel } from './kernel';
import type { ModelState, Process, Vma } from './state';

export const mlockOps = {
  /** apply_vma_lock_flags: the range must be mapped throughout, else ENOMEM before anything is
   *  done; mlock_fixup skips hugetlb VMAs (no VM_LOCKED, no split). Used by mlock and munlock. */
  applyVmaLockFlags(this: Kernel, _s: ModelState, p: Process, from: number, to: number): Errno | null {
    let addr = from;
    for (const v of p.vmas) {
      if (v.end <= addr) continue;
      if (v.start > addr) return 'ENOMEM';
      addr = v.end;
      if (addr >= to) return null;
    }
    return 'ENOMEM';
  },

  /** populate_vma_page_range through __mm_populate, for [from, to) of one VMA: write faults for a
   *  writable private mapping (breaking copy-on-write), read faults otherwise. A PROT_NONE VMA
   *  fails at once, before any fault (GUP refuses an inaccessible VMA: measured, docs/mlock.md). GUP stops at the first failing fault and reports the pages done; __mm_populate then
   *  starts again at the failing page, which faults a second time before the error is returned
   *  (kernel run k11). Returns false when a fault failed. */
  populateVmaPageRange(this: Kernel, s: ModelState, p: Process, vma: Vma, from: number, to: number): boolean {
    if (vma.prot === 'none') return false;
    const write = !vma.shared && vma.prot === 'rw';
    for (let addr = from; addr < to; addr++) {
      if (this.hugetlbFault(s, p, vma, addr, write) === 'ok') continue;
      if (addr > from) this.hugetlbFault(s, p, vma, addr, write);
      return false;
    }
    return true;
  },

  /** do_mlock: apply_vma_lock_flags, then __mm_populate(start, len, ignore_errors = 0) VMA by VMA;
   *  the first failed fault ends it with -EFAULT, which mlock reports as ENOMEM
   *  (__mlock_posix_error_return). Pages faulted before the failure stay. */
  doMlock(this: Kernel, s: ModelState, p: Process, from: number, to: number): Result {
    const refused = this.applyVmaLockFlags(s, p, from, to);
    if (refused) return refused;
    for (const vma of [...p.vmas]) {
      if (vma.end <= from || vma.start >= to) continue;
      if (!this.populateVmaPageRange(s, p, vma, Math.max(from, vma.start), Math.min(to, vma.end))) return 'ENOMEM';
    }
    return 'ok';
  },
} satisfies Partial<Kernel>;
