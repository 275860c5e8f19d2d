/**
 * The work a worker thread does, as plain data in and out (structured-clone safe), and the pure
 * functions that do it. A policy travels by the name or module path the user gave (`--policy`),
 * and each worker loads it once.
 */
import { checkUnit, type CampaignSettings, type Unit, type UnitResult } from '../checker/campaign';
import { loadPolicy } from '../io/load';
import { expandNodes, type ExploredEdge, type Node } from '../explore/bfs';
import type { Scope } from '../explore/scope';
import type { Policy } from '../model/policy';
import { findInvariant } from '../properties/catalogue';
import type { Invariant } from '../properties/invariant';

/** Expand frontier nodes of a bounded exploration (explore/bfs.ts expandNodes). */
export interface ExploreLevelTask {
  kind: 'explore-level';
  policy: string;
  scope: Scope;
  invariants: string[];
  symmetric: boolean;
  nodes: Node[];
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

export function runTask(t: Task): ExploredEdge[][] | UnitResult {
  switch (t.kind) {
    case 'explore-level':
      return expandNodes(policyOf(t.policy), t.scope, t.nodes, invariantsOf(t.invariants), t.symmetric);
    case 'check-unit':
      return checkUnit(policyOf(t.policy), t.unit, t.settings, t.timeLimitMs);
  }
}

function fail(message: string): never {
  throw new Error(message);
}
