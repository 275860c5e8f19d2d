/**
 * Policies: a policy is a `Kernel` (every named function of the model) plus a name and a
 * description. `definePolicy` builds one from a base policy and a set of overrides: the overrides
 * replace the named functions, everything else is inherited through the prototype chain, and all
 * internal calls go through `this`, so an override is seen by every path that reaches it.
 *
 * An override can still call the function it replaces: `base.hugetlbWp.call(this, s, ...)`.
 */
import type { Kernel } from './kernel';

export interface Policy extends Kernel {
  readonly name: string;
  readonly description: string;
  /** The policy this one was derived from (none for `linux`). */
  readonly base: Policy | null;
  /** The function names this policy replaces (relative to its base). */
  readonly overrides: readonly (keyof Kernel)[];
}

export interface PolicySpec {
  name: string;
  description: string;
  overrides: Partial<Kernel>;
}

export class PolicyError extends Error {}

/** Layers that change nothing the author of a policy wrote: a known bug's fix (model/policies/
 *  fixes.ts) and the call recorder (model/instrument.ts). `policyChanges` looks through them. */
const NOT_AN_AUTHORS_CHANGE = new WeakSet<Policy>();

/** Marks a policy layer as a repair or a recorder, not a change of its author's. */
export function markNotAuthorsChange(p: Policy): Policy {
  NOT_AN_AUTHORS_CHANGE.add(p);
  return p;
}

/** The kernel functions a policy's author changed: every override along its chain down to the
 *  root, except those of known-bug fixes and recorders. For `linux` and `linux-fixed`, none. */
export function policyChanges(policy: Policy): Set<keyof Kernel> {
  const out = new Set<keyof Kernel>();
  for (let p: Policy | null = policy; p; p = p.base) {
    if (NOT_AN_AUTHORS_CHANGE.has(p)) continue;
    for (const n of p.overrides) out.add(n);
  }
  return out;
}

/** The root policy: the kernel functions themselves. */
export function rootPolicy(name: string, description: string, ops: Kernel): Policy {
  // A plain object literal keeps V8's fast properties (Object.create(null) would not): every
  // kernel function is reached through `this.name` on the hot path.
  return Object.freeze({ ...ops, name, description, base: null, overrides: [] });
}

/** A policy that replaces some named functions of `base` and inherits the rest. */
export function definePolicy(base: Policy, spec: PolicySpec): Policy {
  if (typeof spec.name !== 'string' || spec.name === '') throw new PolicyError('a policy needs a non-empty name');
  const names = Object.keys(spec.overrides) as (keyof Kernel)[];
  for (const n of names) {
    if (typeof (base as unknown as Record<string, unknown>)[n] !== 'function') {
      throw new PolicyError(`policy "${spec.name}": "${String(n)}" is not a function of the model (see model/kernel.ts for the list)`);
    }
    if (typeof spec.overrides[n] !== 'function') {
      throw new PolicyError(`policy "${spec.name}": override "${String(n)}" must be a function`);
    }
  }
  const p = Object.create(base) as Record<string, unknown>;
  // defineProperty, not assignment: the base is frozen, and assigning over a frozen inherited
  // property is refused.
  for (const n of names) Object.defineProperty(p, n, { value: spec.overrides[n], enumerable: true });
  Object.defineProperties(p, {
    name: { value: spec.name, enumerable: true },
    description: { value: spec.description, enumerable: true },
    base: { value: base, enumerable: true },
    overrides: { value: Object.freeze(names), enumerable: true },
  });
  return Object.freeze(p) as unknown as Policy;
}
