/**
 * The model checker: for each invariant, fast-check generates scenarios and runs them on the
 * policy; a failure is shrunk (fast-check, then shrinkers/reduce) to a minimal counterexample, then
 * a bounded breadth-first search over its scope (explore/shortest.ts) proves it shortest or finds
 * a shorter one.
 *
 * Known kernel bugs (checker/label.ts): a counterexample is labelled with the smallest set of
 * registry bugs whose fixes together remove it. The search then goes on for violations of the same
 * invariant that persist with every bug found so far fixed at once, so a known bug never masks a
 * new one; a fix that would erase the policy's own change is never used to explain a violation.
 */
import fc from 'fast-check';
import type { GeneratorKind } from '../generator/arbitrary';
import { DEFAULT_WEIGHTS, type Weights } from '../generator/commands';
import type { KnownBug } from '../model/policies/known-bugs';
import { isExplained, Labeller, type Label } from './label';
import { Probe, weakness, type RunStats } from './coverage';
import { Corpus, Features, guidedArbitrary } from './guided';
import { linux } from '../model/policies/linux';
import { policyChanges } from '../model/policy';
import { drawnArbitrary, type Drawn } from '../generator/arbitrary';
import { firstDivergence } from './diff';
import type { Policy } from '../model/policy';
import type { Invariant, Violation } from '../properties/invariant';
import { judgeOnModel } from '../run/model';
import { reduce } from '../shrinkers/reduce';
import { DEFAULT_SHORTEST_BUDGET, proveShortest, type ShortestVerdict } from '../explore/shortest';
import type { Scenario } from '../scenario/types';
import { withExpectations } from '../scenario/expect';

/** Scenarios per property when `--runs` is not given (the default budget: README, "the default
 *  budget"). */
export const DEFAULT_RUNS = 3000;

export interface CheckOptions {
  runs: number;
  seed: number;
  /** Wall-clock budget for this property, in ms (then fewer runs than asked may be done). */
  timeLimitMs?: number;
  weights?: Weights;
  maxCommands?: number;
  minCommands?: number;
  /** How scenarios are drawn (default classic). */
  generator?: GeneratorKind;
  knownBugs?: readonly KnownBug[];
  /** Called once per scenario tried (runs and shrink attempts), for progress display. */
  onTry?: () => void;
  /** Edges the search for a shorter counterexample may take after shrinking (explore/shortest.ts;
   *  default DEFAULT_SHORTEST_BUDGET, Infinity for a proof however long it takes, 0 to skip it). */
  shortestBudget?: number;
  /** false: no shortest search for a counterexample a known bug explains (the zoo keeps only the
   *  others; those searches were most of its time). */
  proveExplained?: boolean;
  /** Count every kernel function in the statistics (by default only those the policy changes). */
  stats?: boolean;
  /** Runs per slice of the search, where it yields to interleave (at least 1). By default a slice
   *  is SLICE_RUNS runs or a quarter of the runs done so far, whichever is more; checkProperty,
   *  which does not interleave, runs the whole budget in one. The result does not depend on it
   *  (test/interleave.test.ts). */
  slice?: number;
  /** The time limit as a moment (ms since the epoch): searches interleaved under one limit share
   *  it. Takes the place of timeLimitMs. */
  deadline?: number;
  /** Stop at the first generated scenario that no known bug explains (all known fixes applied),
   *  unshrunk and unlabelled: the bench's time to the first failure. */
  findOnly?: boolean;
}

export interface FoundViolation extends Label {
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
  /** What the generated runs exercised (checker/coverage.ts). */
  stats: RunStats;
  /** Set when the property held but the policy's own change was barely exercised: why. */
  weak?: string;
}

/**
 * The seed of a property's search: the run's seed mixed with the invariant's id (FNV-1a), so that
 * under one `--seed` each property searches scenarios of its own. A bug that breaks several
 * invariants then gets an independent chance per invariant instead of the same scenarios judged
 * again. Deterministic: the replay line's `--seed S --property ID` gives the same search.
 */
export function propertySeed(seed: number, id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (seed + ((h >>> 0) % 1_000_003)) | 0;
}

function violates(policy: Policy, inv: Invariant, s: Scenario): Violation | undefined {
  return judgeOnModel(s, policy, [inv]).violations.get(inv.id);
}

/** Runs of a property's first slices: the unit of interleaving (searchProperty). */
export const SLICE_RUNS = 50;

/** A property's whole search, at once (searchProperty run to its end, in one slice per round). */
export function checkProperty(policy: Policy, inv: Invariant, opts: CheckOptions): PropertyResult {
  const search = searchProperty(policy, inv, { slice: Infinity, ...opts });
  for (;;) {
    const next = search.next();
    if (next.done) return next.value;
  }
}

/**
 * Interleaves searches: each runs one slice in turn, round after round, so that every property
 * gets an early look and a violation of the last one in the catalogue is not found only after
 * every other property's whole budget. Each search draws what it would draw alone (its slices are
 * consecutive runs of one fast-check stream), so the results are those of running them one after
 * the other. `after` is called when a search ends (with its index); it returns true to stop all.
 */
export function interleave(searches: ReadonlyArray<Iterator<void, PropertyResult>>, hooks: { before?(k: number): void; after?(r: PropertyResult, k: number): boolean | void } = {}): Array<PropertyResult | undefined> {
  const out: Array<PropertyResult | undefined> = searches.map(() => undefined);
  let live = searches.map((_, k) => k);
  while (live.length) {
    const still: number[] = [];
    for (const k of live) {
      hooks.before?.(k);
      const next = searches[k]!.next();
      if (!next.done) {
        still.push(k);
        continue;
      }
      out[k] = next.value;
      if (hooks.after?.(next.value, k)) return out;
    }
    live = still;
  }
  return out;
}

/**
 * A property's search as a generator: it yields after each slice of runs (interleave) and returns
 * the result. A slice is a fast-check run over the same seed started at the slice's first run
 * (fast-check's replay `path`), so the slices draw exactly the scenarios one run of `runs` would,
 * and a failure in a slice shrinks as it would there. Starting at run k costs fast-check k cheap
 * skips of its random generator, so slices grow with the runs done (a quarter of them): the skips
 * stay within a few times the runs, and a property is never more than a quarter of its runs ahead
 * of where a run-by-run interleaving would have it.
 */
export function* searchProperty(policy: Policy, inv: Invariant, opts: CheckOptions): Generator<void, PropertyResult> {
  const labeller = new Labeller(policy, opts.knownBugs);
  const explained: KnownBug[] = opts.findOnly ? [...labeller.usable] : [];
  const unexplained = labeller.unexplainedBy(inv, explained);
  const changed = [...policyChanges(policy)];
  const guided = opts.generator === 'guided';
  // The probe watches the functions the policy changes (for the health check), or all of them
  // for --stats and for guidance.
  const probe = new Probe(policy, opts.stats || guided ? 'all' : changed, changed);
  const corpus = guided ? new Corpus() : undefined;
  // A user's change first: a guided search of a policy that changes something gives priority to
  // scenarios on which it does not do what linux does.
  const reference = guided && changed.length ? linux : undefined;
  const result: PropertyResult = { id: inv.id, status: 'held', runs: 0, violations: [], unexpected: false, interrupted: false, stats: probe.stats };
  const deadline = opts.deadline ?? (opts.timeLimitMs !== undefined ? Date.now() + opts.timeLimitMs : undefined);
  if (opts.slice !== undefined && !(opts.slice >= 1)) throw new Error(`searchProperty: slice must be at least 1 run (got ${opts.slice})`);

  // A scenario fails when it violates the invariant and no bug found so far explains it.
  const fails = (s: Scenario) => {
    opts.onTry?.();
    return violates(probe.policy, inv, s) !== undefined && unexplained(s);
  };
  // A generated run: judged once, counted in the statistics, offered to the corpus. After a
  // round's first failure, fast-check only shrinks: those attempts are not counted.
  let recording = true;
  const run = (d: Drawn) => {
    if (!recording) return !fails(d.scenario);
    opts.onTry?.();
    probe.begin();
    let j;
    try {
      j = judgeOnModel(d.scenario, probe.policy, [inv]);
    } catch (e) {
      probe.abandon();
      throw e;
    }
    const features = corpus ? new Features() : undefined;
    probe.end(d.scenario, j.trace, features ? (i, n, o) => features.fn(i, n, o) : undefined);
    if (corpus && features) {
      features.trace(d.scenario, j.trace);
      const differs = reference !== undefined && firstDivergence(j.trace, judgeOnModel(d.scenario, reference, []).trace) !== null;
      corpus.offer(d.genome, features.out, differs);
    }
    const bad = j.violations.has(inv.id) && unexplained(d.scenario);
    if (bad) recording = false;
    return !bad;
  };
  const genOpts = { weights: opts.weights ?? DEFAULT_WEIGHTS, maxCommands: opts.maxCommands, minCommands: opts.minCommands, swarm: opts.generator === 'swarm' };

  // A deadline passed ends the search at the start of a slice (the round's first included).
  for (let round = 0; round <= labeller.registry.length; round++) {
    recording = true;
    const arbitrary = corpus ? guidedArbitrary(corpus, genOpts) : drawnArbitrary(genOpts);
    const property = fc.property(arbitrary, run);
    let details: fc.RunDetails<[Drawn]> | undefined;
    for (let done = 0; done < opts.runs; ) {
      const left = deadline !== undefined ? deadline - Date.now() : undefined;
      if (left !== undefined && left <= 0) {
        result.interrupted = true;
        break;
      }
      const n = Math.min(opts.slice ?? Math.max(SLICE_RUNS, Math.floor(done / 4)), opts.runs - done);
      details = fc.check(property, {
        numRuns: n,
        seed: propertySeed(opts.seed, inv.id) + round,
        ...(done > 0 ? { path: String(done) } : {}),
        ...(opts.findOnly ? { endOnFailure: true } : {}),
        ...(left !== undefined ? { interruptAfterTimeLimit: left } : {}),
      });
      result.runs += details.numRuns;
      done += n;
      if (details.interrupted) result.interrupted = true;
      if (details.failed || details.interrupted) break;
      if (done < opts.runs) yield;
    }
    if (!details?.failed || !details.counterexample) break;
    if (opts.findOnly) {
      const s = details.counterexample[0].scenario;
      result.status = 'violated';
      result.unexpected = true;
      result.violations.push({ counterexample: s, violation: violates(policy, inv, s)! });
      break;
    }
    let minimal = reduce(details.counterexample[0].scenario, fails);
    // Shrinking removes and simplifies steps, but cannot replace several steps by a different one
    // (a setPool folded into the setup, two mmaps into one): a breadth-first search over the
    // counterexample's scope finds the shortest, or proves this one is.
    const budget = opts.shortestBudget ?? DEFAULT_SHORTEST_BUDGET;
    let shortest: ShortestVerdict | undefined;
    const skip = opts.proveExplained === false && isExplained(labeller.label(inv, finish(minimal, policy)));
    if (budget > 0 && !skip) {
      shortest = proveShortest(policy, inv, minimal, { budget, ...(explained.length ? { accept: unexplained } : {}) });
      if (shortest.kind === 'shorter') minimal = shortest.scenario;
    }
    minimal = finish(minimal, policy);
    const violation = violates(policy, inv, minimal)!;
    const label = labeller.label(inv, minimal);
    result.status = 'violated';
    result.violations.push({ ...label, counterexample: minimal, violation, ...(shortest ? { shortest } : {}) });
    if (!isExplained(label)) {
      result.unexpected = true;
      break;
    }
    const before = explained.length;
    for (const id of label.knownBugs!) {
      const bug = labeller.registry.find((b) => b.id === id)!;
      if (!explained.includes(bug)) explained.push(bug);
    }
    // A label made only of bugs already fixed in the search cannot happen (the scenario broke the
    // invariant with all of them fixed); stop rather than search the same space again.
    if (explained.length === before) break;
  }
  if (result.status === 'held' && changed.length) {
    const why = weakness(result.stats);
    if (why) result.weak = why;
  }
  return result;
}

/** Names the counterexample and writes what the policy produced into every step's expect. */
export function finish(s: Scenario, policy: Policy, name = 'counterexample'): Scenario {
  const { trace } = judgeOnModel(s, policy, []);
  return { format: s.format, name, setup: s.setup, steps: withExpectations(s, trace.steps) };
}
