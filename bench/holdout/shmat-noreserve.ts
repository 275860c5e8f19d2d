/**
 * holdout/shmat-noreserve: shmat() of an SHM_HUGETLB|SHM_NORESERVE segment reserves the whole
 * segment, which shmget() deliberately did not; faults through the attach then consume those
 * reservations.
 *
 * Fixed upstream by e656c7a9e596 ("mm: hugetlb pages should not be reserved by shmat() if
 * SHM_NORESERVE", Prakash Sangappa, v6.8). Its message: "For shared memory of type SHM_HUGETLB,
 * hugetlb pages are reserved in shmget() call. If SHM_NORESERVE flags is specified then the hugetlb
 * pages are not reserved. However when the shared memory is attached with the shmat() call the
 * hugetlb pages are getting reserved incorrectly for SHM_HUGETLB shared memory created with
 * SHM_NORESERVE which is a bug." (nr_hugepages=20, a 5-page segment: HugePages_Rsvd 0 after
 * shmget, 5 after shmat.) The fix made hugetlbfs_file_mmap() add VM_NORESERVE for S_PRIVATE (SysV
 * shm) inodes; before it, hugetlb_reserve_pages() got the attach VMA's own flags, which have no
 * VM_NORESERVE. For a reserving segment the inode's map already covers the range, so only
 * SHM_NORESERVE segments are affected.
 *
 * Model function changed: hugetlbfsFileMmap (hugetlbfs_file_mmap): no forced NORESERVE for shm
 * inodes, and the noreserve request of a SysV attach (doShmat passes it) is not honoured -- the
 * attach reserves like a MAP_SHARED mmap of the segment.
 */
import type * as Api from '../../api';

// The CLI's policy loader (io/policy-loader.ts) resolves only the specifier 'hugecheck' to the
// API: a relative '../../api' does not resolve from this .ts file there (no api.js beside api.ts).
// Under ts-node, or once built (dist/bench/holdout/*.js beside dist/api.js), the relative path does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { definePolicy, linux } = ((): typeof Api => { try { return require('hugecheck') as typeof Api; } catch { return require('../../api') as typeof Api; } })();

export default definePolicy(linux, {
  name: 'holdout/shmat-noreserve',
  description: 'shmat() reserves an SHM_NORESERVE segment (before e656c7a9e596)',
  overrides: {
    hugetlbfsFileMmap(s, vma, noreserve) {
      const inode = vma.inode;
      const from = vma.pgoff;
      const to = from + (vma.end - vma.start);
      // The attach VMA's vm_flags carry no VM_NORESERVE, and S_PRIVATE is not looked at.
      const reserveFlags = inode.kind === 'shm' ? false : noreserve;
      if (!this.hugetlbReservePages(s, inode, from, to, vma, reserveFlags)) return 'ENOMEM';
      if (vma.prot === 'rw' && inode.size < to) inode.size = to;
      return null;
    },
  },
});
