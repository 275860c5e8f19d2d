/** One step in kernel terms, for tables and reports: `p0: a = mmap(2 hp, MAP_PRIVATE|MAP_HUGETLB)`. */
import { match } from 'ts-pattern';
import type { Prot, Step } from '../scenario/types';

const PROT: Record<Prot, string> = { rw: 'PROT_READ|PROT_WRITE', r: 'PROT_READ', none: 'PROT_NONE' };

function range(map: string, offset: number, pages: number): string {
  return `${map}${offset ? `+${offset}` : ''}, ${pages} hp`;
}

export function describeStep(step: Step): string {
  return match(step)
    .with({ op: 'setPool' }, (s) => `nr_hugepages = ${s.pages}`)
    .with({ op: 'setOvercommit' }, (s) => `nr_overcommit_hugepages = ${s.pages}`)
    .with({ op: 'mount' }, (s) => {
      const opts = [s.size !== undefined ? `size=${s.size}hp` : '', s.minSize !== undefined ? `min_size=${s.minSize}hp` : ''].filter(Boolean);
      return `mount hugetlbfs ${s.mount}${opts.length ? ` -o ${opts.join(',')}` : ''}`;
    })
    .with({ op: 'umount' }, (s) => `umount ${s.mount}`)
    .with({ op: 'create' }, (s) => `create ${s.file}${s.mount !== 'default' ? ` on ${s.mount}` : ''}`)
    .with({ op: 'unlink' }, (s) => `unlink ${s.file}`)
    .with({ op: 'truncate' }, (s) => `ftruncate(${s.file}, ${s.pages} hp)`)
    .with({ op: 'fallocate' }, (s) =>
      s.punch
        ? `fallocate(${s.file}, PUNCH_HOLE|KEEP_SIZE, ${s.offset}, ${s.pages} hp)`
        : `fallocate(${s.file}, 0, ${s.offset}, ${s.pages} hp)`,
    )
    .with({ op: 'mmap' }, (s) => {
      const flags = [s.share === 'shared' ? 'MAP_SHARED' : 'MAP_PRIVATE', s.file === undefined ? 'MAP_HUGETLB' : '', s.noreserve ? 'MAP_NORESERVE' : '', s.populate ? 'MAP_POPULATE' : '']
        .filter(Boolean)
        .join('|');
      const file = s.file !== undefined ? `, ${s.file}${s.offset ? `@${s.offset}` : ''}` : '';
      return `${s.proc}: ${s.map} = mmap(${s.pages} hp, ${flags}${s.prot !== 'rw' ? `, ${PROT[s.prot]}` : ''}${file})`;
    })
    .with({ op: 'munmap' }, (s) => `${s.proc}: munmap(${range(s.map, s.offset, s.pages)})`)
    .with({ op: 'mremap' }, (s) =>
      `${s.proc}: ${s.to !== undefined ? `${s.to} = ` : ''}mremap(${s.map}${s.offset ? `+${s.offset}` : ''}, ${s.oldPages} hp -> ${s.newPages} hp${s.to !== undefined ? ', MAYMOVE|FIXED' : s.oldPages === 0 ? ', MAYMOVE' : ''})`,
    )
    .with({ op: 'madvise' }, (s) => `${s.proc}: madvise(${range(s.map, s.offset, s.pages)}, MADV_${s.advice.toUpperCase()})`)
    .with({ op: 'mprotect' }, (s) => `${s.proc}: mprotect(${range(s.map, s.offset, s.pages)}, ${PROT[s.prot]})`)
    .with({ op: 'read' }, (s) => `${s.proc}: read ${s.map}[${s.page}]`)
    .with({ op: 'write' }, (s) => `${s.proc}: write ${s.map}[${s.page}] = ${s.value}`)
    .with({ op: 'fork' }, (s) => `${s.proc}: fork -> ${s.child}`)
    .with({ op: 'exit' }, (s) => `${s.proc}: exit`)
    .with({ op: 'shmget' }, (s) => `${s.seg} = shmget(${s.pages} hp, SHM_HUGETLB${s.noreserve ? '|SHM_NORESERVE' : ''})`)
    .with({ op: 'shmat' }, (s) => `${s.proc}: ${s.map} = shmat(${s.seg})`)
    .with({ op: 'shmrm' }, (s) => `shmctl(${s.seg}, IPC_RMID)`)
    .exhaustive();
}
