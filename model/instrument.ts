/**
 * Which kernel functions ran: a policy derived from another whose every named function records its
 * call (name and nesting depth) and then runs the original. Internal calls go through `this`, so the
 * whole call tree of a step is recorded. Reports use it to say which rules fired at each step; the
 * hot path never sees it.
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

export function instrumentPolicy(base: Policy): Instrumented {
  let calls: KernelCall[] = [];
  let depth = 0;
  const overrides: Record<string, (...args: unknown[]) => unknown> = {};
  for (const fn of kernelFunctionNames(base)) {
    const original = (base as unknown as Record<string, (...args: unknown[]) => unknown>)[fn]!;
    overrides[fn] = function (this: unknown, ...args: unknown[]) {
      calls.push({ fn, depth });
      depth++;
      try {
        return original.apply(this, args);
      } finally {
        depth--;
      }
    };
  }
  const policy = markNotAuthorsChange(definePolicy(base, { name: base.name, description: base.description, overrides: overrides as Partial<Kernel> }));
  return {
    policy,
    take() {
      const out = calls;
      calls = [];
      return out;
    },
  };
}
