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
import { createsName } from '../ops';
import type { Policy } from '../model/policy';
import { CATALOGUE } from '../properties/catalogue';
import type { Invariant, Violation } from '../properties/invariant';
import { judgeOnModel } from '../run/model';
import { trackPromisesState } from '../properties/track';
import type { Scenario, Step } from '../scenario/types';
import type { StepFacts } from '../properties/promises';
import { Machine } from '../run/machine';
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

export interface Node {
  steps: Step[];
  forks: number;
}

/** One successor of a node, run and judged: the fingerprint of the state it reaches and what broke. */
export interface ExploredEdge {
  key: string;
  violations: Array<[string, Violation]>;
}

export function scenarioOf(scope: Scope, steps: Step[], name = 'explored'): Scenario {
  return { format: 'hugecheck.scenario/1', name, setup: { nr_hugepages: scope.pool, nr_overcommit_hugepages: scope.overcommit }, steps } as Scenario;
}

/** Runs and judges a path (judgeOnModel), and reads before its teardown the fingerprint of the
 *  state it reaches. */
export function expandPath(policy: Policy, scope: Scope, steps: Step[], invariants: readonly Invariant[], symmetric: boolean) {
  const scenario = scenarioOf(scope, steps);
  let key = '';
  let facts: StepFacts[] | undefined;
  const { violations } = judgeOnModel(scenario, policy, invariants, {
    observers: (m) => [
      {
        beforeTeardown(initial, obs) {
          const tracked = trackPromisesState(scenario, initial, obs);
          facts = tracked.facts;
          key = fingerprint(canonicalKey(m, tracked.state, symmetric));
        },
      },
    ],
    facts: () => facts,
  });
  return { key, violations, scenario };
}

/** The steps that can follow a path: the path replayed on the model without judging (a few
 *  microseconds; cheaper than carrying the list along, or between threads). */
export function nextSteps(policy: Policy, scope: Scope, node: Node): Step[] {
  const m = new Machine(policy, scenarioOf(scope, node.steps).setup);
  for (const s of node.steps) m.step(s);
  return successorsOf(m, scope, node.steps.length, node.forks);
}

/** Every successor of each node (in nextSteps order), run and judged: the work of one level,
 *  done here or by a worker thread (parallel/tasks.ts). */
export function expandNodes(policy: Policy, scope: Scope, nodes: readonly Node[], invariants: readonly Invariant[], symmetric: boolean): ExploredEdge[][] {
  return nodes.map((node) =>
    nextSteps(policy, scope, node).map((step) => {
      const r = expandPath(policy, scope, [...node.steps, step], invariants, symmetric);
      return { key: r.key, violations: [...r.violations] };
    }),
  );
}

/**
 * The search, written once: it yields each level's frontier and is sent back, per node, its edges
 * (expandNodes' result, however computed). It merges them in frontier order, so whoever expands
 * the nodes, the counts, the states kept and the counterexamples are the same.
 */
export function* search(policy: Policy, opts: ExploreOptions): Generator<Node[], ExploreResult, ExploredEdge[][]> {
  const t0 = Date.now();
  const invariants = opts.invariants ?? CATALOGUE;
  const found = new Map<string, { scenario: Scenario; violation: Violation }>();
  const accept = opts.accept ?? (() => true);
  const note = (violations: Iterable<[string, Violation]>, scenario: () => Scenario) => {
    for (const [id, v] of violations) {
      if (found.has(id)) continue;
      const s = scenario();
      if (accept(id, s)) found.set(id, { scenario: s, violation: v });
    }
  };
  const maxEdges = opts.maxEdges ?? Infinity;
  let complete = true;
  const root = expandPath(policy, opts.scope, [], invariants, opts.symmetry ?? true);
  note(root.violations, () => root.scenario);
  const seen = new Set<string>([root.key]);
  let frontier: Node[] = [{ steps: [], forks: 0 }];
  let explored = 0;
  let depthReached = 0;
  level: for (let d = 1; d <= opts.depth && frontier.length; d++) {
    const expanded = yield frontier;
    const next: Node[] = [];
    for (const [i, node] of frontier.entries()) {
      const steps0 = nextSteps(policy, opts.scope, node);
      for (const [j, e] of expanded[i]!.entries()) {
        if (explored >= maxEdges) {
          complete = false;
          break level;
        }
        explored++;
        const step = steps0[j]!;
        const steps = [...node.steps, step];
        note(e.violations, () => scenarioOf(opts.scope, steps));
        if (seen.has(e.key)) continue;
        seen.add(e.key);
        next.push({ steps, forks: node.forks + (createsName(step, 'proc') ? 1 : 0) });
      }
    }
    frontier = next;
    depthReached = d;
    opts.onLevel?.({ depth: d, edges: explored, distinct: seen.size, frontier: frontier.length, ms: Date.now() - t0 });
    if (opts.stopWhen?.length && opts.stopWhen.every((id) => found.has(id))) break;
  }
  return { explored, distinct: seen.size, depthReached, complete, ms: Date.now() - t0, counterexamples: found };
}

/** The search in this thread. */
export function explore(policy: Policy, opts: ExploreOptions): ExploreResult {
  const invariants = opts.invariants ?? CATALOGUE;
  const loop = search(policy, opts);
  for (let r = loop.next(); ; r = loop.next(expandNodes(policy, opts.scope, r.value, invariants, opts.symmetry ?? true))) if (r.done) return r.value;
}
