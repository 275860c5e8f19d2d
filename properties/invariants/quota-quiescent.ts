import type { Invariant } from '../invariant';

export const quotaQuiescent: Invariant = {
  id: 'quota-quiescent',
  title: 'A mount\'s size= quota comes back in full once nothing on it holds any',
  statement:
    'For a mount with size=, statfs shows every block free (free blocks equal blocks) after each step at which nothing on the mount holds quota. The quota ' +
    '(used_hpages) counts the outstanding reservations of the mount\'s files and mappings plus the pages allocated for them (I-9, R-11.3), so it is held while a file ' +
    'on the mount has a page in its page cache or a reserved index (also beyond its size, until a truncate or punch removes it), and while a process maps one of its ' +
    'files (a private mapping holds its whole reservation and its copies; an unlinked file lives on in its mappings). Every failed call and fault must have handed back ' +
    'what it charged. Not judged: a mount whose files\' page-cache state is not known (a MAP_POPULATE or fallocate that stopped part way, a failed MADV_REMOVE, a failed ' +
    'shared mmap that changed the counters or statfs), and mounts without size= (statfs shows no figures). The teardown unmounts every mount, so this is judged at the ' +
    'steps, not after teardown. No exception is documented; Linux 6.18 keeps the charge of a fault that found no page (known bug failed-fault-size-quota).',
  source: 'kernel-semantics.md I-9, R-11.3, R-11.5, R-1.2; bug-zoo.md H3, H12; kernel-observed.md 11a; scenarios/golden/kernel-runs/k5-failed-fault-size-quota.json',
  judge(t) {
    for (const f of t.facts) {
      if (!f.idleMounts) continue;
      for (const m of f.idleMounts) {
        const st = f.obs.mounts[m];
        if (!st || st.blocks === null || st.bfree === null || st.bfree === st.blocks) continue;
        return { step: f.index, message: `mount ${m}: nothing on it holds quota, but statfs shows ${st.bfree} free of ${st.blocks} blocks` };
      }
    }
    return null;
  },
  example: {
    setup: { nr_hugepages: 2 },
    steps: [{ op: 'mount', mount: 'm', size: 2 }, { op: 'create', file: 'f', mount: 'm' }, { op: 'mmap', proc: 'p0', map: 'a', pages: 2, file: 'f' }, { op: 'write', proc: 'p0', map: 'a', page: 0 }, { op: 'munmap', proc: 'p0', map: 'a' }, { op: 'mmap', proc: 'p0', map: 'b', pages: 1, share: 'shared', file: 'f' }, { op: 'write', proc: 'p0', map: 'b', page: 0 }, { op: 'munmap', proc: 'p0', map: 'b' }, { op: 'truncate', file: 'f', pages: 0 }],
  },
  brokenBy: 'mutant/close-keeps-quota',
};
