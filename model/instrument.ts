/**
 * Observing the model's kernel functions: `observeCalls` derives a policy from another whose chosen
 * functions tell an observer of each call (its arguments, its nesting depth) and then run the
 * original, changing nothing. Internal calls go through `this`, so every path that reaches a function
 * is seen. The reports record which rules fired at each step (`instrumentPolicy`); the hazard check
 * (run/hazards.ts) watches mremap's moves. The hot path never sees it.
 */
import type { Kernel } from './kernel';
import { definePolicy, markNotAuthorsChange, type Policy } from './policy';

export interface KernelCall {
  /** The model's name (camelCase). */
  fn: keyof Kernel;
  /** 0 for a function the interpreter called, 1 for one it called, ... */
  depth: number;
}

/** Every function name of a policy (own and inherited). */
export function kernelFunctionNames(policy: Policy): (keyof Kernel)[] {
  const names: (keyof Kernel)[] = [];
  for (const k in policy) if (typeof (policy as unknown as Record<string, unknown>)[k] === 'function') names.push(k as keyof Kernel);
  return names;
}

/** `hugetlbReservePages` → `hugetlb_reserve_pages`: the kernel's spelling. */
export function kernelName(fn: string): string {
  return fn.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export interface Instrumented {
  policy: Policy;
  /** The calls recorded since the last take(), in order; clears the record. */
  take(): KernelCall[];
}

/** Sees a call of a kernel function before it runs: its name, arguments and depth (0 for a call
 *  from the interpreter, 1 for a call made by such a function, ...). */
export type CallObserver = (fn: keyof Kernel, args: readonly unknown[], depth: number) => void;

/** `base` with the functions `fns` (every function by default) observed. The result is marked as
 *  no change of the policy's author (policyChanges looks through it). */
export function observeCalls(base: Policy, observer: CallObserver, fns: readonly (keyof Kernel)[] = kernelFunctionNames(base)): Policy {
  let depth = 0;
  const overrides: Record<string, (...args: unknown[]) => unknown> = {};
  for (const fn of fns) {
    const original = (base as unknown as Record<string, (...args: unknown[]) => unknown>)[fn]!;
    overrides[fn] = function (this: unknown, ...args: unknown[]) {
      observer(fn, args, depth);
      depth++;
      try {
        return original.apply(this, args);
      } finally {
        depth--;
      }
    };
  }
  return markNotAuthorsChange(definePolicy(base, { name: base.name, description: base.description, overrides: overrides as Partial<Kernel> }));
}

/** Records every call (name and depth) for the reports. */
export function instrumentPolicy(base: Policy): Instrumented {
  let calls: KernelCall[] = [];
  return {
    policy: observeCalls(base, (fn, _args, depth) => calls.push({ fn, depth })),
    take() {
      const out = calls;
      calls = [];
      return out;
    },
  };
}
