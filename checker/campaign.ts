/**
 * A check campaign: the selected invariants, each checked under one or more seeds. Its unit of
 * work is one (seed, invariant) pair, checked by checkProperty exactly as a single-threaded run
 * would, so a unit's result does not depend on where it runs:
 *  - `--workers N` runs units on worker threads and puts the results back in unit order
 *    (checker/parallel.ts);
 *  - `--shard i/n` runs every n-th unit (i, i+n, ...), and `hugecheck merge` puts shards together.
 * Units are ordered seed first, then invariant in catalogue order; results are folded per invariant
 * by foldReports, the one function both a whole run and `merge` use, so the merged report of all
 * shards equals the report of the unsharded run.
 */
import type { Weights } from '../generator/commands';
import type { GeneratorKind } from '../generator/arbitrary';
import type { Policy } from '../model/policy';
import type { Invariant, Violation } from '../properties/invariant';
import { findInvariant } from '../properties/catalogue';
import type { Scenario } from '../scenario/types';
import { shortestSummary, type ShortestSummary } from '../explore/shortest';
import { KNOWN_BUGS } from '../model/policies/known-bugs';
import { checkProperty, type CheckOptions, type PropertyResult } from './check';
import type { Label } from './label';
import { addStats, emptyStats, sortedStats, weakness, type RunStats } from './coverage';

export interface Unit {
  seed: number;
  invariant: string;
}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export interface CampaignSettings {
  runs: number;
  weights?: Weights;
  maxCommands?: number;
  generator?: GeneratorKind;
  /** Count every kernel function in the statistics. */
  stats?: boolean;
  shortestBudget?: number;
}

/** One violation as a report carries it (plain data: it crosses threads and files). */
export interface FoundRecord extends Label {
  /** The seed whose search found it (its replay command uses it). */
  seed: number;
  at: Violation;
  shortest?: ShortestSummary;
  counterexample: Scenario;
}

/** A unit's result: its invariant's entry for one seed (foldReports folds them). */
export interface UnitResult extends PropertyReport {
  seed: number;
}

/** Every unit of a campaign, seed first; a shard keeps every `count`-th, from its index. */
export function campaignUnits(invariants: readonly string[], seeds: readonly number[], shard?: Shard): Unit[] {
  const all = seeds.flatMap((seed) => invariants.map((invariant) => ({ seed, invariant })));
  return shard ? all.filter((_, k) => k % shard.count === shard.index - 1) : all;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m || Number(m[2]) < 1 || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new Error(`"${text}" is not i/n with 1 <= i <= n`);
  return { index: Number(m[1]), count: Number(m[2]) };
}

/** Checks one unit (in this thread or a worker's). */
export function checkUnit(policy: Policy, unit: Unit, settings: CampaignSettings, timeLimitMs?: number, onTry?: () => void): UnitResult {
  return unitResult(unit, checkProperty(policy, invariantOf(unit), unitOptions(unit, settings, { ...(timeLimitMs !== undefined ? { timeLimitMs } : {}), ...(onTry ? { onTry } : {}) })));
}

export const invariantOf = (unit: Unit): Invariant => findInvariant(unit.invariant) ?? fail(`unknown invariant ${unit.invariant}`);
/** A unit's search options: the campaign's settings, its seed, and how it is limited and watched. */
export const unitOptions = (unit: Unit, settings: CampaignSettings, extra: Pick<CheckOptions, 'timeLimitMs' | 'deadline' | 'onTry'>): CheckOptions => ({ ...settings, seed: unit.seed, ...extra });

export function unitResult(unit: Unit, r: PropertyResult): UnitResult {
  return {
    seed: unit.seed,
    id: unit.invariant,
    status: r.status,
    runs: r.runs,
    unexpected: r.unexpected,
    interrupted: r.interrupted,
    stats: sortedStats(r.stats),
    ...(r.weak ? { weak: r.weak } : {}),
    violations: r.violations.map((v) => ({
      ...(v.knownBugs ? { knownBugs: v.knownBugs } : {}),
      ...(v.inseparable ? { inseparable: v.inseparable } : {}),
      seed: unit.seed,
      at: v.violation,
      ...(v.shortest ? { shortest: shortestSummary(v.shortest) } : {}),
      counterexample: v.counterexample,
    })),
  };
}

export interface PropertyReport {
  id: string;
  status: 'held' | 'violated';
  /** Runs done over every seed. */
  runs: number;
  unexpected: boolean;
  interrupted: boolean;
  /** What the runs exercised, summed over seeds (absent in reports written before it existed). */
  stats?: RunStats;
  /** The property held, but the policy's own change was barely exercised: why (coverage.ts). */
  weak?: string;
  violations: FoundRecord[];
}

/**
 * Folds entries into one per invariant, in the order of `invariants` (those with no entry are left
 * out): runs add up, flags are or-ed, and a violation is kept once per known bug and once for the
 * unexplained ones, the shortest (ties: the earlier seed in `seeds`), known bugs in registry order,
 * the unexplained one last. The fold is associative and commutative, so folding shards' folds
 * (hugecheck merge) gives what folding every unit at once gives.
 */
export function foldReports(invariants: readonly string[], entries: readonly PropertyReport[], seeds: readonly number[]): PropertyReport[] {
  // Known labels in registry order (a set by its first bug, then its size), unexplained ones last.
  const rank = (v: FoundRecord) => {
    if (!v.knownBugs?.length) return [KNOWN_BUGS.length, 0, 0];
    const idx = v.knownBugs.map((id) => KNOWN_BUGS.findIndex((b) => b.id === id));
    return [Math.min(...idx), v.knownBugs.length, Math.max(...idx)];
  };
  const byRank = (a: FoundRecord, b: FoundRecord) => {
    const [x, y] = [rank(a), rank(b)];
    return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]! || labelKey(a).localeCompare(labelKey(b));
  };
  const better = (a: FoundRecord, b: FoundRecord) => a.counterexample.steps.length - b.counterexample.steps.length || seeds.indexOf(a.seed) - seeds.indexOf(b.seed);
  return invariants.flatMap((id) => {
    const mine = entries.filter((e) => e.id === id);
    if (!mine.length) return [];
    const best = new Map<string, FoundRecord>();
    for (const v of mine.flatMap((e) => e.violations)) {
      const old = best.get(labelKey(v));
      if (!old || better(v, old) < 0) best.set(labelKey(v), v);
    }
    const status = mine.some((e) => e.status === 'violated') ? 'violated' : 'held';
    const stats = mine.every((e) => e.stats) ? sortedStats(mine.reduce((a, e) => addStats(a, e.stats!), emptyStats())) : undefined;
    const weak = status === 'held' && stats ? weakness(stats) : null;
    return [{
      id,
      status,
      runs: mine.reduce((n, e) => n + e.runs, 0),
      unexpected: mine.some((e) => e.unexpected),
      interrupted: mine.some((e) => e.interrupted),
      ...(stats ? { stats } : {}),
      ...(weak ? { weak } : {}),
      violations: [...best.values()].sort(byRank),
    }];
  });
}

/** The fold keeps one violation per label: per set of known bugs, one for the inseparable ones
 *  per bug set, one for the unexplained. */
function labelKey(v: FoundRecord): string {
  if (v.knownBugs?.length) return v.knownBugs.join('+');
  if (v.inseparable) return `!${v.inseparable.bugs.join('+')}`;
  return '';
}

function fail(message: string): never {
  throw new Error(message);
}
