/**
 * Applies the catalogue: to a trace (any runner), and to a model run (trace plus the model's state
 * after every step, for the invariants that check state).
 */
import { Machine } from '../run/machine';
import { boundBefore } from '../scenario/bind';
import type { Policy } from '../model/policy';
import { checkExpectation } from '../scenario/expect';
import { TRACE_FORMAT, type Counters, type Observation, type Scenario, type Trace } from '../scenario/types';
import { CATALOGUE } from './catalogue';
import type { Invariant, TraceView, Violation } from './invariant';
import type { StepFacts } from './promises';
import { trackPromises } from './track';

export interface Judgement {
  trace: Trace;
  /** Invariant id -> its first violation. */
  violations: Map<string, Violation>;
}

/** A trace as the invariants see it. The promise facts are tracked when an invariant first reads
 *  them: four invariants of the catalogue judge the counters alone, and check judges one invariant
 *  per run. */
class View implements TraceView {
  private tracked: StepFacts[] | undefined;
  constructor(
    readonly scenario: Scenario,
    readonly initial: Counters,
    readonly steps: Observation[],
    readonly final: Observation,
    facts: StepFacts[] | undefined,
  ) {
    this.tracked = facts;
  }
  get facts(): StepFacts[] {
    return (this.tracked ??= trackPromises(this.scenario, this.initial, this.steps));
  }
}

/** Judges a trace with the trace-level invariants. */
export function judgeTrace(scenario: Scenario, t: { initial: Counters; steps: Observation[]; final: Observation }, invariants: readonly Invariant[] = CATALOGUE, facts?: StepFacts[]): Map<string, Violation> {
  const view: TraceView = new View(scenario, t.initial, t.steps, t.final, facts);
  const out = new Map<string, Violation>();
  for (const inv of invariants) {
    const v = inv.judge?.(view);
    if (v) out.set(inv.id, v);
  }
  return out;
}

export interface JudgeHooks {
  /** Called after the last step, before the teardown (exploration reads the state here); may return
   *  the promise facts of the steps so that they are not tracked twice. */
  beforeTeardown?(m: Machine, initial: Counters, steps: Observation[]): StepFacts[] | void;
}

/** Runs a scenario on the model and judges it, state-level invariants included. */
export function judgeOnModel(scenario: Scenario, policy: Policy, invariants: readonly Invariant[] = CATALOGUE, hooks: JudgeHooks = {}): Judgement {
  const m = new Machine(policy, scenario.setup, boundBefore(scenario)); // a generated scenario is bound once
  const initial = m.counters();
  const stateChecks = invariants.filter((i) => i.checkState);
  const stateViolations = new Map<string, Violation>();
  const check = (step: number | 'final') => {
    for (const inv of stateChecks) {
      if (stateViolations.has(inv.id)) continue;
      const msg = inv.checkState!(m.s);
      if (msg) stateViolations.set(inv.id, { step, message: msg });
    }
  };
  const steps = scenario.steps.map((step, i) => {
    const obs = m.observe(m.step(step));
    check(i);
    return obs;
  });
  const facts = hooks.beforeTeardown?.(m, initial, steps) ?? undefined;
  m.teardown();
  check('final');
  const final = m.observe('ok');
  const violations = judgeTrace(scenario, { initial, steps, final }, invariants, facts);
  for (const [id, v] of stateViolations) {
    const other = violations.get(id);
    if (!other || (typeof v.step === 'number' && (other.step === 'final' || v.step < other.step))) violations.set(id, v);
  }
  const mismatches = scenario.steps.some((s) => s.expect) ? scenario.steps.flatMap((s, i) => checkExpectation(i, s.expect, steps[i]!)) : [];
  const trace: Trace = { format: TRACE_FORMAT, scenario: scenario.name, runner: `model:${policy.name}`, initial, steps, final, mismatches };
  return { trace, violations };
}
