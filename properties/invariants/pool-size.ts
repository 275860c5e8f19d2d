import { fmtCounters, type Invariant } from '../invariant';

export const poolSize: Invariant = {
  id: 'pool-size',
  title: 'The pool holds what nr_hugepages asks for',
  statement:
    'The scenario starts with HugePages_Total equal to its setup\'s nr_hugepages, all of it free, nothing reserved or surplus. After a write of N to nr_hugepages the ' +
    'persistent pool (HugePages_Total minus HugePages_Surp) is N: growing turns surplus pages into persistent ones first, then allocates new free pages; shrinking ' +
    'frees free pages, but never below the pages in use plus the reserved ones, and counts what it cannot free as surplus. Without surplus pages before the write ' +
    'and with Rsvd not negative, shrinking leaves exactly max(N, Rsvd + pages in use) pages. (The page allocator is assumed to have the pages a growth asks for: ' +
    'on a machine short of memory the kernel stops early.)',
  source: 'kernel-semantics.md R-10.1, I-4; kernel-observed.md rule 13, tables 10a-10d, 9f (scenarios/golden/observed/10a-10d)',
  judge(t) {
    const s = t.scenario.setup;
    const i = t.initial;
    if (i.total !== s.nr_hugepages || i.free !== i.total || i.rsvd !== 0 || i.surp !== 0) {
      return { step: 0, message: `the setup asked for ${s.nr_hugepages} pages but the scenario starts with ${fmtCounters(i)}` };
    }
    for (const f of t.facts) {
      if (f.step.op !== 'setPool' || f.obs.result !== 'ok') continue;
      const n = f.step.pages;
      const b = f.before;
      const a = f.after;
      if (a.total - a.surp !== n) return { step: f.index, message: `nr_hugepages = ${n} left a persistent pool of ${a.total - a.surp} (${fmtCounters(a)})` };
      // Growth: surplus pages become persistent first, then new pages make up the rest.
      if (n >= b.total - b.surp && a.total !== Math.max(b.total, n)) return { step: f.index, message: `nr_hugepages = ${n} from ${fmtCounters(b)} grew the pool to ${a.total} pages, not ${Math.max(b.total, n)}` };
      if (n < b.total - b.surp && b.surp === 0 && b.rsvd >= 0) {
        const want = Math.min(b.total, Math.max(n, b.rsvd + b.total - b.free));
        if (a.total !== want) return { step: f.index, message: `nr_hugepages = ${n} from ${fmtCounters(b)} left ${a.total} page${a.total === 1 ? '' : 's'}, not ${want} (the request, or the pages in use plus the reserved ones)` };
      }
    }
    return null;
  },
  example: { setup: { nr_hugepages: 4 }, steps: [{ op: 'mmap', proc: 'p0', map: 'a', pages: 2 }, { op: 'write', proc: 'p0', map: 'a', page: 0 }, { op: 'setPool', pages: 1 }, { op: 'setPool', pages: 3 }] },
  brokenBy: 'mutant/shrink-keeps-free',
};
