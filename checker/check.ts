/**
 * The model checker: for each invariant, fast-check generates scenarios and runs them on the
 * policy; a failure is shrunk (fast-check, then shrinkers/reduce) to a minimal counterexample, then
 * a bounded breadth-first search over its scope (explore/shortest.ts) proves it shortest or finds
 * a shorter one.
 *
 * Known kernel bugs: a counterexample is labelled with a registry bug when it holds under the
 * policy with that one bug fixed. The search then goes on for violations of the same invariant
 * that none of the bugs found so far explains, so a known bug never masks a new one.
 */
import fc from 'fast-check';
import { scenarioArbitrary } from '../generator/arbitrary';
import { DEFAULT_WEIGHTS, type Weights } from '../generator/commands';
import { KNOWN_BUGS, type KnownBug } from '../model/policies/known-bugs';
import type { Policy } from '../model/policy';
import type { Invariant, Violation } from '../properties/invariant';
import { judgeOnModel } from '../properties/judge';
import { reduce } from '../shrinkers/reduce';
import { DEFAULT_SHORTEST_BUDGET, proveShortest, type ShortestVerdict } from '../explore/shortest';
import type { Scenario, Step } from '../scenario/types';

export interface CheckOptions {
  runs: number;
  seed: number;
  /** Wall-clock budget for this property, in ms (then fewer runs than asked may be done). */
  timeLimitMs?: number;
  weights?: Weights;
  maxCommands?: number;
  minCommands?: number;
  knownBugs?: readonly KnownBug[];
  /** Called once per scenario tried (runs and shrink attempts), for progress display. */
  onTry?: () => void;
  /** Edges the search for a shorter counterexample may take after shrinking (explore/shortest.ts;
   *  default DEFAULT_SHORTEST_BUDGET, Infinity for a proof however long it takes, 0 to skip it). */
  shortestBudget?: number;
}

export interface FoundViolation {
  knownBug?: string;
  counterexample: Scenario;
  violation: Violation;
  /** What the search for a shorter one concluded (absent when skipped). */
  shortest?: ShortestVerdict;
}

export interface PropertyResult {
  id: string;
  status: 'held' | 'violated';
  /** Runs done in the searches (can be below `runs` under a time limit). */
  runs: number;
  violations: FoundViolation[];
  /** A violation no known bug explains was found. */
  unexpected: boolean;
  interrupted: boolean;
}

function violates(policy: Policy, inv: Invariant, s: Scenario): Violation | undefined {
  return judgeOnModel(s, policy, [inv]).violations.get(inv.id);
}

/** Whether a scenario still breaks the invariant under every one of these fixed policies: no known
 *  bug among theirs explains it. The list is read at each call (checkProperty grows it). */
export function unexplainedBy(inv: Invariant, fixes: readonly Policy[]): (s: Scenario) => boolean {
  return (s) => fixes.every((f) => violates(f, inv, s) !== undefined);
}

export function checkProperty(policy: Policy, inv: Invariant, opts: CheckOptions): PropertyResult {
  const registry = opts.knownBugs ?? KNOWN_BUGS;
  const fixed = new Map(registry.map((b) => [b.id, b.fix(policy)] as const));
  const explained: KnownBug[] = [];
  const explainedFixes: Policy[] = [];
  const unexplained = unexplainedBy(inv, explainedFixes);
  const result: PropertyResult = { id: inv.id, status: 'held', runs: 0, violations: [], unexpected: false, interrupted: false };
  const deadline = opts.timeLimitMs !== undefined ? Date.now() + opts.timeLimitMs : undefined;

  // A scenario fails when it violates the invariant and no bug found so far explains it.
  const fails = (s: Scenario) => {
    opts.onTry?.();
    return violates(policy, inv, s) !== undefined && unexplained(s);
  };

  for (let round = 0; round <= registry.length; round++) {
    const remaining = deadline !== undefined ? deadline - Date.now() : undefined;
    if (remaining !== undefined && remaining <= 0) {
      result.interrupted = true;
      break;
    }
    const details = fc.check(fc.property(scenarioArbitrary({ weights: opts.weights ?? DEFAULT_WEIGHTS, maxCommands: opts.maxCommands, minCommands: opts.minCommands }), (s) => !fails(s)), {
      numRuns: opts.runs,
      seed: opts.seed + round,
      ...(remaining !== undefined ? { interruptAfterTimeLimit: remaining } : {}),
    });
    result.runs += details.numRuns;
    if (details.interrupted) result.interrupted = true;
    if (!details.failed || !details.counterexample) break;
    let minimal = reduce(details.counterexample[0], fails);
    // Shrinking removes and simplifies steps, but cannot replace several steps by a different one
    // (a setPool folded into the setup, two mmaps into one): a breadth-first search over the
    // counterexample's scope finds the shortest, or proves this one is.
    const budget = opts.shortestBudget ?? DEFAULT_SHORTEST_BUDGET;
    let shortest: ShortestVerdict | undefined;
    if (budget > 0) {
      shortest = proveShortest(policy, inv, minimal, { budget, ...(explained.length ? { accept: unexplained } : {}) });
      if (shortest.kind === 'shorter') minimal = shortest.scenario;
    }
    minimal = finish(minimal, policy);
    const violation = violates(policy, inv, minimal)!;
    const bug = registry.find((b) => !explained.includes(b) && violates(fixed.get(b.id)!, inv, minimal) === undefined);
    result.status = 'violated';
    result.violations.push({ ...(bug ? { knownBug: bug.id } : {}), counterexample: minimal, violation, ...(shortest ? { shortest } : {}) });
    if (!bug) {
      result.unexpected = true;
      break;
    }
    explained.push(bug);
    explainedFixes.push(fixed.get(bug.id)!);
  }
  return result;
}

/** Names the counterexample and writes what the policy produced into every step's expect. */
export function finish(s: Scenario, policy: Policy, name = 'counterexample'): Scenario {
  const { trace } = judgeOnModel(s, policy, []);
  const steps = s.steps.map((step, i): Step => {
    const o = trace.steps[i]!;
    const expect: NonNullable<Step['expect']> = { result: o.result };
    if (o.value !== undefined) expect.value = o.value;
    expect.counters = { ...o.counters };
    const mounts = Object.fromEntries(Object.entries(o.mounts).filter(([m]) => m !== 'default'));
    if (Object.keys(mounts).length) expect.mounts = mounts;
    return { ...step, expect };
  });
  return { format: s.format, name, setup: s.setup, steps };
}
