/**
 * Policy against policy: generated scenarios run under two policies; a scenario on which their
 * traces differ (checker/diff.ts firstDivergence: the first step whose result, value, counters or
 * mounts differ, or the final observation after teardown) is shrunk by fast-check, then by
 * shrinkers/reduce, to a minimal one. A difference is classified by the op of its first differing
 * step and the field that differs (`madvise/counters.rsvd`); after each class found, a new search
 * (seed + 1, ...) looks for scenarios whose first difference is of a class not found yet, until
 * `max` classes or a search of `runs` scenarios that finds none. Deterministic: the same options
 * give the same differences. No I/O.
 */
import fc from 'fast-check';
import { scenarioArbitrary } from '../generator/arbitrary';
import { DEFAULT_WEIGHTS, type Weights } from '../generator/commands';
import { execute } from '../run/machine';
import type { Policy } from '../model/policy';
import type { Scenario, Trace } from '../scenario/types';
import { reduce } from '../shrinkers/reduce';
import { finish } from './check';
import { firstDivergence } from './diff';

export type TraceView = Pick<Trace, 'initial' | 'steps' | 'final'>;

export interface FirstDifference {
  /** A step index, or 'initial' / 'final' (after teardown). */
  step: number | 'initial' | 'final';
  /** The op of that step ('initial' / 'final' for those observations). */
  op: string;
  /** result, value, counters.total/free/rsvd/surp, mounts.NAME, mounts.NAME.blocks/bfree */
  field: string;
  /** The value under the policy and under the one it is compared against. */
  policy: unknown;
  against: unknown;
  /** op/field, mount names left out: `write/result`, `final/counters.rsvd`, `umount/mounts.bfree`. */
  class: string;
}

export interface PolicyDifference {
  difference: FirstDifference;
  /** The minimal scenario, `expect` on every step = what the policy (not the other) does. */
  scenario: Scenario;
  traces: { policy: TraceView; against: TraceView };
  /** The seed of the search that found it (the replay seed + the search's index). */
  seed: number;
}

export interface DiffPolicyOptions {
  runs: number;
  seed: number;
  /** Distinct classes to find at most (default 5). */
  max?: number;
  weights?: Weights;
  maxCommands?: number;
  /** Name of the k-th minimal scenario (k from 1). */
  name?: (k: number) => string;
}

export interface DiffPolicyResult {
  differences: PolicyDifference[];
  /** Searches done (one per class found, plus the last one when it found none). */
  searches: number;
  /** Scenarios generated in all the searches. */
  runs: number;
  /** The last search ran all its runs without finding a new class (false: stopped at `max`). */
  exhausted: boolean;
}

const fieldClass = (field: string) => field.replace(/^mounts\.[^.]+/, 'mounts');

/** The first difference of two traces of the same scenario, classified, or null when they agree. */
export function firstDifference(s: Scenario, a: TraceView, b: TraceView): FirstDifference | null {
  const d = firstDivergence(a, b);
  if (!d) return null;
  const op = typeof d.step === 'number' ? s.steps[d.step]!.op : d.step;
  return { step: d.step, op, field: d.field, policy: d.model, against: d.kernel, class: `${op}/${fieldClass(d.field)}` };
}

/** Both runs of a scenario and their first difference. */
export function comparePolicies(s: Scenario, policy: Policy, against: Policy): { policy: TraceView; against: TraceView; difference: FirstDifference | null } {
  const a = execute(s, policy);
  const b = execute(s, against);
  const view = (t: typeof a): TraceView => ({ initial: t.initial, steps: t.steps, final: t.final });
  return { policy: view(a), against: view(b), difference: firstDifference(s, a, b) };
}

export function diffPolicies(policy: Policy, against: Policy, opts: DiffPolicyOptions): DiffPolicyResult {
  const max = opts.max ?? 5;
  const found = new Set<string>();
  const out: DiffPolicyResult = { differences: [], searches: 0, runs: 0, exhausted: false };
  const classOf = (s: Scenario) => comparePolicies(s, policy, against).difference?.class;
  const arb = scenarioArbitrary({ weights: opts.weights ?? DEFAULT_WEIGHTS, maxCommands: opts.maxCommands });
  while (out.differences.length < max) {
    const seed = opts.seed + out.searches;
    out.searches++;
    const isNew = (s: Scenario) => {
      const c = classOf(s);
      return c !== undefined && !found.has(c);
    };
    const details = fc.check(fc.property(arb, (s) => !isNew(s)), { numRuns: opts.runs, seed });
    out.runs += details.numRuns;
    if (!details.failed || !details.counterexample) {
      out.exhausted = true;
      break;
    }
    // fast-check shrank it to some new class; the reduction keeps that class.
    const shrunk = details.counterexample[0];
    const cls = classOf(shrunk)!;
    const reduced = reduce(shrunk, (s) => classOf(s) === cls);
    const r = comparePolicies(reduced, policy, against);
    const scenario = finish(reduced, policy, opts.name?.(out.differences.length + 1) ?? `difference-${out.differences.length + 1}`);
    found.add(cls);
    out.differences.push({ difference: r.difference!, scenario, traces: { policy: r.policy, against: r.against }, seed });
  }
  return out;
}
