/**
 * The kill command of `npm run mutation` (stryker.config.json): the default check of the repaired
 * kernel, `hugecheck check --policy linux-fixed --seed 1`, judged by its verdict alone. It runs the
 * same searches (every invariant of the catalogue, interleaved as a one-thread check runs them, with
 * the default budget, generator and seed) and exits 1 at the first violation no known bug explains, without the shrinking, labelling
 * and shortest-counterexample search that follow a find in the full check; 0 when every property
 * holds. Under linux-fixed the verdicts agree: every known fix is already applied, so a violation
 * the full check finds is one this finds at the same run, and re-applying the fixes explains none of
 * them (test/mutation-tools.test.ts compares the two on the mutant and zoo policies).
 *
 *   node dist/bench/mutation-kill.js [--policy NAME]
 */
import { DEFAULT_RUNS } from '../checker/check';
import { firstFailure } from './first-failure';
import { findPolicy } from '../model/policies';
import type { Policy } from '../model/policy';

/** The first invariant the policy breaks in a way no known bug explains, or null. */
export function killVerdict(policy: Policy, runs = DEFAULT_RUNS, seed = 1): string | null {
  return firstFailure(policy, seed, { runs }) ?? null;
}

if (require.main === module) {
  const i = process.argv.indexOf('--policy');
  const name = i >= 0 ? process.argv[i + 1]! : 'linux-fixed';
  const policy = findPolicy(name);
  if (!policy) {
    console.error(`unknown policy ${name}`);
    process.exit(2);
  }
  const killedBy = killVerdict(policy);
  if (killedBy) {
    console.log(`killed: ${killedBy} breaks`);
    process.exit(1);
  }
  console.log('survived: every property holds');
}
