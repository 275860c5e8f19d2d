import { firstStep, type Invariant } from '../invariant';

export const documentedResults: Invariant = {
  id: 'documented-results',
  title: 'Every call ends the way its manual page says it can',
  statement:
    'Each step\'s result is one its system call documents for its arguments and for what the scenario has set up (each op lists them in its module of ops/, ' +
    '`results`): an mmap of length 0 and a shmget of size 0 are EINVAL, and otherwise an mmap or a shmget succeeds or fails with ENOMEM; a mount whose min_size= ' +
    'exceeds its size= is EINVAL, and only a mount with min_size= can fail (ENOMEM, its reservation); umount is EBUSY exactly while a process maps a file of the ' +
    'mount; munmap (holes included), fork, exit, creating, unlinking and truncating a file, writes to nr_hugepages and nr_overcommit_hugepages, shmat and ' +
    'IPC_RMID succeed; fallocate fails only with ENOSPC, and a hole punch never; madvise, mprotect, mlock and munlock over a range with a hole are ENOMEM, ' +
    'MADV_REMOVE of a private mapping is EACCES, and otherwise madvise, mprotect and munlock succeed while mlock may also fail with ENOMEM (a fault it could not ' +
    'satisfy); an mremap to length 0 is EINVAL and one where nothing is mapped EFAULT; a read of an unmapped or PROT_NONE page, or a write of a read-only one, ' +
    'is SIGSEGV, and any other touch succeeds or gets SIGBUS. What hugetlb itself refuses in mremap (growth, a mirror) is left to policies.',
  source:
    'the manual pages of mmap(2), munmap(2), mremap(2), madvise(2), mprotect(2), mlock(2), shmget(2), shmat(2), fallocate(2), umount(2); goldens ' +
    'scenarios/golden/observed/1c, 5b, 5c, 5d, 7f, 8c, 11b, 12e, 14b, 15 and kernel-runs/k17 to k29 (docs/mlock.md)',
  judge(t) {
    return firstStep(t, (f) => {
      if (!f.allowed || f.allowed.includes(f.obs.result)) return null;
      return `${f.step.op} returned ${f.obs.result}, where its call documents ${f.allowed.join(' or ')}`;
    });
  },
  // A hole makes mprotect ENOMEM (after it changed the mapped page); the write to the read-only page
  // is SIGSEGV; the umount succeeds once nothing maps the file.
  example: {
    setup: { nr_hugepages: 2 },
    steps: [
      { op: 'mount', mount: 'm', size: 2 },
      { op: 'create', file: 'f', mount: 'm' },
      { op: 'mmap', proc: 'p0', map: 'a', pages: 2, file: 'f' },
      { op: 'munmap', proc: 'p0', map: 'a', offset: 1, pages: 1 },
      { op: 'mprotect', proc: 'p0', map: 'a', prot: 'r' },
      { op: 'write', proc: 'p0', map: 'a', page: 0 },
      { op: 'munmap', proc: 'p0', map: 'a' },
      { op: 'umount', mount: 'm' },
    ],
  },
  brokenBy: 'mutant/write-through-read-only',
};
