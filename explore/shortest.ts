/**
 * `check --shortest`: is a counterexample found by random search the shortest? A breadth-first
 * search over the whole scope of the counterexample (its processes, mapping names, sizes, pool and
 * op kinds: explore/scope.ts scopeOf) up to its length minus one, for the same invariant. Either it
 * finds a shorter one, or it proves none exists in that scope. Counterexamples that use ops outside
 * the exploration's alphabet (files, mounts, segments) are reported as not proved.
 */
import type { Policy } from '../model/policy';
import { findInvariant } from '../properties/catalogue';
import type { Violation } from '../properties/invariant';
import type { Scenario } from '../scenario/types';
import { explore } from './bfs';
import { scopeOf } from './scope';

export type ShortestVerdict =
  | { kind: 'proved'; length: number; explored: number }
  | { kind: 'shorter'; from: number; scenario: Scenario; violation: Violation; explored: number }
  | { kind: 'unsupported'; reason: string };

export function proveShortest(policy: Policy, invariantId: string, counterexample: Scenario): ShortestVerdict {
  const inv = findInvariant(invariantId);
  if (!inv) return { kind: 'unsupported', reason: `unknown invariant ${invariantId}` };
  const { scope, unsupported } = scopeOf(counterexample);
  if (unsupported.length) return { kind: 'unsupported', reason: `it uses ${unsupported.join(', ')}, outside the exploration's ops` };
  const n = counterexample.steps.length;
  const r = explore(policy, { depth: n - 1, scope, invariants: [inv], stopWhen: [inv.id] });
  const c = r.counterexamples.get(inv.id);
  if (c && c.scenario.steps.length < n) return { kind: 'shorter', from: n, scenario: c.scenario, violation: c.violation, explored: r.explored };
  return { kind: 'proved', length: n, explored: r.explored };
}
