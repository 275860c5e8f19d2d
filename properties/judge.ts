/**
 * The judge: applies the catalogue's invariants to a trace, from any runner. It runs nothing: a model
 * run with its state invariants is run/model.ts's judgeOnModel, which calls it.
 */
import type { Counters, Observation, Scenario, Trace } from '../scenario/types';
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

/** The trace judgement with the state invariants' violations (run/model.ts) folded in: per
 *  invariant, the earlier of the two. */
export function mergeStateViolations(violations: Map<string, Violation>, state: ReadonlyMap<string, Violation>): Map<string, Violation> {
  for (const [id, v] of state) {
    const other = violations.get(id);
    if (!other || (typeof v.step === 'number' && (other.step === 'final' || v.step < other.step))) violations.set(id, v);
  }
  return violations;
}
