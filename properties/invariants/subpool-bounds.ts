import type { Invariant } from '../invariant';

export const subpoolBounds: Invariant = {
  id: 'subpool-bounds',
  title: 'A mount\'s subpool stays within its size= and min_size=',
  statement:
    'For a mount with size=, statfs shows its size= as its blocks and 0 <= free blocks <= blocks after every step: reservations plus allocations never exceed the ' +
    'quota, and failed operations hand back what they took; a mount without size= shows no figures. On the model, also 0 <= used <= max and 0 <= the min_size ' +
    'reserve <= min.',
  source: 'kernel-semantics.md I-9, I-10, R-11.3, R-11.5; bug-zoo.md H12',
  judge(t) {
    for (let i = 0; i < t.steps.length; i++) {
      const sizes = t.facts[i]?.mountSizes ?? {};
      for (const [m, st] of Object.entries(t.steps[i]!.mounts)) {
        const size = sizes[m];
        if (size !== undefined && st.blocks !== size) return { step: i, message: `mount ${m}: statfs shows ${st.blocks} blocks, but its size= is ${size ?? 'not set'}` };
        if (st.blocks === null || st.bfree === null) continue;
        if (st.bfree < 0 || st.bfree > st.blocks) return { step: i, message: `mount ${m}: statfs shows ${st.bfree} free of ${st.blocks} blocks` };
      }
    }
    return null;
  },
  checkState(s) {
    for (const m of s.mounts.values()) {
      const sp = m.spool;
      if (!sp) continue;
      if (sp.maxHpages !== -1 && (sp.usedHpages < 0 || sp.usedHpages > sp.maxHpages)) return `mount ${m.name}: ${sp.usedHpages} pages used of ${sp.maxHpages}`;
      if (sp.minHpages !== -1 && (sp.rsvHpages < 0 || sp.rsvHpages > sp.minHpages)) return `mount ${m.name}: min_size reserve ${sp.rsvHpages} outside 0..${sp.minHpages}`;
    }
    return null;
  },
  example: { setup: { nr_hugepages: 4 }, steps: [{ op: 'mount', mount: 'm', size: 2, minSize: 1 }, { op: 'create', file: 'f', mount: 'm' }, { op: 'mmap', proc: 'p0', map: 'a', pages: 3, share: 'shared', file: 'f' }, { op: 'mmap', proc: 'p0', map: 'b', pages: 2, share: 'shared', file: 'f' }, { op: 'write', proc: 'p0', map: 'b', page: 1 }] },
  brokenBy: 'mutant/subpool-ignores-size',
};
