/** Runs a scenario on the model and produces the contract's trace. */
import { checkExpectation } from '../scenario/expect';
import { TRACE_FORMAT, type Scenario, type Trace } from '../scenario/types';
import { execute } from './machine';
import type { Policy } from '../model/policy';

export function runOnModel(scenario: Scenario, policy: Policy): Trace & { log: string[] } {
  const r = execute(scenario, policy);
  const mismatches = scenario.steps.flatMap((step, i) => checkExpectation(i, step.expect, r.steps[i]!));
  return {
    format: TRACE_FORMAT,
    scenario: scenario.name,
    runner: `model:${policy.name}`,
    initial: r.initial,
    steps: r.steps,
    final: r.final,
    mismatches,
    log: r.log,
  };
}
