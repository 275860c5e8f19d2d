/** Can this machine run scenarios on its kernel? Root, hugetlbfs, a writable pool, a C compiler. */
import { accessSync, constants, readFileSync } from 'fs';
import { BuildError, buildDriver } from './build';

export type Usability = { ok: true; driver: string } | { ok: false; reason: string };

let cached: Usability | undefined;

export function kernelUsability(): Usability {
  if (cached) return cached;
  cached = check();
  return cached;
}

function check(): Usability {
  if (process.platform !== 'linux') return { ok: false, reason: `the kernel oracle needs Linux (this is ${process.platform})` };
  if (process.getuid && process.getuid() !== 0) return { ok: false, reason: 'the kernel oracle needs root (it resizes the huge page pool and mounts hugetlbfs)' };
  try {
    if (!readFileSync('/proc/filesystems', 'utf8').includes('hugetlbfs')) return { ok: false, reason: 'this kernel has no hugetlbfs (/proc/filesystems)' };
    accessSync('/proc/sys/vm/nr_hugepages', constants.W_OK);
  } catch (e) {
    return { ok: false, reason: `cannot use the huge page pool: ${(e as Error).message}` };
  }
  try {
    return { ok: true, driver: buildDriver() };
  } catch (e) {
    return { ok: false, reason: e instanceof BuildError ? e.message : String(e) };
  }
}
