/**
 * Checks a step's `expect` against an observation. Runner-independent: the model and the kernel
 * runner report mismatches the same way (shared/contracts/scenario-v1.md, "Any step may carry expect").
 */
import type { Expectation, Mismatch, Observation, Scenario, Step } from './types';

export function checkExpectation(step: number, expect: Expectation | undefined, obs: Observation): Mismatch[] {
  if (!expect) return [];
  const out: Mismatch[] = [];
  const cmp = (field: string, expected: unknown, observed: unknown) => {
    if (expected !== undefined && expected !== observed) out.push({ step, field, expected, observed: observed ?? null });
  };
  cmp('result', expect.result, obs.result);
  if (expect.value !== undefined) cmp('value', expect.value, obs.value);
  if (expect.counters) {
    for (const key of ['total', 'free', 'rsvd', 'surp'] as const) cmp(`counters.${key}`, expect.counters[key], obs.counters[key]);
  }
  if (expect.mounts) {
    for (const [name, stat] of Object.entries(expect.mounts)) {
      const seen = obs.mounts[name];
      if (!seen) {
        out.push({ step, field: `mounts.${name}`, expected: stat, observed: null });
        continue;
      }
      cmp(`mounts.${name}.blocks`, stat.blocks, seen.blocks);
      cmp(`mounts.${name}.bfree`, stat.bfree, seen.bfree);
    }
  }
  return out;
}

/** The expectation that an observation meets in full: result, the value of a read or write, all
 *  four counters, and statfs of every mount but "default". */
export function expectationOf(o: Observation): Expectation {
  const expect: Expectation = { result: o.result };
  if (o.value !== undefined) expect.value = o.value;
  expect.counters = { ...o.counters };
  const mounts = Object.fromEntries(Object.entries(o.mounts).filter(([m]) => m !== 'default'));
  if (Object.keys(mounts).length) expect.mounts = mounts;
  return expect;
}

/** The scenario's steps, each expecting what a run observed. */
export function withExpectations(s: Scenario, steps: readonly Observation[]): Step[] {
  return s.steps.map((step, i): Step => ({ ...step, expect: expectationOf(steps[i]!) }));
}
