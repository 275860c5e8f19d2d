/**
 * The work a worker thread does, as plain data in and out (structured-clone safe), and the pure
 * functions that do it. A policy travels by the name or module path the user gave (`--policy`),
 * and each worker loads it once.
 */
import { checkUnit, type CampaignSettings, type Unit, type UnitResult } from '../checker/campaign';
import { loadPolicy } from '../cli/load';
import { successorsOf } from '../explore/alphabet';
import { expandPath, scenarioOf } from '../explore/bfs';
import { Machine } from '../model/machine';
import type { Scope } from '../explore/scope';
import type { Policy } from '../model/policy';
import { findInvariant } from '../properties/catalogue';
import type { Invariant, Violation } from '../properties/invariant';
import type { Step } from '../scenario/types';

/** Expand frontier nodes of a bounded exploration: every successor of each (in the order of the
 *  node's `next`), run and judged. */
export interface ExploreLevelTask {
  kind: 'explore-level';
  policy: string;
  scope: Scope;
  invariants: string[];
  symmetric: boolean;
  nodes: Array<{ steps: Step[]; forks: number }>;
}
export interface ExploredEdge {
  key: string;
  violations: Array<[string, Violation]>;
}

/** Check one (seed, invariant) unit of a campaign (checker/campaign.ts). */
export interface CheckUnitTask {
  kind: 'check-unit';
  policy: string;
  unit: Unit;
  settings: CampaignSettings;
  timeLimitMs?: number;
}

export type Task = ExploreLevelTask | CheckUnitTask;
export type TaskResult<K extends Task['kind']> = K extends 'explore-level' ? ExploredEdge[][] : K extends 'check-unit' ? UnitResult : never;

const policies = new Map<string, Policy>();
function policyOf(ref: string): Policy {
  let p = policies.get(ref);
  if (!p) policies.set(ref, (p = loadPolicy(ref)));
  return p;
}

function invariantsOf(ids: string[]): Invariant[] {
  return ids.map((id) => findInvariant(id) ?? fail(`unknown invariant ${id}`));
}

export function exploreLevel(t: ExploreLevelTask, policy: Policy = policyOf(t.policy)): ExploredEdge[][] {
  const invariants = invariantsOf(t.invariants);
  return t.nodes.map((node) =>
    nextSteps(policy, t.scope, node.steps, node.forks).map((step) => {
      const r = expandPath(policy, t.scope, [...node.steps, step], node.forks + (step.op === 'fork' ? 1 : 0), invariants, t.symmetric, () => false);
      return { key: r.key, violations: [...r.violations] };
    }),
  );
}

/** The steps that can follow a path: the path replayed on the model without judging (a few
 *  microseconds; cheaper than carrying the list between threads). */
export function nextSteps(policy: Policy, scope: Scope, steps: Step[], forks: number): Step[] {
  const m = new Machine(policy, scenarioOf(scope, steps).setup);
  for (const s of steps) m.step(s);
  return successorsOf(m, scope, steps.length, forks);
}

export function runTask(t: Task): ExploredEdge[][] | UnitResult {
  switch (t.kind) {
    case 'explore-level':
      return exploreLevel(t);
    case 'check-unit':
      return checkUnit(policyOf(t.policy), t.unit, t.settings, t.timeLimitMs);
  }
}

function fail(message: string): never {
  throw new Error(message);
}
