/** Runs the promise tracker (properties/promises.ts) over a trace with the op registry's promises. */
import { OPS } from '../ops';
import type { Counters, Observation, Scenario } from '../scenario/types';
import { Tracker, type PromiseState, type PromiseTable, type StepFacts } from './promises';

const TABLE = OPS as unknown as PromiseTable;

export function trackPromises(scenario: Scenario, initial: Counters, steps: readonly Observation[]): StepFacts[] {
  return new Tracker(scenario, TABLE).run(initial, steps);
}

export function trackPromisesState(scenario: Scenario, initial: Counters, steps: readonly Observation[]): { facts: StepFacts[]; state: PromiseState } {
  const t = new Tracker(scenario, TABLE);
  const facts = t.run(initial, steps);
  return { facts, state: t.state() };
}
