import { firstStep, type Invariant } from '../invariant';

export const exactConsumption: Invariant = {
  id: 'exact-consumption',
  title: 'Instantiating a page consumes exactly the reservation it holds',
  statement:
    'A fault that instantiates a page at an index holding a reservation (an owner\'s untouched private page, a reserved shared file index) consumes exactly that ' +
    'reservation, once: Rsvd drops by one. A fault at an index holding none (a fork child, MAP_NORESERVE, a file index never reserved or whose page a hole punch ' +
    'removed) consumes none: Rsvd does not move. A touch of a page already present allocates nothing; a write to a private mapping over a page of the file\'s page cache copies it, putting exactly one page in use (R-4.3, R-4.6), and so does a fork child\'s write to a page another process still maps (R-4.4). A fallocate that succeeds allocates exactly the pages of its range ' +
    'that are not in the page cache, consuming the reservations of those the file\'s reserve map holds (R-8.3). A population that succeeded (mlock, or MAP_POPULATE and ' +
    'MAP_LOCKED of a mapping whose every page is reserved) is judged as the faults it made, one per page. Indices whose state the scenario cannot tell (after ' +
    'MAP_POPULATE, a failed fallocate, a zap of a page a child still maps) and what faults on min_size mounts consume are not judged (that a copy puts one page in use is).',
  source: 'bug-zoo.md H8; kernel-semantics.md I-7, R-2.4, R-4.4, R-8.4',
  judge(t) {
    return firstStep(t, (f) => {
      const pop = f.population;
      if (pop && pop.certain && f.obs.result === 'ok') {
        const used = f.after.total - f.after.free - (f.before.total - f.before.free);
        const dR = f.after.rsvd - f.before.rsvd;
        const what = `${f.step.op}'s population (${pop.allocs} page${pop.allocs === 1 ? '' : 's'} to allocate, ${pop.consumes} reservation${pop.consumes === 1 ? '' : 's'} to consume${pop.reserved ? `, ${pop.reserved} reserved by the step` : ''})`;
        if (used !== pop.allocs) return `${what} put ${used} page${used === 1 ? '' : 's'} in use`;
        if (pop.reserved !== undefined && dR !== pop.reserved - pop.consumes) return `${what} changed Rsvd by ${dR}`;
        return null;
      }
      const al = f.allocation;
      if (al && f.obs.result === 'ok') {
        const used = f.after.total - f.after.free - (f.before.total - f.before.free);
        const dR = f.after.rsvd - f.before.rsvd;
        if (used !== al.pages || dR !== -al.consumes) return `fallocate of ${al.pages} missing page${al.pages === 1 ? '' : 's'} (${al.consumes} reserved) put ${used} in use and changed Rsvd by ${dR}`;
        return null;
      }
      const x = f.touch;
      if (!x || f.obs.result !== 'ok') return null;
      const b = f.before;
      const a = f.after;
      const dR = a.rsvd - b.rsvd;
      const allocated = a.free === b.free - 1 || a.total === b.total + 1;
      const where = `${x.proc}'s ${x.write ? 'write' : 'read'} of "${x.map}" page ${x.page}`;
      if (x.noAlloc) {
        if (a.free !== b.free || a.total !== b.total || dR !== 0) return `${where} touched a present page but the counters moved`;
        return null;
      }
      const used = a.total - a.free - (b.total - b.free);
      if (x.copiesCache && used !== 1) return `${where} must copy the file's page-cache page into a page of its own, but put ${used} page${used === 1 ? '' : 's'} in use`;
      // A fork child's copy-on-write of a page others still map copies it (the owner's may take it back instead: steal-only-when-needed).
      if (x.sharedWith && !x.owner && used !== 1) return `${where} must copy the page ${x.sharedWith.join(', ')} still map${x.sharedWith.length === 1 ? 's' : ''}, but put ${used} page${used === 1 ? '' : 's'} in use`;
      if (x.mustConsume === undefined) return null;
      const want = allocated ? -x.mustConsume : 0;
      if (dR !== want) return `${where} ${allocated ? 'allocated a page and ' : ''}changed Rsvd by ${dR}, expected ${want}`;
      return null;
    });
  },
  example: { setup: { nr_hugepages: 4 }, steps: [{ op: 'create', file: 'f' }, { op: 'mmap', proc: 'p0', map: 'a', pages: 2, share: 'shared', file: 'f' }, { op: 'write', proc: 'p0', map: 'a', page: 0 }, { op: 'fallocate', file: 'f', offset: 0, pages: 1, punch: true }, { op: 'write', proc: 'p0', map: 'a', page: 0 }, { op: 'write', proc: 'p0', map: 'a', page: 1 }] },
  brokenBy: 'bug/B23-hole-punch-shared-double-consume',
};
