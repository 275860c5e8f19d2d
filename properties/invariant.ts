/**
 * An invariant of the catalogue: the executable specification. Most judge a scenario and its
 * observed trace (so they judge a real-kernel trace too); a few also check the model's state.
 */
import type { ModelState } from '../model/state';
import type { Counters, Observation, Scenario } from '../scenario/types';
import type { StepFacts } from './promises';

export interface Violation {
  /** The step after which it broke, or 'final' (after teardown). */
  step: number | 'final';
  message: string;
}

export interface TraceView {
  scenario: Scenario;
  initial: Counters;
  steps: Observation[];
  final: Observation;
  readonly facts: StepFacts[];
}

export interface Invariant {
  id: string;
  title: string;
  /** One paragraph: what must hold, with its preconditions and the kernel's documented exceptions. */
  statement: string;
  /** Where the rule comes from (kernel-semantics.md ids, bug-zoo H-ids, kernel functions). */
  source: string;
  /** Judges a trace; null when it holds. */
  judge?(t: TraceView): Violation | null;
  /** Judges the model's state after a step (model runs only); a message when it does not hold. */
  checkState?(s: ModelState): string | null;
  /** A small scenario on which it holds (for the documentation; a test runs it). */
  example: { setup?: { nr_hugepages?: number; nr_overcommit_hugepages?: number }; steps: unknown[] };
  /** A policy that breaks it, where one exists. */
  brokenBy?: string;
}

/** The first step whose facts fail `bad`, as a violation. */
export function firstStep(t: TraceView, bad: (f: StepFacts) => string | null): Violation | null {
  for (const f of t.facts) {
    const m = bad(f);
    if (m) return { step: f.index, message: m };
  }
  return null;
}

/** nr_overcommit_hugepages before each step, from the scenario itself (setup, then setOvercommit). */
export function overcommitBefore(t: TraceView): number[] {
  const out: number[] = [];
  let o = t.scenario.setup.nr_overcommit_hugepages;
  for (const s of t.scenario.steps) {
    out.push(o);
    if (s.op === 'setOvercommit') o = s.pages;
  }
  return out;
}

export const fmtCounters = (c: Counters) => `[Total ${c.total} Free ${c.free} Rsvd ${c.rsvd} Surp ${c.surp}]`;
