/**
 * The held-out bugs (bench/holdout/): each is a historical kernel bug written as a user policy
 * module, with a scenario on which it breaks an invariant while linux-fixed keeps them all. The
 * campaign (bench/campaign.ts) measures how often the checker finds them; this pins that each one
 * is a real, detectable break and that the modules load as a user's would.
 */
import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { loadPolicyModule } from '../io/policy-loader';
import { linuxFixed } from '../model/policies/known-bugs';
import { judgeOnModel } from '../run/model';
import { parseScenarioText } from '../scenario/validate';

const DIR = join(__dirname, '..', 'bench', 'holdout');
const ids = readdirSync(DIR).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();

describe('held-out bugs', () => {
  test('there are ten, each with a scenario', () => {
    expect(ids.length).toBe(10);
    for (const id of ids) expect(readdirSync(DIR)).toContain(`${id}.json`);
  });
  test.each(ids)('%s breaks an invariant on its scenario; linux-fixed breaks none', (id) => {
    const policy = loadPolicyModule(join(DIR, `${id}.ts`));
    expect(policy.name).toBe(`holdout/${id}`);
    const scenario = parseScenarioText(readFileSync(join(DIR, `${id}.json`), 'utf8'), `${id}.json`);
    expect(judgeOnModel(scenario, policy).violations.size).toBeGreaterThan(0);
    expect([...judgeOnModel(scenario, linuxFixed).violations.keys()]).toEqual([]);
  });
});
