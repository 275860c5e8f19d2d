import { regionCount } from '../../model/resv';
import type { Folio, ModelState } from '../../model/state';
import type { Invariant } from '../invariant';

/** Pages not on the free list: mapped by some process or in some page cache (I-6). */
function pagesInUse(s: ModelState): number {
  const seen = new Set<Folio>();
  for (const p of s.processes) if (p.alive) for (const f of p.ptes.values()) seen.add(f);
  for (const i of s.inodes) for (const f of i.cache.values()) seen.add(f);
  return seen.size;
}

/** I-7: what Rsvd should be, summed from the reserve maps. */
export function outstandingReservations(s: ModelState): number {
  let n = 0;
  for (const i of s.inodes) {
    for (const idx of i.resvMap) if (!i.cache.has(idx)) n++;
  }
  const flagged = new Set<Folio>();
  for (const p of s.processes) {
    for (const v of p.vmas) {
      if (v.owner && v.resvMap) {
        const len = v.end - v.start;
        n += len - regionCount(v.resvMap.consumed, v.pgoff, v.pgoff + len);
      }
    }
    for (const f of p.ptes.values()) if (f.restoreReserve) flagged.add(f);
  }
  n += flagged.size;
  const spools = new Set([...s.mounts.values()].map((m) => m.spool).filter((x) => x !== null));
  for (const sp of spools) if (sp.minHpages !== -1 && !sp.released) n += sp.rsvHpages;
  return n;
}

export const poolConservation: Invariant = {
  id: 'pool-conservation',
  title: 'Free plus pages in use equals the pool; Rsvd equals the reservations outstanding',
  statement:
    'After every step, HugePages_Total equals HugePages_Free plus the pages in use (mapped by a process or held in a page cache), and HugePages_Rsvd equals the sum of the ' +
    'outstanding reservations: inode reserve-map entries without a page, each private owner VMA\'s length minus the indices it consumed, each subpool\'s unused min_size reserve, ' +
    'and pages marked to restore a reservation when freed. This judges the model\'s own state, so it applies to model runs only.',
  source: 'kernel-semantics.md I-6, I-7; bug-zoo.md H3',
  checkState(s) {
    const h = s.h;
    const used = pagesInUse(s);
    if (h.nrHugePages !== h.freeHugePages + used) return `Total ${h.nrHugePages} is not Free ${h.freeHugePages} + in use ${used}`;
    const out = outstandingReservations(s);
    if (h.resvHugePages !== out) return `Rsvd ${h.resvHugePages} but the reserve maps hold ${out} outstanding reservation${out === 1 ? '' : 's'}`;
    return null;
  },
  example: { setup: { nr_hugepages: 3 }, steps: [{ op: 'mmap', proc: 'p0', map: 'a', pages: 2 }, { op: 'write', proc: 'p0', map: 'a', page: 1 }, { op: 'fork', proc: 'p0', child: 'c' }, { op: 'write', proc: 'c', map: 'a', page: 1 }] },
  brokenBy: 'bug/B32-mremap-reservation-transfer',
};
