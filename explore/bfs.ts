/**
 * Bounded exhaustive exploration: breadth-first over every scenario of the scope up to `depth`
 * steps, on the model. Every edge is judged (every invariant of the catalogue on the path's trace,
 * the state-level ones on the model state after the step and after teardown), since a transition
 * can break an invariant that the state it reaches does not show. States are then deduplicated by
 * a fingerprint of their canonical form (explore/canonical.ts, explore/fingerprint.ts) before being
 * expanded. Breadth-first order makes the
 * first violation found of each invariant a shortest one within the scope; the frontier order is
 * fixed (parent order, then step order), so the result is deterministic.
 */
import type { Policy } from '../model/policy';
import { CATALOGUE } from '../properties/catalogue';
import type { Invariant, Violation } from '../properties/invariant';
import { judgeOnModel } from '../properties/judge';
import { trackPromisesState } from '../properties/promises';
import type { Scenario, Step } from '../scenario/types';
import { successorsOf } from './alphabet';
import { canonicalKey } from './canonical';
import { fingerprint } from './fingerprint';
import type { Scope } from './scope';

export interface ExploreOptions {
  depth: number;
  scope: Scope;
  invariants?: readonly Invariant[];
  /** Deduplicate up to renaming of processes and mappings (default true). */
  symmetry?: boolean;
  /** Stop at the first level where every invariant in `stopWhen` has a counterexample. */
  stopWhen?: readonly string[];
  /** Stop after this many edges (deterministic; then `complete` is false). */
  maxEdges?: number;
  /** A violation counts only when this accepts its scenario (check uses it to pass over scenarios a
   *  known bug already found explains). The verdict of such a path does not depend on the state
   *  alone, so with a filter a shortest result is the shortest the search met, not a proof. */
  accept?(invariantId: string, scenario: Scenario): boolean;
  onLevel?(p: LevelProgress): void;
}

export interface LevelProgress {
  depth: number;
  edges: number;
  distinct: number;
  frontier: number;
  ms: number;
}

export interface ExploreResult {
  /** Edges judged (scenarios run). */
  explored: number;
  /** Distinct states reached (the initial one included). */
  distinct: number;
  /** Deepest level completed. */
  depthReached: number;
  /** False when maxEdges cut the search short. */
  complete: boolean;
  ms: number;
  /** Invariant id -> a shortest counterexample within the scope. */
  counterexamples: Map<string, { scenario: Scenario; violation: Violation }>;
}

interface Node {
  steps: Step[];
  forks: number;
}

export function scenarioOf(scope: Scope, steps: Step[], name = 'explored'): Scenario {
  return { format: 'hugecheck.scenario/1', name, setup: { nr_hugepages: scope.pool, nr_overcommit_hugepages: scope.overcommit }, steps } as Scenario;
}

/** Runs and judges a path (judgeOnModel), and reads before its teardown the key of the state it
 *  reaches and, when `wantSuccessors(key)` says so (a new state to expand), the steps that can follow. */
export function expandPath(policy: Policy, scope: Scope, steps: Step[], forks: number, invariants: readonly Invariant[], symmetric: boolean, wantSuccessors: (key: string) => boolean) {
  const scenario = scenarioOf(scope, steps);
  let key = '';
  let next: Step[] = [];
  let expanded = false;
  const { violations } = judgeOnModel(scenario, policy, invariants, {
    beforeTeardown(m, initial, obs) {
      const { facts, state } = trackPromisesState(scenario, initial, obs);
      key = fingerprint(canonicalKey(m, state, symmetric));
      if (wantSuccessors(key)) {
        next = successorsOf(m, scope, steps.length, forks);
        expanded = true;
      }
      return facts;
    },
  });
  return { key, next, expanded, violations, scenario };
}

export function explore(policy: Policy, opts: ExploreOptions): ExploreResult {
  const t0 = Date.now();
  const invariants = opts.invariants ?? CATALOGUE;
  const symmetric = opts.symmetry ?? true;
  const found = new Map<string, { scenario: Scenario; violation: Violation }>();
  const accept = opts.accept ?? (() => true);
  const note = (violations: Map<string, Violation>, scenario: Scenario) => {
    for (const [id, v] of violations) if (!found.has(id) && accept(id, scenario)) found.set(id, { scenario, violation: v });
  };
  const maxEdges = opts.maxEdges ?? Infinity;
  let complete = true;
  const root = expandPath(policy, opts.scope, [], 0, invariants, symmetric, () => true);
  note(root.violations, root.scenario);
  const seen = new Set<string>([root.key]);
  let frontier: Array<Node & { next: Step[] }> = [{ steps: [], forks: 0, next: root.next }];
  let explored = 0;
  let depthReached = 0;
  level: for (let d = 1; d <= opts.depth && frontier.length; d++) {
    const nextFrontier: Array<Node & { next: Step[] }> = [];
    for (const node of frontier) {
      for (const step of node.next) {
        if (explored >= maxEdges) {
          complete = false;
          break level;
        }
        const steps = [...node.steps, step];
        const forks = node.forks + (step.op === 'fork' ? 1 : 0);
        const r = expandPath(policy, opts.scope, steps, forks, invariants, symmetric, (key) => d < opts.depth && !seen.has(key));
        explored++;
        note(r.violations, r.scenario);
        if (seen.has(r.key)) continue;
        seen.add(r.key);
        nextFrontier.push({ steps, forks, next: r.next });
      }
    }
    frontier = nextFrontier;
    depthReached = d;
    opts.onLevel?.({ depth: d, edges: explored, distinct: seen.size, frontier: frontier.length, ms: Date.now() - t0 });
    if (opts.stopWhen?.length && opts.stopWhen.every((id) => found.has(id))) break;
  }
  return { explored, distinct: seen.size, depthReached, complete, ms: Date.now() - t0, counterexamples: found };
}
