/**
 * What a search exercised: a probe that counts, per scenario, which of the model's named kernel
 * functions ran and what each returned, and the statistics `check --stats` prints and `--json`
 * carries (Hypothesis-style health checks read them).
 *
 * "Branches" here are a function's outcome classes: what it returned (true, false, null, zero, a
 * positive or negative number, an errno or a fault result, nothing) or that it threw. A function
 * written in a policy module cannot be instrumented line by line without a compiler pass; its
 * outcomes say which of its ways out were taken, which is what a seam of the model is.
 */
import type { Kernel } from '../model/kernel';
import { kernelFunctionNames } from '../model/instrument';
import { definePolicy, markNotAuthorsChange, type Policy } from '../model/policy';
import type { Scenario, Trace } from '../scenario/types';

/** The outcome class of a value a kernel function returned. */
export function outcomeClass(v: unknown): string {
  switch (typeof v) {
    case 'undefined':
      return 'void';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return v === 0 ? '0' : v > 0 ? '>0' : '<0';
    case 'string':
      return v;
    default:
      return v === null ? 'null' : 'object';
  }
}

/** Per-function figures over the scenarios a probe counted. */
export interface FunctionStats {
  /** Scenarios in which the function ran at least once. */
  scenarios: number;
  calls: number;
  /** Outcome class -> calls. */
  outcomes: Record<string, number>;
}

/** What a search exercised (plain data: it crosses threads and files, and sums). */
export interface RunStats {
  /** Scenarios counted (the generated ones; not shrinking attempts). */
  scenarios: number;
  steps: number;
  /** op -> result -> steps. */
  ops: Record<string, Record<string, number>>;
  /** Kernel function (the model's name) -> figures; only the functions the probe watched. */
  functions: Record<string, FunctionStats>;
  /** The functions the policy's author changed (the health check is about them). */
  changed: string[];
}

export const emptyStats = (changed: readonly string[] = []): RunStats => ({ scenarios: 0, steps: 0, ops: {}, functions: {}, changed: [...changed].sort() });

/** Adds `b` into `a` (a fold: associative and commutative). */
export function addStats(a: RunStats, b: RunStats): RunStats {
  a.changed = [...new Set([...a.changed, ...b.changed])].sort();
  a.scenarios += b.scenarios;
  a.steps += b.steps;
  for (const [op, rs] of Object.entries(b.ops)) {
    const mine = (a.ops[op] ??= {});
    for (const [r, n] of Object.entries(rs)) mine[r] = (mine[r] ?? 0) + n;
  }
  for (const [fn, f] of Object.entries(b.functions)) {
    const mine = (a.functions[fn] ??= { scenarios: 0, calls: 0, outcomes: {} });
    mine.scenarios += f.scenarios;
    mine.calls += f.calls;
    for (const [o, n] of Object.entries(f.outcomes)) mine.outcomes[o] = (mine.outcomes[o] ?? 0) + n;
  }
  return a;
}

/** Returns stats with keys in a fixed order, so that reports compare byte for byte. */
export function sortedStats(s: RunStats): RunStats {
  const sortRec = <T>(r: Record<string, T>, f: (v: T) => T = (v) => v) => Object.fromEntries(Object.keys(r).sort().map((k) => [k, f(r[k]!)]));
  return { scenarios: s.scenarios, steps: s.steps, ops: sortRec(s.ops, (v) => sortRec(v)), functions: sortRec(s.functions, (f) => ({ ...f, outcomes: sortRec(f.outcomes) })), changed: [...s.changed].sort() };
}

/**
 * A probe: the policy with the watched functions wrapped so that each call is counted while the
 * probe is recording. Outside a recording the wrappers only pass the call on.
 */
export class Probe {
  readonly policy: Policy;
  readonly watched: readonly (keyof Kernel)[];
  private recording = false;
  /** This scenario's calls and outcomes, by function index. */
  private calls: Uint32Array;
  private outcomes: Array<Map<string, number>>;
  readonly stats: RunStats;

  constructor(base: Policy, watch: 'all' | readonly (keyof Kernel)[], changed: readonly string[] = []) {
    this.stats = emptyStats(changed);
    this.watched = watch === 'all' ? kernelFunctionNames(base) : [...watch];
    this.calls = new Uint32Array(this.watched.length);
    this.outcomes = this.watched.map(() => new Map());
    const overrides: Record<string, (...args: unknown[]) => unknown> = {};
    const probe = this;
    this.watched.forEach((fn, i) => {
      const original = (base as unknown as Record<string, (...args: unknown[]) => unknown>)[fn]!;
      overrides[fn] = function (this: unknown, ...args: unknown[]) {
        if (!probe.recording) return original.apply(this, args);
        probe.calls[i]!++;
        let out: unknown;
        try {
          out = original.apply(this, args);
        } catch (e) {
          probe.note(i, 'throw');
          throw e;
        }
        probe.note(i, outcomeClass(out));
        return out;
      };
    });
    this.policy = this.watched.length ? markNotAuthorsChange(definePolicy(base, { name: base.name, description: base.description, overrides: overrides as Partial<Kernel> })) : base;
  }

  private note(i: number, o: string) {
    const m = this.outcomes[i]!;
    m.set(o, (m.get(o) ?? 0) + 1);
  }

  /** Starts counting a scenario. */
  begin(): void {
    this.recording = true;
    this.calls.fill(0);
    for (const m of this.outcomes) m.clear();
  }

  /** Ends the scenario begun last: adds it to the statistics (with its trace's ops and results)
   *  and hands each watched function's calls and outcomes to `visit`, if given. */
  end(scenario: Scenario, trace: Trace, visit?: (fn: number, calls: number, outcomes: ReadonlyMap<string, number>) => void): void {
    this.recording = false;
    const st = this.stats;
    st.scenarios++;
    st.steps += scenario.steps.length;
    scenario.steps.forEach((step, k) => {
      const r = trace.steps[k]!.result;
      const rs = (st.ops[step.op] ??= {});
      rs[r] = (rs[r] ?? 0) + 1;
    });
    for (let i = 0; i < this.watched.length; i++) {
      const n = this.calls[i]!;
      if (!n) continue;
      const fn = this.watched[i]!;
      const f = (st.functions[fn] ??= { scenarios: 0, calls: 0, outcomes: {} });
      f.scenarios++;
      f.calls += n;
      for (const [o, c] of this.outcomes[i]!) f.outcomes[o] = (f.outcomes[o] ?? 0) + c;
      visit?.(i, n, this.outcomes[i]!);
    }
  }

  /** Stops a recording without counting it (a scenario that threw). */
  abandon(): void {
    this.recording = false;
  }
}

/** Below this share of a property's runs a changed function counts as barely reached. */
export const MIN_REACH_SHARE = 0.05;

/** Whether `fn` ran in fewer than 5 % of the runs (or never). */
export function barelyReached(stats: RunStats, fn: string): boolean {
  return (stats.functions[fn]?.scenarios ?? 0) < Math.max(1, Math.ceil(MIN_REACH_SHARE * stats.scenarios));
}

/**
 * Why a property that held is only weak evidence about a policy's own change, or null: a function
 * the policy changes ran in fewer than 5 % of the runs (or never), or, returning true or false,
 * only ever returned one of them.
 */
export function weakness(stats: RunStats): string | null {
  const reasons: string[] = [];
  for (const fn of stats.changed) {
    const f = stats.functions[fn];
    if (barelyReached(stats, fn)) {
      reasons.push(`${fn} ran in ${f?.scenarios ?? 0} of ${stats.scenarios} runs`);
      continue;
    }
    const outs = Object.keys(f!.outcomes);
    if (outs.length === 1 && (outs[0] === 'true' || outs[0] === 'false')) reasons.push(`${fn} only ever returned ${outs[0]}`);
  }
  return reasons.length ? reasons.join('; ') : null;
}
