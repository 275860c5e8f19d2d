/**
 * `hugecheck zoo`: every historical bug of the zoo caught by check under its default search, with a
 * counterexample no longer than the zoo's own scenario, proved shortest by exhaustive search. (Its
 * own file: the longest suite, which Jest can then run beside the others.)
 */
import { describe, expect, test } from '@jest/globals';
import { runZoo } from '../cli/zoo';
import { proveShortest } from '../explore/shortest';
import { findPolicy } from '../model/policies';
import { findInvariant } from '../properties/catalogue';

describe('the bug zoo', () => {
  test('hugecheck zoo catches 10 of 10 with counterexamples no longer than the doc\'s scenarios', () => {
    const rows = runZoo({ runs: 1000, seed: 1 });
    expect(rows).toHaveLength(10);
    for (const r of rows) {
      expect({ bug: r.bug, caught: r.caughtBy.length > 0 }).toEqual({ bug: r.bug, caught: true });
      expect(r.minimalSteps!).toBeLessThanOrEqual(r.docSteps!);
      // check's length equals the exhaustive search's shortest: every counterexample is proved shortest.
      for (const c of r.counterexamples) {
        // 'searched': a known bug was found first, so the search kept to what it does not explain.
        expect([r.bug, c.invariant, c.shortest?.verdict]).toEqual([r.bug, c.invariant, expect.stringMatching(/^(proved|shorter|searched)$/)]);
        // check's own search is the proof when it ran with no filter ('proved', or a shorter one found
        // at the lowest depth); otherwise the search below, with no filter, is.
        if (c.shortest?.verdict === 'proved' || (c.shortest?.verdict === 'shorter' && c.shortest.proved)) continue;
        expect([r.bug, c.invariant, proveShortest(findPolicy(r.bug)!, findInvariant(c.invariant)!, c.scenario).kind]).toEqual([r.bug, c.invariant, 'proved']);
      }
    }
  });
});
