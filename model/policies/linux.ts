/**
 * `linux`: the faithful model of Linux 6.18 hugetlb reservations, quirks included
 * (kernel-observed.md, kernel-findings.md). Every other policy is an override of this one.
 */
import { faultOps } from '../fault';
import { forkOps } from '../fork';
import { inodeOps } from '../inode';
import type { Kernel } from '../kernel';
import { madviseOps } from '../madvise';
import { mlockOps } from '../mlock';
import { mmapOps } from '../mmap';
import { mountOps } from '../mount';
import { mremapOps } from '../mremap';
import { rootPolicy } from '../policy';
import { poolOps } from '../pool';
import { resvOps } from '../resv';
import { shmOps } from '../shm';
import { unmapOps } from '../unmap';

const ops: Kernel = {
  ...poolOps,
  ...resvOps,
  ...faultOps,
  ...mmapOps,
  ...unmapOps,
  ...forkOps,
  ...mremapOps,
  ...madviseOps,
  ...mlockOps,
  ...inodeOps,
  ...mountOps,
  ...shmOps,
};

export const linux = rootPolicy('linux', 'Linux 6.18 as measured (kernel-observed.md), quirks included', ops);
