/**
 * hugecheck.report/1: what `hugecheck check --json` (and `merge`) writes, and what `merge` and
 * `report` read. One outcome per property: held (no violation) or violated (one counterexample per
 * known bug it met, and one it could not explain).
 */
import type { FoundRecord, PropertyReport } from '../checker/campaign';
import type { RunStats } from '../checker/coverage';
import type { GeneratorKind } from '../generator/arbitrary';
import { ScenarioError, validateScenario } from '../scenario/validate';
import { array, format, FormatError, number, object, string, TOOL } from './version';

export const CHECK_REPORT_FORMAT = 'hugecheck.report/1';

export type ReportedViolation = FoundRecord & { replay: string };

interface PropertyCommon {
  id: string;
  /** Runs done over every seed. */
  runs: number;
  interrupted: boolean;
  /** What the runs exercised, summed over seeds (absent in reports written before it existed). */
  stats?: RunStats;
}

/** A property no run broke (`weak`: the policy's own change was barely exercised, and why). */
export interface HeldProperty extends PropertyCommon {
  status: 'held';
  unexpected: false;
  violations: [];
  weak?: string;
}

/** A property some run broke: `unexpected` when a violation no known bug explains is among them. */
export interface ViolatedProperty extends PropertyCommon {
  status: 'violated';
  unexpected: boolean;
  violations: ReportedViolation[];
}

export type PropertyOutcome = HeldProperty | ViolatedProperty;

export interface CheckReport {
  format: typeof CHECK_REPORT_FORMAT;
  /** The hugecheck that wrote it (absent in reports written before 0.1.0 carried it). */
  tool?: string;
  policy: string;
  /** The module file the policy was loaded from, as given (absent for a built-in policy). */
  module?: string;
  /** The first seed; the campaign's seeds are `seeds`. */
  seed: number;
  seeds: number[];
  /** Runs per property per seed. */
  runs: number;
  /** The invariants of the campaign, in order. */
  invariants: string[];
  /** What else the replay of a search needs (omitted when default). */
  settings: { weights?: string; maxCommands?: number; generator?: GeneratorKind; shortest?: boolean; shortestBudget?: number };
  /** Present on a shard's report ("i/n"); a merged report has none. */
  shard?: string;
  timeLimited?: boolean;
  properties: PropertyOutcome[];
}

/** A campaign's folded entry as the report's outcome, each violation with its replay command. */
export function outcomeOf(p: PropertyReport, replay: (v: FoundRecord) => string): PropertyOutcome {
  const { id, runs, interrupted } = p;
  const common = { id, runs, interrupted, ...(p.stats ? { stats: p.stats } : {}) };
  if (p.status === 'held') return { ...common, status: 'held', unexpected: false, violations: [], ...(p.weak ? { weak: p.weak } : {}) };
  return { ...common, status: 'violated', unexpected: p.unexpected, violations: p.violations.map((v) => ({ ...v, replay: replay(v) })) };
}

/** The header fields of a report, with the tool's version. */
export function reportHeader(h: Omit<CheckReport, 'format' | 'tool' | 'properties'>): Omit<CheckReport, 'properties'> {
  return { format: CHECK_REPORT_FORMAT, tool: TOOL, ...h };
}

/** Reads a hugecheck.report/1 document, checking what readers rely on (each counterexample is a
 *  valid scenario); a FormatError names the field. */
export function parseCheckReport(data: unknown): CheckReport {
  const o = format(data, CHECK_REPORT_FORMAT, 'the output of hugecheck check --json');
  string(o.policy, 'policy');
  number(o.seed, 'seed');
  number(o.runs, 'runs');
  for (const [k, s] of array(o.seeds ?? [o.seed], 'seeds').entries()) number(s, `seeds[${k}]`);
  for (const [k, s] of array(o.invariants ?? [], 'invariants').entries()) string(s, `invariants[${k}]`);
  const properties = array(o.properties, 'properties').map((raw, k) => {
    const p = object(raw, `properties[${k}]`);
    const id = string(p.id, `properties[${k}].id`);
    if (p.status !== 'held' && p.status !== 'violated') throw new FormatError(`properties.${id}.status: expected "held" or "violated", got ${JSON.stringify(p.status)}`);
    const vs = array(p.violations, `properties.${id}.violations`);
    if (p.status === 'held' && vs.length) throw new FormatError(`properties.${id}: "held" with ${vs.length} violations`);
    const violations = vs.map((v, i) => {
      const r = object(v, `properties.${id}.violations[${i}]`);
      return { ...r, counterexample: scenarioAt(r.counterexample, `properties.${id}.violations[${i}].counterexample`) };
    });
    return { ...p, violations };
  });
  return { ...o, properties } as unknown as CheckReport;
}

/** A scenario inside a document, validated (defaults filled in as when read from its own file). */
export function scenarioAt(v: unknown, where: string) {
  try {
    return validateScenario(v);
  } catch (e) {
    if (e instanceof ScenarioError) throw new FormatError(`${where}: ${e.message}`);
    throw e;
  }
}

