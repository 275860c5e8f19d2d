/** The state of one page of a process's address space, read off the model's state for reports
 * (what vma_needs_reservation and the page tables would say, without calling the policy). */
import { findVma, vmaIndex, type Process } from './state';

/**
 * A page of a mapping, as seen from its process:
 * - `present`  mapped, the process's own page;
 * - `shared`   mapped, and shared (page cache, or copy-on-write with another process);
 * - `cached`   not mapped here, but the file has the page in its page cache (a touch maps it);
 * - `reserved` not present, and a reservation waits for it (shared: the inode's reserve map; private:
 *              the owner's reserve map, not consumed);
 * - `none`     not present and nothing reserved (a touch must find a free or surplus page);
 * - `poisoned` a private page the owner took back (HPAGE_RESV_UNMAPPED, R-4.7): a touch is SIGBUS;
 * - `unmapped` no VMA here any more (munmap, mremap): a touch is SIGSEGV.
 */
export type PageState = 'present' | 'shared' | 'cached' | 'reserved' | 'none' | 'poisoned' | 'unmapped';

export function pageState(p: Process, addr: number): PageState {
  const vma = findVma(p, addr);
  if (!vma) return 'unmapped';
  const folio = p.ptes.get(addr);
  if (folio) return folio.mapcount > 1 || folio.inCache ? 'shared' : 'present';
  const idx = vmaIndex(vma, addr);
  // Shared: the inode's reserve map; private: the owner's map, consumed or not;
  // a non-owner whose page the owner took back faults with SIGBUS (HPAGE_RESV_UNMAPPED, R-4.7).
  if (vma.shared) {
    if (vma.inode.cache.has(idx)) return 'cached';
    return vma.inode.resvMap.has(idx) ? 'reserved' : 'none';
  }
  if (vma.unmapped) return 'poisoned';
  if (vma.inode.kind === 'file' && vma.inode.cache.has(idx)) return 'cached';
  if (vma.owner && vma.resvMap && !vma.resvMap.consumed.has(idx)) return 'reserved';
  return 'none';
}
