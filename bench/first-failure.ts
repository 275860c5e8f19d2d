/** The bench's and the campaign's one measure of a search: the time until check's own search
 *  (checkProperty, every known fix applied, the catalogue in order, no shrinking) meets a
 *  violation no known bug explains, and which invariant it broke. */
import { checkProperty, DEFAULT_RUNS } from '../checker/check';
import type { GeneratorKind } from '../generator/arbitrary';
import type { Policy } from '../model/policy';
import { CATALOGUE } from '../properties/catalogue';

export function timeToFirstFailure(policy: Policy, seed: number, opts: { runs?: number; generator?: GeneratorKind } = {}): { ms: number; invariant?: string } {
  const t0 = process.hrtime.bigint();
  for (const inv of CATALOGUE) {
    const r = checkProperty(policy, inv, { runs: opts.runs ?? DEFAULT_RUNS, seed, findOnly: true, shortestBudget: 0, ...(opts.generator ? { generator: opts.generator } : {}) });
    if (r.unexpected) return { ms: Number(process.hrtime.bigint() - t0) / 1e6, invariant: inv.id };
  }
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}
