/** The bench's and the campaign's one measure of a search: the time until check's own search
 *  (the catalogue's searches interleaved as a one-thread check runs them, every known fix applied,
 *  no shrinking) meets a violation no known bug explains, and which invariant it broke. */
import { DEFAULT_RUNS, interleave, searchProperty } from '../checker/check';
import type { GeneratorKind } from '../generator/arbitrary';
import type { Policy } from '../model/policy';
import { CATALOGUE } from '../properties/catalogue';

/** The first invariant whose search meets a violation no known bug explains, or undefined. */
export function firstFailure(policy: Policy, seed: number, opts: { runs?: number; generator?: GeneratorKind } = {}): string | undefined {
  const searches = CATALOGUE.map((inv) => searchProperty(policy, inv, { runs: opts.runs ?? DEFAULT_RUNS, seed, findOnly: true, shortestBudget: 0, ...(opts.generator ? { generator: opts.generator } : {}) }));
  let found: string | undefined;
  interleave(searches, { after: (r) => (r.unexpected ? ((found = r.id), true) : false) });
  return found;
}

export function timeToFirstFailure(policy: Policy, seed: number, opts: { runs?: number; generator?: GeneratorKind } = {}): { ms: number; invariant?: string } {
  const t0 = process.hrtime.bigint();
  const invariant = firstFailure(policy, seed, opts);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, ...(invariant ? { invariant } : {}) };
}
