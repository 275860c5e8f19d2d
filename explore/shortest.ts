/**
 * Is a counterexample the shortest? A breadth-first search over the whole scope of the
 * counterexample (its processes, names, sizes, pool, mounts and op kinds: explore/scope.ts scopeOf)
 * up to its length minus one, for the same invariant. Either it finds a shorter one, or it proves
 * none exists in that scope. `check` runs it on every counterexample after shrinking, within an edge
 * budget (`--shortest` lifts the budget).
 */
import type { Policy } from '../model/policy';
import type { Invariant, Violation } from '../properties/invariant';
import type { Scenario } from '../scenario/types';
import { explore } from './bfs';
import { scopeOf } from './scope';

/** Edges a search may take by default: every zoo counterexample needs far fewer (bench: zoo). */
export const DEFAULT_SHORTEST_BUDGET = 300_000;

export type ShortestVerdict =
  /** No counterexample of fewer steps exists in the scope. */
  | { kind: 'proved'; length: number; explored: number }
  /** The search found this shorter one (`from`: the length before). */
  | { kind: 'shorter'; from: number; scenario: Scenario; violation: Violation; explored: number; proved: boolean }
  /** The budget ran out before the search was done. */
  | { kind: 'budget'; explored: number; depthReached: number }
  /** The whole scope was searched and none shorter passed the filter (with a filter: not a proof). */
  | { kind: 'searched'; length: number; explored: number }
  | { kind: 'unsupported'; reason: string };

export interface ShortestOptions {
  /** Edges the search may take (default: no limit). */
  budget?: number;
  /** Only scenarios this accepts count (a filter makes the result the shortest found, not a proof). */
  accept?(scenario: Scenario): boolean;
}

export function proveShortest(policy: Policy, inv: Invariant, counterexample: Scenario, opts: ShortestOptions = {}): ShortestVerdict {
  const { scope, unsupported } = scopeOf(counterexample);
  if (unsupported.length) return { kind: 'unsupported', reason: `it uses ${unsupported.join(', ')}, outside the exploration's alphabet` };
  const n = counterexample.steps.length;
  if (n === 0) return { kind: 'proved', length: 0, explored: 0 };
  const r = explore(policy, {
    depth: n - 1,
    scope,
    invariants: [inv],
    stopWhen: [inv.id],
    maxEdges: opts.budget,
    ...(opts.accept ? { accept: (_id: string, s: Scenario) => opts.accept!(s) } : {}),
  });
  const c = r.counterexamples.get(inv.id);
  // Breadth-first: a hit at depth d comes after every level below d was complete, so it is a
  // shortest one (unless a filter pruned paths: the filter's verdict is not a function of the state).
  if (c && c.scenario.steps.length < n) return { kind: 'shorter', from: n, scenario: c.scenario, violation: c.violation, explored: r.explored, proved: !opts.accept };
  if (!r.complete) return { kind: 'budget', explored: r.explored, depthReached: r.depthReached };
  return opts.accept ? { kind: 'searched', length: n, explored: r.explored } : { kind: 'proved', length: n, explored: r.explored };
}

/** The verdict as reports carry it (plain data). */
export interface ShortestSummary {
  verdict: ShortestVerdict['kind'];
  /** The length shrinking ended at, when the search found a shorter one. */
  shrunkTo?: number;
  /** For a shorter one: no shorter exists (false when a known-bug filter pruned the search). */
  proved?: boolean;
  explored?: number;
  /** For a budget stop: every scenario of up to this many steps was done. */
  depthReached?: number;
  reason?: string;
}

export function shortestSummary(v: ShortestVerdict): ShortestSummary {
  return {
    verdict: v.kind,
    ...(v.kind === 'shorter' ? { shrunkTo: v.from, proved: v.proved } : {}),
    ...('explored' in v ? { explored: v.explored } : {}),
    ...(v.kind === 'budget' ? { depthReached: v.depthReached } : {}),
    ...(v.kind === 'unsupported' ? { reason: v.reason } : {}),
  };
}

/** The verdict in one sentence, for the check report. */
export function describeShortestSummary(v: ShortestSummary, length: number): string {
  switch (v.verdict) {
    case 'proved':
      return `proved: no counterexample of fewer steps exists in its scope (${v.explored} scenarios explored)`;
    case 'shorter':
      return `shrinking ended at ${v.shrunkTo} steps; a breadth-first search of its scope found this one of ${length}${v.proved ? ', and none shorter exists there' : ' (the shortest it found that no known bug found earlier explains)'} (${v.explored} scenarios explored)`;
    case 'searched':
      return `no shorter one that the known bugs found earlier do not explain, in its scope (${v.explored} scenarios explored; not a proof: that filter is not a property of the state)`;
    case 'budget':
      return `not proved: the search stopped at its budget of ${v.explored} scenarios, every scenario of up to ${v.depthReached} steps done (hugecheck check --shortest lifts the budget)`;
    case 'unsupported':
      return `not proved: ${v.reason}`;
  }
}
