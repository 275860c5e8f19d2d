/**
 * Zapping page-table entries, splitting and closing VMAs, munmap and exit: kernel-semantics.md §6
 * and §9 (mm/hugetlb.c __unmap_hugepage_range, hugetlb_vm_op_open/close; mm/vma.c __split_vma,
 * do_vmi_munmap; mm/mmap.c exit_mmap).
 */
import type { Result } from '../scenario/types';
import type { Kernel, MmuGather } from './kernel';
import { regionCount } from './resv';
import { insertVma, vmaIndex, type Folio, type ModelState, type Process, type Vma } from './state';

export const unmapOps = {
  /** __unmap_hugepage_range. Each removed entry drops a mapping; an owner's anonymous page
   *  zapped while Surp == 0 gets the restore-reserve flag and its index un-consumed, whether or
   *  not another process still maps it (kernel-findings §2). Freeing waits for tlbFinishMmu. */
  unmapHugepageRange(this: Kernel, s: ModelState, vma: Vma, from: number, to: number, tlb: MmuGather): void {
    const ptes = vma.proc.ptes;
    for (let addr = from; addr < to; addr++) {
      const folio = ptes.get(addr);
      if (!folio) continue;
      ptes.delete(addr);
      const adjustReservation = this.zapRestoresReserve(s, vma, folio);
      if (adjustReservation) folio.restoreReserve = true;
      folio.mapcount--; // hugetlb_remove_rmap
      tlb.push(folio); // tlb_remove_page_size: the reference is dropped at tlb_finish_mmu
      if (adjustReservation) {
        const idx = vmaIndex(vma, addr);
        if (this.vmaNeedsReservation(s, vma, idx)) this.vmaAddReservation(s, vma, idx);
      }
    }
  },

  /** The restore condition of __unmap_hugepage_range: `!h->surplus_huge_pages &&
   *  __vma_private_lock(vma) && folio_test_anon(folio)` (kernel-observed rule 7, 10e, 12a). */
  zapRestoresReserve(this: Kernel, s: ModelState, vma: Vma, folio: Folio): boolean {
    return s.h.surplusHugePages === 0 && !vma.shared && vma.resvMap !== null && vma.owner && folio.anon;
  },

  /** tlb_finish_mmu: pages with no mapping and no page-cache reference left are freed, in order. */
  tlbFinishMmu(this: Kernel, s: ModelState, tlb: MmuGather): void {
    for (const folio of tlb) {
      if (folio.mapcount === 0 && !folio.inCache && !folio.freed) this.freeHugeFolio(s, folio);
    }
  },

  /** hugetlb_vm_op_open: a copy of an owner VMA takes a reference on the shared map. */
  hugetlbVmOpOpen(this: Kernel, _s: ModelState, vma: Vma): void {
    if (vma.resvMap && vma.owner) vma.resvMap.refs++;
  },

  /** hugetlb_vm_op_close: an owner piece returns (length - consumed) reservations. */
  hugetlbVmOpClose(this: Kernel, s: ModelState, vma: Vma): void {
    const resv = vma.resvMap;
    if (!resv || !vma.owner) return;
    const start = vma.pgoff;
    const end = start + (vma.end - vma.start);
    const reserve = end - start - regionCount(resv.consumed, start, end);
    if (reserve) this.hugetlbAcctMemory(s, -this.hugepageSubpoolPutPages(s, vma.inode.spool, reserve));
    resv.refs--;
  },

  /** __split_vma: both pieces keep the private data (map and flag bits). Huge-page
   *  alignment (hugetlb_vm_op_split) always holds in page units. */
  splitVma(this: Kernel, s: ModelState, vma: Vma, addr: number): Vma {
    const upper: Vma = { ...vma, start: addr, pgoff: vma.pgoff + (addr - vma.start) };
    vma.end = addr;
    insertVma(vma.proc, upper);
    this.hugetlbVmOpOpen(s, upper);
    return upper;
  },

  /** remove_vma: vm_ops->close, then fput of the file (the inode may be evicted, R-6.4). */
  removeVma(this: Kernel, s: ModelState, vma: Vma): void {
    this.hugetlbVmOpClose(s, vma);
    const vmas = vma.proc.vmas;
    const i = vmas.indexOf(vma);
    if (i >= 0) vmas.splice(i, 1);
    vma.inode.mmaps.delete(vma);
    this.iput(s, vma.inode);
  },

  /** munmap: split at the ends, zap every piece, free, then close each piece. Unmapping a
   *  range with holes (or nothing) succeeds (kernel-observed 5c). */
  doMunmap(this: Kernel, s: ModelState, p: Process, from: number, to: number): Result {
    const victims = detachRange(this, s, p, from, to);
    const tlb: MmuGather = [];
    for (const v of victims) this.unmapHugepageRange(s, v, v.start, v.end, tlb);
    this.tlbFinishMmu(s, tlb);
    for (const v of victims) this.removeVma(s, v);
    return 'ok';
  },

  /** exit_mmap: zap every VMA, free, then close every VMA (kernel-observed 4r, 4p). */
  exitMmap(this: Kernel, s: ModelState, p: Process): void {
    const victims = [...p.vmas];
    const tlb: MmuGather = [];
    for (const v of victims) this.unmapHugepageRange(s, v, v.start, v.end, tlb);
    this.tlbFinishMmu(s, tlb);
    for (const v of victims) this.removeVma(s, v);
    p.alive = false;
  },
} satisfies Partial<Kernel>;

/** The VMAs covering [from, to), split so that they lie exactly inside it. */
export function detachRange(k: Kernel, s: ModelState, p: Process, from: number, to: number): Vma[] {
  const out: Vma[] = [];
  for (const vma of [...p.vmas]) {
    if (vma.end <= from || vma.start >= to) continue;
    let v = vma;
    if (v.start < from) v = k.splitVma(s, v, from);
    if (v.end > to) k.splitVma(s, v, to);
    out.push(v);
  }
  return out;
}
