/**
 * fork: kernel-semantics.md §5 (dup_mmap, hugetlb_dup_vma_private, copy_hugetlb_page_range).
 */
import type { Kernel } from './kernel';
import { insertVma, type ModelState, type Process, type Vma } from './state';

export const forkOps = {
  /** dup_mmap: every VMA is copied; no counter changes (kernel-observed 4a-4i). */
  dupMmap(this: Kernel, s: ModelState, parent: Process, child: Process): void {
    child.nextAddr = parent.nextAddr;
    for (const v of parent.vmas) {
      const c: Vma = { ...v, proc: child };
      this.hugetlbDupVmaPrivate(s, c);
      insertVma(child, c);
      this.hugetlbVmOpOpen(s, c);
      this.copyHugetlbPageRange(s, c, v);
    }
  },

  /** a private VMA's reserve map "does not apply to children": no map, no OWNER, no UNMAPPED. */
  hugetlbDupVmaPrivate(this: Kernel, _s: ModelState, vma: Vma): void {
    if (vma.shared) return;
    vma.resvMap = null;
    vma.owner = false;
    vma.unmapped = false;
  },

  /** private entries are shared copy-on-write (mapcount + 1). Shared VMAs copy nothing;
   *  the child faults the page-cache pages in later, without allocating. */
  copyHugetlbPageRange(this: Kernel, _s: ModelState, dst: Vma, src: Vma): void {
    if (src.shared) return;
    const from = src.proc.ptes;
    const to = dst.proc.ptes;
    for (let addr = src.start; addr < src.end; addr++) {
      const folio = from.get(addr);
      if (!folio) continue;
      to.set(addr, folio);
      folio.mapcount++;
    }
  },
} satisfies Partial<Kernel>;
