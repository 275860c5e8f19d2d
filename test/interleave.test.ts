/**
 * check's searches run in slices (checker/check.ts, searchProperty) and a one-thread check
 * interleaves them (interleave, checker/campaign.ts runUnits). Neither may change a result: a
 * slice is the continuation of one fast-check run, and a unit's search does not depend on what
 * ran between its slices. What interleaving changes is how soon a violation shows up.
 */
import { describe, expect, test } from '@jest/globals';
import { checkProperty, interleave, searchProperty, type PropertyResult } from '../checker/check';
import { campaignUnits, checkUnit } from '../checker/campaign';
import { runUnits } from '../checker/parallel';
import { findPolicy } from '../model/policies';
import { CATALOGUE, findInvariant } from '../properties/catalogue';

const policy = (name: string) => findPolicy(name) ?? fail(`no policy ${name}`);
const invariant = (id: string) => findInvariant(id) ?? fail(`no invariant ${id}`);
const fail = (m: string): never => {
  throw new Error(m);
};
/** What a search found, as plain data (its statistics included: every run counts in them). */
const outcome = (r: PropertyResult) => JSON.parse(JSON.stringify(r));

describe('slices', () => {
  test.each([
    ['mutant/steal-always', 'steal-only-when-needed', 'classic', 1],
    ['mutant/steal-always', 'steal-only-when-needed', 'guided', 3],
    ['mutant/steal-always', 'steal-only-when-needed', 'swarm', 2],
    // A known bug first, then a second search round with its fix applied.
    ['mutant/private-write-through', 'exact-consumption', 'classic', 8],
  ] as const)('%s on %s (%s, seed %d): slices of 7 runs find what one run of the whole budget finds', (name, id, generator, seed) => {
    const opts = { runs: 700, seed, generator, shortestBudget: 0 };
    const whole = checkProperty(policy(name), invariant(id), { ...opts, slice: 700 });
    const sliced = checkProperty(policy(name), invariant(id), { ...opts, slice: 7 });
    expect(outcome(sliced)).toEqual(outcome(whole));
    // The cases are chosen so that something is found past the first slice.
    expect(whole.status).toBe('violated');
    expect(whole.runs).toBeGreaterThan(7);
  });
});

describe('interleaving', () => {
  test('a one-thread check gives every unit the result it has when checked alone', async () => {
    const units = campaignUnits(['owner-never-faults', 'steal-only-when-needed', 'exact-consumption'], [1, 2]);
    const settings = { runs: 400, shortestBudget: 0 };
    const p = policy('mutant/steal-always');
    const together = await runUnits({ policyRef: p.name, policy: p, units, settings, workers: 1 });
    expect(together.map((r) => outcome(r as unknown as PropertyResult))).toEqual(units.map((u) => outcome(checkUnit(p, u, settings) as unknown as PropertyResult)));
  });

  test('a violation of the last property of the catalogue shows up before the others have run their budgets', () => {
    const runs = 1000;
    let tries = 0;
    const p = policy('mutant/overcommit-off-by-one');
    const searches = CATALOGUE.map((inv) => searchProperty(p, inv, { runs, seed: 1, findOnly: true, onTry: () => tries++ }));
    let found: string | undefined;
    const results = interleave(searches, { after: (r) => (r.unexpected ? ((found = r.id), true) : false) });
    expect(found).toBe(CATALOGUE[CATALOGUE.length - 1]!.id);
    // Run one after the other, every property before it would have run all its runs first.
    expect(tries).toBeLessThan((CATALOGUE.length - 1) * runs);
    // The others were stopped part-way: no result for them.
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
  });
});
