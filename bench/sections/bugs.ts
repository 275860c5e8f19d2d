/** The bugs section: for every zoo, seed and mutant policy, the time to the first failure over the seeds, the length check ends at, explore's shortest and the ratio. */
import { checkProperty, DEFAULT_RUNS } from '../../checker/check';
import { proveShortest } from '../../explore/shortest';
import { POLICIES } from '../../model/policies';
import { findInvariant } from '../../properties/catalogue';
import { fmt, median, put, rows, SEEDS } from '../common';
import { timeToFirstFailure } from '../first-failure';

export function bugsSection(): void {
  console.log(`\nbugs: every zoo, seed and mutant policy that breaks an invariant (${SEEDS} seeds each, ${DEFAULT_RUNS} runs per property)`);
  const policies = [...POLICIES.values()].filter((p) => !p.name.startsWith('fix/') && p.name !== 'linux' && p.name !== 'linux-fixed');
  console.log(`  ${'policy'.padEnd(46)} ${'first failure'.padStart(14)} ${'check'.padStart(6)} ${'shortest'.padStart(9)} ${'ratio'.padStart(6)}  invariant`);
  for (const policy of policies) {
    const firsts: number[] = [];
    const lengths: number[] = [];
    const shortest: number[] = [];
    let invariant: string | undefined;
    let caught = 0;
    let notProved = 0;
    let why: string | undefined;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const f = timeToFirstFailure(policy, seed);
      firsts.push(f.ms);
      if (!f.invariant) continue;
      caught++;
      invariant ??= f.invariant;
      const inv = findInvariant(f.invariant)!;
      const r = checkProperty(policy, inv, { runs: DEFAULT_RUNS, seed });
      const v = r.violations.find((x) => !x.knownBugs);
      if (!v) continue;
      lengths.push(v.counterexample.steps.length);
      // explore's shortest in the counterexample's scope, searched afresh without a budget.
      const s = proveShortest(policy, inv, v.counterexample);
      if (s.kind === 'proved') shortest.push(v.counterexample.steps.length);
      else if (s.kind === 'shorter') shortest.push(s.scenario.steps.length);
      else {
        notProved++;
        why ??= s.kind === 'unsupported' ? s.reason : s.kind;
      }
    }
    if (!caught) continue;
    if (!lengths.length) why ??= 'check under the same seeds labelled every violation it kept with a known bug';
    const ratio = lengths.length && shortest.length === lengths.length ? Math.max(...lengths.map((l, i) => l / shortest[i]!)) : NaN;
    const row = { policy: policy.name, invariant, caught, seeds: SEEDS, firstFailureMs: median(firsts), firstFailureRuns: firsts, checkLength: median(lengths), shortestLength: shortest.length ? median(shortest) : null, ratio: Number.isNaN(ratio) ? null : ratio, notProved, ...(why ? { notProvedWhy: why } : {}) };
    rows.push(row);
    console.log(`  ${policy.name.padEnd(46)} ${`${fmt(row.firstFailureMs, 1)} ms`.padStart(14)} ${String(lengths.length ? row.checkLength : '-').padStart(6)} ${String(row.shortestLength ?? '-').padStart(9)} ${(Number.isNaN(ratio) ? 'n/a' : ratio.toFixed(2)).padStart(6)}  ${invariant}${caught < SEEDS ? ` (caught under ${caught} of ${SEEDS} seeds)` : ''}${notProved ? ` (${notProved} not proved: ${why})` : ''}`);
  }
  const zoo = rows.filter((r) => String(r.policy).startsWith('bug/'));
  const worstZoo = Math.max(...zoo.map((r) => r.firstFailureMs as number));
  const worstFirst = Math.max(...rows.map((r) => r.firstFailureMs as number));
  put({ section: 'bugs', name: 'slowest median time to first failure, zoo', value: worstZoo, unit: 'ms', target: '< 1,000 ms for every zoo bug', met: worstZoo < 1000 });
  const slow = rows.filter((r) => (r.caught as number) < SEEDS || (r.firstFailureMs as number) >= 1000).map((r) => `${r.policy} (${r.caught} of ${SEEDS} seeds, median ${fmt(r.firstFailureMs as number)} ms)`);
  put({ section: 'bugs', name: 'slowest median time to first failure, all', value: worstFirst, unit: 'ms' });
  put({ section: 'bugs', name: `policies caught under every seed, median first failure under 1 s (of ${rows.length})`, value: rows.length - slow.length, unit: 'policies', target: 'every one', met: slow.length === 0, ...(slow.length ? { note: `not: ${slow.join('; ')}` } : {}) });
  const rated = rows.filter((r) => r.ratio !== null);
  const worstRatio = Math.max(...rated.map((r) => r.ratio as number));
  const unrated = rows.filter((r) => r.ratio === null).map((r) => `${r.policy} (${r.notProvedWhy})`);
  put({ section: 'bugs', name: `worst check length / shortest (${rated.length} policies)`, value: worstRatio, unit: '', target: '1.00', met: worstRatio === 1, ...(unrated.length ? { note: `no ratio for ${unrated.join('; ')}` } : {}) });
}
