/**
 * Known-bug labels that never mask a new bug.
 *
 * A violation found under a policy is *explained* when it disappears with known bugs fixed; its
 * label is the smallest set of registry bugs whose fixes, applied together, remove it (two known
 * bugs in one scenario are labelled with both, not reported as unexplained because neither fix
 * alone removes it). A fix is applied on top of the policy under check, so it replaces whatever
 * that policy did in the functions the fix overrides. When the policy's author changed one of
 * those functions (`policyChanges`), applying the fix would erase the author's change before the
 * test: such a fix is never used to explain a violation. If only it would remove the violation,
 * the label says the violation could not be separated from that bug, and it counts as unexpected.
 */
import { KNOWN_BUGS, type KnownBug } from '../model/policies/known-bugs';
import type { Kernel } from '../model/kernel';
import { policyChanges, type Policy } from '../model/policy';
import { findInvariant } from '../properties/catalogue';
import type { Invariant } from '../properties/invariant';
import { judgeOnModel } from '../run/model';
import type { Scenario } from '../scenario/types';

/** What a violation is labelled with (plain data: it goes into reports). */
export interface Label {
  /** The smallest set of known bugs whose fixes together remove the violation (registry order). */
  knownBugs?: string[];
  /** Set when only fixes that would erase the policy's own change remove it: it counts as unexpected. */
  inseparable?: { bugs: string[]; functions: string[] };
}

/** Whether a label explains its violation (it is then not unexpected). */
export const isExplained = (l: Label): boolean => (l.knownBugs?.length ?? 0) > 0;


export class Labeller {
  /** Bugs whose fix may be applied to this policy, in registry order. */
  readonly usable: readonly KnownBug[];
  /** Bugs whose fix overrides a function the policy changes, with those functions. */
  readonly conflicts: ReadonlyMap<string, (keyof Kernel)[]>;
  private readonly cache = new Map<string, Policy>();

  constructor(readonly policy: Policy, readonly registry: readonly KnownBug[] = KNOWN_BUGS) {
    const changed = policyChanges(policy);
    const conflicts = new Map<string, (keyof Kernel)[]>();
    for (const b of registry) {
      const hit = b.functions.filter((f) => changed.has(f)); // what the fix replaces (model/policies/bugs.ts)
      if (hit.length) conflicts.set(b.id, hit);
    }
    this.conflicts = conflicts;
    this.usable = registry.filter((b) => !conflicts.has(b.id));
  }

  /** The policy with these bugs' fixes applied (registry order); bugs in conflict are skipped
   *  unless `force`. */
  fixedWith(bugs: readonly KnownBug[], force = false): Policy {
    const chosen = this.registry.filter((b) => bugs.includes(b) && (force || !this.conflicts.has(b.id)));
    const key = chosen.map((b) => b.id).join('+');
    let p = this.cache.get(key);
    if (!p) {
      p = chosen.reduce((q, b) => b.fix(q), this.policy);
      this.cache.set(key, p);
    }
    return p;
  }

  /** A predicate: the scenario still breaks the invariant with these bugs fixed. It reads `bugs`
   *  at each call, so the caller may grow the list. */
  unexplainedBy(inv: Invariant, bugs: readonly KnownBug[]): (s: Scenario) => boolean {
    return (s) => bugs.length === 0 || violates(this.fixedWith(bugs), inv, s);
  }

  /** Labels a scenario that breaks `inv` under the policy. */
  label(inv: Invariant, s: Scenario): Label {
    const byUsable = smallestRemoving(this.usable, (set) => !violates(this.fixedWith(set), inv, s));
    if (byUsable) return { knownBugs: byUsable.map((b) => b.id) };
    const conflicting = this.registry.filter((b) => this.conflicts.has(b.id));
    if (!conflicting.length) return {};
    const withConflicts = smallestRemoving(conflicting, (set) => !violates(this.fixedWith([...this.usable, ...set], true), inv, s));
    if (!withConflicts) return {};
    const functions = [...new Set(withConflicts.flatMap((b) => this.conflicts.get(b.id)!))];
    return { inseparable: { bugs: withConflicts.map((b) => b.id), functions } };
  }
}

function violates(policy: Policy, inv: Invariant, s: Scenario): boolean {
  return judgeOnModel(s, policy, [inv]).violations.has(inv.id);
}

/** The first smallest subset (by size, then registry order) for which `removes` holds. */
function smallestRemoving(bugs: readonly KnownBug[], removes: (set: KnownBug[]) => boolean): KnownBug[] | undefined {
  const n = bugs.length;
  for (let size = 1; size <= n; size++) {
    const found = combinations(n, size).find((idx) => removes(idx.map((i) => bugs[i]!)));
    if (found) return found.map((i) => bugs[i]!);
  }
  return undefined;
}

/** Every `size`-subset of 0..n-1, as sorted index lists, in lexicographic order. */
function combinations(n: number, size: number): number[][] {
  const out: number[][] = [];
  const pick = (from: number, acc: number[]) => {
    if (acc.length === size) return void out.push(acc);
    for (let i = from; i < n; i++) pick(i + 1, [...acc, i]);
  };
  pick(0, []);
  return out;
}

/** One sentence for a label, for the text output and reports. */
export function describeLabel(l: Label): string {
  if (l.knownBugs?.length) return l.knownBugs.length === 1 ? `known kernel bug ${l.knownBugs[0]}` : `known kernel bugs ${l.knownBugs.join(' + ')} together`;
  if (l.inseparable) {
    const { bugs, functions } = l.inseparable;
    return `not separable from known bug${bugs.length === 1 ? '' : 's'} ${bugs.join(' + ')}: this policy changes ${functions.join(', ')}, which the fix replaces, so it counts as unexpected`;
  }
  return 'no known bug explains it';
}

/** The label of a violation of `invariantId` on a scenario (hugecheck run, readable reports). */
export function labelViolation(policy: Policy, invariantId: string, scenario: Scenario): Label {
  const inv = findInvariant(invariantId);
  return inv ? new Labeller(policy).label(inv, scenario) : {};
}

/** Registry entries of a label's bugs. */
export function labelBugs(l: Label): KnownBug[] {
  return (l.knownBugs ?? []).map((id) => KNOWN_BUGS.find((b) => b.id === id)).filter((b): b is KnownBug => b !== undefined);
}
