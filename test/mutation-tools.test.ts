/**
 * The mutation campaign's tools (docs/mutation.md): the fast kill command gives the default check's
 * verdict, and the score counts a mutant triaged as equivalent out of the total and any other
 * survivor as a gap, with triage entries that name a mutant by what it is, not by Stryker's id.
 */
import { describe, expect, test } from '@jest/globals';
import { killVerdict } from '../bench/mutation-kill';
import { identify, score, type MutationReport, type TriageEntry } from '../bench/mutation-score';
import { checkProperty } from '../checker/check';
import { MUTANTS } from '../model/policies/mutants';
import { KNOWN_BUGS, linuxFixed } from '../model/policies/known-bugs';
import { CATALOGUE } from '../properties/catalogue';

describe('the kill command', () => {
  test('gives the verdict of the full check on linux-fixed with a rule broken (exit 1 exactly when the check reports a violation no known bug explains)', () => {
    // Each hand-made mutant and zoo bug with every known fix applied on top: what Stryker's mutants
    // of linux-fixed are.
    const policies = [linuxFixed, ...MUTANTS.map((m) => KNOWN_BUGS.reduce((p, b) => b.fix(p), m))];
    const runs = 150;
    const disagree: string[] = [];
    let killed = 0;
    for (const policy of policies) {
      const full = CATALOGUE.some((inv) => checkProperty(policy, inv, { runs, seed: 1, shortestBudget: 0 }).unexpected);
      const fast = killVerdict(policy, runs, 1) !== null;
      if (fast) killed++;
      if (fast !== full) disagree.push(`${policy.name}: the kill command says ${fast ? 'killed' : 'survived'}, the full check ${full ? 'unexpected' : 'nothing unexpected'}`);
    }
    expect(disagree).toEqual([]);
    expect(killVerdict(linuxFixed, runs, 1)).toBeNull();
    expect(killed).toBeGreaterThan(10);
  }, 300_000);
});

describe('the score', () => {
  const source = ['export const x = {', '  f(this: Kernel, a: number) {', '    return a > 0 ? a : 0;', '  },', '};'].join('\n');
  const at = (line: number, c0: number, c1: number) => ({ start: { line, column: c0 }, end: { line, column: c1 } });
  const report: MutationReport = {
    files: {
      'model/x.ts': {
        source,
        mutants: [
          { id: '1', mutatorName: 'EqualityOperator', replacement: 'a >= 0', status: 'Survived', location: at(3, 12, 17) },
          { id: '2', mutatorName: 'ConditionalExpression', replacement: 'true', status: 'Survived', location: at(3, 12, 17) },
          { id: '3', mutatorName: 'ConditionalExpression', replacement: 'false', status: 'Killed', location: at(3, 12, 17) },
          { id: '4', mutatorName: 'BlockStatement', replacement: '{}', status: 'Timeout', location: { start: { line: 2, column: 29 }, end: { line: 4, column: 4 } } },
        ],
      },
    },
  };

  test('names a mutant by file, function, mutator, text and replacement', () => {
    const m = identify(report).find((x) => x.m.id === '1')!;
    expect([m.fn, m.original, m.replacement, m.nth]).toEqual(['f', 'a > 0', 'a >= 0', 0]);
  });

  test('counts an equivalent survivor out, any other as a survivor (a gap, with its reason when triaged), and lists stale entries', () => {
    const equivalent: TriageEntry = { file: 'model/x.ts', fn: 'f', mutator: 'EqualityOperator', original: 'a > 0', replacement: 'a >= 0', nth: 0, verdict: 'equivalent', reason: 'a is 0 only when both return 0' };
    const stale: TriageEntry = { ...equivalent, original: 'b > 0' };
    const r = score(report, [equivalent, stale]);
    expect(r.rows.get('model/x.ts')).toEqual({ mutants: 4, killed: 1, timeout: 1, survived: 1, equivalent: 1 });
    expect(r.gaps.map((g) => [g.m.id, g.reason])).toEqual([['2', undefined]]);
    expect(r.stale).toEqual([stale]);
    const gap: TriageEntry = { ...equivalent, mutator: 'ConditionalExpression', replacement: 'true', verdict: 'gap', reason: 'no invariant states it' };
    const r2 = score(report, [equivalent, gap]);
    expect(r2.rows.get('model/x.ts')).toEqual({ mutants: 4, killed: 1, timeout: 1, survived: 1, equivalent: 1 });
    expect(r2.gaps.map((g) => [g.m.id, g.reason])).toEqual([['2', 'no invariant states it']]);
    expect(r2.stale).toEqual([]);
  });
});
