/**
 * Runs on the model: a scenario's trace (`runOnModel`), and the trace judged by the invariants
 * (`judgeOnModel`): the run loop (run/loop.ts) with an observer for the invariants that check the
 * model's state after each step, then the judge (properties/judge.ts) on the trace it made.
 */
import type { Policy } from '../model/policy';
import { CATALOGUE } from '../properties/catalogue';
import type { Invariant, Violation } from '../properties/invariant';
import { judgeTrace, mergeStateViolations, type Judgement } from '../properties/judge';
import type { StepFacts } from '../properties/promises';
import type { Scenario, Trace } from '../scenario/types';
import type { Observer } from './loop';
import { execute, runModel, type Machine } from './machine';

export type { Judgement } from '../properties/judge';

export function runOnModel(scenario: Scenario, policy: Policy): Trace & { log: string[] } {
  return execute(scenario, policy);
}

/** What a caller of judgeOnModel adds to the run: observers of its own (exploration reads the state
 *  before the teardown), and the promise facts they tracked, so that the judge does not track twice. */
export interface JudgeHooks {
  observers?(m: Machine): readonly Observer[];
  facts?(): StepFacts[] | undefined;
  /** The observers read the machine's names() after each step (run/machine.ts, execute). */
  namesEachStep?: boolean;
}

/** The state invariants (`checkState`) as an observer: each judged after every step and after the
 *  teardown, the first violation of each kept. */
function stateObserver(m: Machine, invariants: readonly Invariant[], out: Map<string, Violation>): Observer {
  const check = (step: number | 'final') => {
    for (const inv of invariants) {
      if (out.has(inv.id)) continue;
      const msg = inv.checkState!(m.s);
      if (msg) out.set(inv.id, { step, message: msg });
    }
  };
  return { afterStep: (i) => check(i), afterTeardown: () => check('final') };
}

const EACH_STEP = { namesEachStep: true };

/** Runs a scenario on the model once and judges it, state-level invariants included. */
export function judgeOnModel(scenario: Scenario, policy: Policy, invariants: readonly Invariant[] = CATALOGUE, hooks: JudgeHooks = {}): Judgement {
  const stateChecks = invariants.filter((i) => i.checkState);
  const stateViolations = new Map<string, Violation>();
  const { trace } = runModel(scenario, policy, (m) => {
    const own = hooks.observers?.(m) ?? [];
    return stateChecks.length ? [stateObserver(m, stateChecks, stateViolations), ...own] : own;
  }, hooks.namesEachStep ? EACH_STEP : undefined);
  const violations = judgeTrace(scenario, trace, invariants, hooks.facts?.());
  return { trace, violations: mergeStateViolations(violations, stateViolations) };
}
