/**
 * hugetlbfs mounts and their subpools: kernel-semantics.md §11 (fs/hugetlbfs/inode.c
 * hugetlbfs_validate, hugetlbfs_fill_super, kill_sb; mm/hugetlb.c hugepage_new_subpool,
 * unlock_or_release_subpool), kernel-observed 11a-11c.
 */
import type { Errno, Result } from '../scenario/types';
import type { Kernel } from './kernel';
import { createSubpool, type ModelState, type Mount, type Subpool } from './state';

export const mountOps = {
  /** min_size > size → EINVAL; a subpool when either is given; min_size is
   *  reserved at once (ENOMEM when the pool cannot back it). */
  hugetlbfsFillSuper(this: Kernel, s: ModelState, name: string, size: number | undefined, minSize: number | undefined): Mount | Errno {
    if (size !== undefined && minSize !== undefined && minSize > size) return 'EINVAL';
    let spool: Subpool | null = null;
    if (size !== undefined || minSize !== undefined) {
      spool = createSubpool(size ?? -1, minSize ?? -1);
      if (minSize !== undefined && !this.hugetlbAcctMemory(s, minSize)) return 'ENOMEM';
      // The kernel sets rsv_hpages = min_hpages (-1 when unset, where it is never read); 0 here.
      spool.rsvHpages = minSize ?? 0;
    }
    const mount: Mount = { name, spool, inodes: new Set() };
    s.mounts.set(name, mount);
    return mount;
  },

  /** EBUSY while a file on it is mapped; else every inode is evicted and the subpool's
   *  handle dropped (releasing min_size once the subpool is free). */
  hugetlbfsKillSuper(this: Kernel, s: ModelState, mount: Mount): Result {
    for (const inode of mount.inodes) if (inode.mmaps.size > 0) return 'EBUSY';
    for (const inode of [...mount.inodes]) {
      inode.linked = false;
      this.hugetlbfsEvictInode(s, inode);
    }
    s.mounts.delete(mount.name);
    if (mount.spool) {
      mount.spool.count--;
      this.unlockOrReleaseSubpool(s, mount.spool);
    }
    return 'ok';
  },

  /** unlock_or_release_subpool / subpool_is_free. */
  unlockOrReleaseSubpool(this: Kernel, s: ModelState, spool: Subpool): void {
    if (spool.count !== 0 || spool.released) return;
    const free =
      spool.maxHpages !== -1 ? spool.usedHpages === 0 : spool.minHpages !== -1 ? spool.rsvHpages === spool.minHpages : true;
    if (!free) return;
    spool.released = true;
    if (spool.minHpages !== -1) this.hugetlbAcctMemory(s, -spool.minHpages);
  },
} satisfies Partial<Kernel>;
