/**
 * SysV shared memory with SHM_HUGETLB, R-6.4 (ipc/shm.c newseg, do_shmat, IPC_RMID),
 * kernel-observed 14a-14c.
 */
import type { Errno, Result } from '../scenario/types';
import type { Kernel } from './kernel';
import { dropInode, insertVma, newInode, type Inode, type ModelState, type Process, type Vma } from './state';

export const shmOps = {
  /** newseg: a pseudo inode of the segment's size; the whole segment is reserved now, as if shared
   *  (vma NULL), unless SHM_NORESERVE. A failed reservation is ENOMEM; size 0 is EINVAL. */
  newseg(this: Kernel, s: ModelState, pages: number, noreserve: boolean): Inode | Errno {
    if (pages === 0) return 'EINVAL';
    const inode = newInode(s, 'shm', null, pages);
    if (!this.hugetlbReservePages(s, inode, 0, pages, null, noreserve)) {
      dropInode(s, inode);
      return 'ENOMEM';
    }
    return inode;
  },

  /** do_shmat: a shared mapping of the whole segment; no accounting (S_PRIVATE forces NORESERVE). */
  doShmat(this: Kernel, s: ModelState, p: Process, seg: Inode, addr: number): Result {
    const vma: Vma = {
      proc: p, start: addr, end: addr + seg.size, pgoff: 0, inode: seg, shared: true, noreserve: true, prot: 'rw',
      resvMap: null, owner: false, unmapped: false,
    };
    const err = this.hugetlbfsFileMmap(s, vma, true);
    if (err) return err;
    insertVma(p, vma);
    return 'ok';
  },

  /** IPC_RMID: destroyed now when nothing is attached, else at the last detach (14a). */
  shmRmid(this: Kernel, s: ModelState, seg: Inode): void {
    seg.linked = false;
    this.iput(s, seg);
  },
} satisfies Partial<Kernel>;
