/** A report case built from a scenario and a policy: the readable trace, the replay commands, and the
 *  C and Jest reproducers (io/artifacts.ts writes them, reports/documents.ts gathers them). */
import type { Policy } from '../model/policy';
import type { Scenario } from '../scenario/types';
import type { ReportCase } from './document';
import { buildReadableTrace } from './readable';
import { generateRepro, ReproError } from './repro-c';
import { generateJestTest } from './repro-jest';
import { formatScenario } from './scenario-json';

export interface CaseInput {
  heading: string;
  scenario: Scenario;
  policy: Policy;
  /** How to rerun the search that found it (absent for a plain scenario). */
  searchReplay?: string;
  /** The scenario's file, when it has one (for the commands). */
  file?: string;
  /** The policy as the CLI names it (a built-in name or a module path). */
  policyArg?: string;
}

/** A report case: the readable trace, the commands, and the C and Jest reproducers. */
export function buildCase(input: CaseInput): ReportCase {
  const policyArg = input.policyArg ?? input.policy.name;
  const file = input.file ?? `${input.scenario.name}.json`;
  const replay: string[] = [];
  if (input.searchReplay) replay.push(input.searchReplay);
  replay.push(`hugecheck run ${file} --policy ${policyArg}`);
  let cRepro: string | undefined;
  try {
    // Expectations from the scenario as the policy produced it: a counterexample carries them on
    // every step; a plain scenario gets the policy's prediction for the rest.
    cRepro = generateRepro(input.scenario, { expectFrom: input.policy, source: file });
    replay.push(`hugecheck repro ${file}${policyArg !== 'linux' ? ` --policy ${policyArg}` : ''} > repro.c && cc -O2 -Wall -o repro repro.c && sudo ./repro`);
  } catch (e) {
    if (!(e instanceof ReproError)) throw e;
  }
  return {
    heading: input.heading,
    trace: buildReadableTrace(input.scenario, input.policy, { labelKnownBugs: true }),
    replay,
    scenarioJson: formatScenario(input.scenario),
    ...(cRepro ? { cRepro } : {}),
    jestTest: generateJestTest(input.scenario, input.policy, { source: file, ...(input.policyArg && input.policyArg !== input.policy.name ? { policyModule: input.policyArg } : {}) }),
  };
}

/** A file name from a case heading or scenario name. */
export function slug(s: string): string {
  return s.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'case';
}
