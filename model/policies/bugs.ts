/**
 * A bug as a value: one change of the kernel's rules with both directions, how to put it into a
 * policy and how to take it out. A known bug of a kernel release (model/policies/known-bugs.ts) is
 * written as its fix, a historical bug (model/policies/mutants.ts) as the change that brings it
 * back; the other direction is derived: the functions the change replaces are given back `linux`'s
 * own. So a bug of the zoo and a design of the seeds that make the same change are one value with
 * two names, and a kernel release's known bugs are also the list of its fixes.
 */
import type { Kernel } from '../kernel';
import { definePolicy, markNotAuthorsChange, type Policy, type PolicySpec } from '../policy';
import { linux } from './linux';

export type Fix = (base: Policy) => Policy;

export interface Bug {
  /** The registry id (a known bug's id, or a zoo entry's `B..` name). */
  readonly id: string;
  readonly title: string;
  /** The policy names `introduce(linux)` goes by: the zoo's `bug/...` and a seed design's name. */
  readonly names: readonly string[];
  /** One line per name (the policy's description). */
  readonly descriptions: readonly string[];
  /** The kernel functions the change replaces. */
  readonly functions: readonly (keyof Kernel)[];
  /** Puts the bug into a policy that does not have it. */
  readonly introduce: Fix;
  /** Takes the bug out of a policy that has it (a layer marked as a repair, not an author's change). */
  readonly fix: Fix;
}

/** A repair layer: a known bug fixed, which changes nothing the policy's author wrote. */
export const repair = (base: Policy, spec: PolicySpec): Policy => markNotAuthorsChange(definePolicy(base, spec));

/** `linux`'s own versions of some functions. */
function linuxVersions(fns: readonly (keyof Kernel)[]): Partial<Kernel> {
  const out: Record<string, unknown> = {};
  for (const f of fns) out[f] = linux[f];
  return out as Partial<Kernel>;
}

/** A bug that `linux` has, given by its fix; putting it back restores linux's functions. */
export function bugFromFix(id: string, title: string, fix: Fix): Bug {
  const functions = fix(linux).overrides;
  return {
    id,
    title,
    names: [],
    descriptions: [],
    functions,
    fix,
    // Putting a known bug back (a kernel that shows it) is no change of the policy's author either:
    // labels still name the bug (policyChanges looks through the layer).
    introduce: (base) => repair(base, { name: `${base.name}+${id}`, description: `${base.description}, with ${id}`, overrides: linuxVersions(functions) }),
  };
}

/** A bug that `linux` does not have, given by the overrides that bring it back; the fix restores
 *  linux's functions. `names[k]` is a policy name with its description `descriptions[k]`. */
export function bugFromChange(id: string, title: string, names: ReadonlyArray<readonly [name: string, description: string]>, overrides: Partial<Kernel>): Bug {
  const functions = Object.keys(overrides) as (keyof Kernel)[];
  return {
    id,
    title,
    names: names.map(([n]) => n),
    descriptions: names.map(([, d]) => d),
    functions,
    introduce: (base) => definePolicy(base, { name: `${base.name}+${id}`, description: `${base.description}, with ${id}`, overrides }),
    fix: (base) => repair(base, { name: `fix/${id}`, description: `${id} taken out: linux's ${functions.join(', ')}`, overrides: linuxVersions(functions) }),
  };
}

/** The policies a bug goes by: `linux` with the bug, once per name. */
export function bugPolicies(b: Bug): Policy[] {
  return b.names.map((name, k) => definePolicy(linux, { name, description: b.descriptions[k]!, overrides: introducedOverrides(b) }));
}

function introducedOverrides(b: Bug): Partial<Kernel> {
  const p = b.introduce(linux);
  const out: Record<string, unknown> = {};
  for (const f of p.overrides) out[f] = p[f];
  return out as Partial<Kernel>;
}
