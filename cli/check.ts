/**
 * `hugecheck check` (the default command): every selected invariant checked over generated
 * scenarios on a policy; a summary per property; minimal counterexamples as runnable scenarios;
 * known kernel bugs labelled and not counted as failures.
 */
import { randomInt } from 'crypto';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import pc from 'picocolors';
import { describeLabel, isExplained, labelBugs } from '../checker/label';
import { addStats, emptyStats } from '../checker/coverage';
import { formatChangeReach, formatStats } from '../reports/stats';
import { campaignUnits, foldReports, parseShard, type FoundRecord, type PropertyReport, type Shard } from '../checker/campaign';
import { runUnits } from '../checker/parallel';
import { DEFAULT_SHORTEST_BUDGET, describeShortestSummary } from '../explore/shortest';
import type { Policy } from '../model/policy';
import { defaultWorkers } from '../parallel/pool';
import { DEFAULT_WEIGHTS, parseWeights, type Weights } from '../generator/commands';
import { DEFAULT_GENERATOR, GENERATOR_KINDS, type GeneratorKind } from '../generator/arbitrary';
import { CATALOGUE, findInvariant } from '../properties/catalogue';
import type { Invariant } from '../properties/invariant';
import { writeArtifacts } from '../io/artifacts';
import { checkDocument } from '../reports/documents';
import { formatScenario } from '../reports/scenario-json';
import { UsageError } from '../io/errors';
import { loadPolicy } from '../io/load';
import { findPolicy } from '../model/policies';
import type { Io } from './io';
import { outcomeOf, reportHeader, type CheckReport } from '../formats/check-report';
import { upstreamStatus } from '../model/policies/known-bugs';

export interface CheckCliOptions {
  policy: string;
  runs: string;
  seed?: string;
  repeat?: string;
  property?: string[];
  timeLimit?: string;
  json?: boolean;
  weights?: string;
  maxCommands?: string;
  generator?: string;
  stats?: boolean;
  save?: string;
  out?: string;
  shortest?: boolean;
  shortestBudget?: string;
  workers?: string;
  shard?: string;
}

/** `check --json` and `merge --json` output. */
/** The report (formats/check-report.ts). */
export type Report = CheckReport;

/** Default --workers: the cores, for campaigns of at least this many runs; one thread below. */
export const PARALLEL_MIN_RUNS = 40_000;

function positiveInt(v: string, flag: string, min = 1): number {
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`${flag} must be a whole number >= ${min}, got "${v}"`);
  return Number(v);
}

/** The command that replays the search of one seed and one property. */
export function replayCommand(r: Pick<Report, 'policy' | 'module' | 'runs' | 'settings'>, seed: number, id: string): string {
  const st = r.settings;
  return (
    `hugecheck check --policy ${r.module ?? r.policy} --seed ${seed} --runs ${r.runs} --property ${id}` +
    (st.weights ? ` --weights ${st.weights}` : '') +
    (st.maxCommands !== undefined ? ` --max-commands ${st.maxCommands}` : '') +
    (st.generator !== undefined ? ` --generator ${st.generator}` : '') +
    (st.shortest ? ' --shortest' : st.shortestBudget !== undefined ? ` --shortest-budget ${st.shortestBudget}` : '')
  );
}

/** Folds entries (units, or shards' properties) into a report's properties, with replays. */
export function reportProperties(base: Omit<Report, 'properties'>, entries: PropertyReport[]): Report['properties'] {
  return foldReports(base.invariants, entries, base.seeds).map((p) => outcomeOf(p, (v) => replayCommand(base, v.seed, p.id)));
}

export async function checkCommand(opts: CheckCliOptions, io: Io): Promise<number> {
  const policy = loadPolicy(opts.policy);
  const runs = positiveInt(opts.runs, '--runs');
  const seed = opts.seed !== undefined ? positiveInt(opts.seed, '--seed', 0) : randomInt(0, 2 ** 31 - 1);
  const repeat = opts.repeat !== undefined ? positiveInt(opts.repeat, '--repeat') : 1;
  const timeLimitMs = opts.timeLimit !== undefined ? positiveInt(opts.timeLimit, '--time-limit') * 1000 : undefined;
  const maxCommands = opts.maxCommands !== undefined ? positiveInt(opts.maxCommands, '--max-commands') : undefined;
  const workersAsked = opts.workers !== undefined ? positiveInt(opts.workers, '--workers') : undefined;
  let shard: Shard | undefined;
  if (opts.shard !== undefined) {
    try {
      shard = parseShard(opts.shard);
    } catch (e) {
      throw new UsageError(`--shard: ${(e as Error).message}`);
    }
  }
  if (opts.shortest && opts.shortestBudget !== undefined) throw new UsageError('--shortest lifts the budget: give either --shortest or --shortest-budget, not both');
  const shortestBudget = opts.shortest ? Infinity : opts.shortestBudget !== undefined ? positiveInt(opts.shortestBudget, '--shortest-budget', 0) : DEFAULT_SHORTEST_BUDGET;
  let weights: Weights = DEFAULT_WEIGHTS;
  if (opts.weights !== undefined) {
    try {
      weights = parseWeights(opts.weights);
    } catch (e) {
      throw new UsageError(`--weights: ${(e as Error).message}`);
    }
  }
  const generator = (opts.generator ?? DEFAULT_GENERATOR) as GeneratorKind;
  if (!GENERATOR_KINDS.includes(generator)) throw new UsageError(`--generator must be one of ${GENERATOR_KINDS.join(', ')}, got "${opts.generator}"`);
  const invariants: Invariant[] = (opts.property ?? []).length
    ? opts.property!.map((id) => findInvariant(id) ?? fail(`unknown property "${id}" (known: ${CATALOGUE.map((i) => i.id).join(', ')})`))
    : [...CATALOGUE];

  const seeds = Array.from({ length: repeat }, (_, k) => seed + k);
  const units = campaignUnits(invariants.map((i) => i.id), seeds, shard);
  // A worker thread starts cold (its JIT warms up for about a second): below this many runs in all,
  // one thread finishes first (bench: check with workers). The report is the same either way.
  const workers = workersAsked ?? (runs * units.length >= PARALLEL_MIN_RUNS ? defaultWorkers() : 1);
  const base: Omit<Report, 'properties'> = reportHeader({
    policy: policy.name,
    ...(findPolicy(opts.policy) ? {} : { module: opts.policy }),
    seed,
    seeds,
    runs,
    invariants: invariants.map((i) => i.id),
    settings: {
      ...(opts.weights ? { weights: opts.weights } : {}),
      ...(maxCommands !== undefined ? { maxCommands } : {}),
      ...(generator !== DEFAULT_GENERATOR ? { generator } : {}),
      ...(opts.shortest ? { shortest: true } : opts.shortestBudget !== undefined ? { shortestBudget } : {}),
    },
    ...(shard ? { shard: `${shard.index}/${shard.count}` } : {}),
    ...(timeLimitMs !== undefined ? { timeLimited: true } : {}),
  });
  const progress = io.isTTY && !opts.json ? new Progress(io, units.length, runs, workers > 1) : undefined;
  const results = await runUnits({
    policyRef: opts.policy,
    policy,
    units,
    settings: { runs, weights, ...(maxCommands !== undefined ? { maxCommands } : {}), ...(generator !== DEFAULT_GENERATOR ? { generator } : {}), ...(opts.stats ? { stats: true } : {}), shortestBudget },
    workers,
    ...(timeLimitMs !== undefined ? { timeLimitMs } : {}),
    onUnitTurn: (u) => progress?.at(`${u.invariant}${repeat > 1 ? ` seed ${u.seed}` : ''}`),
    onTry: () => progress?.tick(),
  });
  progress?.done();
  const report: Report = { ...base, properties: reportProperties(base, results) };
  return printReport(report, io, { policy, policyArg: opts.policy, json: opts.json, save: opts.save, out: opts.out, units: units.length, workers, stats: opts.stats });
}

export interface PrintOptions {
  policy: Policy;
  policyArg: string;
  json?: boolean;
  save?: string;
  out?: string;
  units?: number;
  workers?: number;
  /** Print the statistics table. */
  stats?: boolean;
  /** merge: the files the report was merged from. */
  mergedFrom?: string[];
}

/** Prints a report as check does (text or JSON), writes --save and --out files; the exit code. */
export function printReport(report: Report, io: Io, o: PrintOptions): number {
  const { policy } = o;
  const unexpected = report.properties.some((p) => p.unexpected);
  const caseName = (p: Report['properties'][number], v: FoundRecord, i: number) =>
    `${p.id}-${policy.name.replace(/[^\w.-]+/g, '_')}-seed${v.seed}${p.violations.length > 1 ? `-${i + 1}` : ''}`;
  const saved = new Map<FoundRecord, string>();
  if (o.save) {
    mkdirSync(o.save, { recursive: true });
    for (const p of report.properties) {
      p.violations.forEach((v, i) => {
        const file = join(o.save!, `${p.id}${p.violations.length > 1 ? `-${i + 1}` : ''}.json`);
        writeFileSync(file, formatScenario({ ...v.counterexample, name: caseName(p, v, i) }) + '\n');
        saved.set(v, file);
      });
    }
  }
  let written: string[] = [];
  if (o.out) {
    const named: Report = {
      ...report,
      properties: report.properties.map((p) => (p.status === 'held' ? p : { ...p, violations: p.violations.map((v, i) => ({ ...v, counterexample: { ...v.counterexample, name: caseName(p, v, i) } })) })),
    };
    const { doc, bases } = checkDocument(named, policy, o.policyArg);
    written = writeArtifacts(o.out, doc, bases);
  }
  if (o.json) {
    io.out(JSON.stringify(report, null, 2) + '\n');
    return unexpected ? 1 : 0;
  }

  const c = io.isTTY ? pc : { green: String, yellow: String, red: String, bold: String, dim: String };
  const seedText = report.seeds.length > 1 ? `seeds ${report.seeds[0]}..${report.seeds[report.seeds.length - 1]}` : `seed ${report.seed}`;
  const n = report.properties.length;
  io.out(`hugecheck check: policy ${policy.name}, ${seedText}, ${report.runs} runs per property${report.seeds.length > 1 ? ' per seed' : ''}, ${n} propert${n === 1 ? 'y' : 'ies'}${report.shard ? `, shard ${report.shard} (${o.units ?? '?'} of the campaign's ${report.invariants.length * report.seeds.length} units)` : ''}${o.workers && o.workers > 1 ? `, ${o.workers} workers` : ''}\n`);
  if (o.mergedFrom) io.out(`merged from ${o.mergedFrom.length} report${o.mergedFrom.length === 1 ? '' : 's'}: ${o.mergedFrom.join(', ')}\n`);
  if (report.timeLimited) io.out('time limited: the number of runs done depends on the machine, so this run is not reproducible by count\n');
  io.out('\n');
  const width = Math.max(0, ...report.properties.map((p) => p.id.length));
  for (const p of report.properties) {
    const known = [...new Set(p.violations.filter(isExplained).map((v) => v.knownBugs!.join(' + ')))];
    const inseparable = p.violations.filter((v) => v.inseparable).map((v) => v.inseparable!.bugs.join(' + '));
    const status = p.unexpected ? c.red(c.bold('VIOLATED')) : p.status === 'violated' ? c.yellow('known   ') : p.weak ? c.yellow('weak    ') : c.green('held    ');
    const what = p.unexpected
      ? `${inseparable.length ? `a violation not separable from known bug ${inseparable.join(', ')} (the policy changes what its fix replaces)` : 'a violation no known bug explains'}${known.length ? ` (also known: ${known.join(', ')})` : ''}`
      : p.status === 'violated'
        ? `only by known kernel bugs: ${known.join(', ')}`
        : `held over ${p.runs} runs${p.interrupted ? ' (time limit)' : ''}${p.weak ? `, but the policy's change was barely exercised: ${p.weak}` : ''}`;
    io.out(`  ${status}  ${p.id.padEnd(width)}  ${what}\n`);
  }
  for (const p of report.properties) {
    for (const v of p.violations) {
      const bugs = labelBugs(v);
      io.out(`\n${bugs.length ? c.yellow(`${p.id}: ${describeLabel(v)}`) : c.red(c.bold(`${p.id}: VIOLATED`))}\n`);
      for (const bug of bugs) io.out(`  ${bug.id}: ${bug.title} (${bug.reference})\n  upstream: ${upstreamStatus(bug)}\n`);
      if (v.inseparable) io.out(`  ${describeLabel(v)}\n`);
      io.out(`  at ${v.at.step === 'final' ? 'the final observation (after teardown)' : `step ${v.at.step}`}: ${v.at.message}\n`);
      io.out(`  minimal counterexample (${v.counterexample.steps.length} step${v.counterexample.steps.length === 1 ? '' : 's'}, each with what ${policy.name} produced):\n`);
      if (v.shortest) io.out(`  shortest: ${describeShortestSummary(v.shortest, v.counterexample.steps.length)}\n`);
      io.out(formatScenario(v.counterexample).replace(/^/gm, '    ') + '\n');
      const file = saved.get(v);
      io.out(`  replay the search: ${v.replay}\n`);
      io.out(file ? `  run it: hugecheck run ${file} --policy ${o.policyArg}\n` : `  run it: save it to a file, then hugecheck run FILE --policy ${o.policyArg} (or use --save DIR)\n`);
    }
  }
  const summed = report.properties.every((p) => p.stats) ? report.properties.reduce((a, p) => addStats(a, p.stats!), emptyStats()) : undefined;
  if (summed && summed.changed.length) io.out(`\n${formatChangeReach(summed)}\n`);
  if (summed && o.stats) io.out(`\n${formatStats(summed, report.properties.length)}\n`);
  const held = report.properties.filter((p) => p.status === 'held').length;
  const knownOnly = report.properties.filter((p) => p.status === 'violated' && !p.unexpected).length;
  const bad = report.properties.filter((p) => p.unexpected).length;
  if (written.length) io.out(`\nwrote ${written.length} files to ${o.out} (per counterexample: .json, .md, .html, .c, .test.ts; and report.md, report.html)\n`);
  const weak = report.properties.filter((p) => p.status === 'held' && p.weak).length;
  io.out(`\n${held} held${weak ? ` (${weak} weak: the policy's change barely exercised)` : ''}, ${knownOnly} violated by known kernel bugs only, ${bad} with an unexpected violation\n`);
  return unexpected ? 1 : 0;
}

function fail(message: string): never {
  throw new UsageError(message);
}

/** A one-line progress bar on stderr (terminals only). */
class Progress {
  private tries = 0;
  private id = '';
  private last = 0;
  /** The units' searches are interleaved (checker/campaign.ts): the bar counts every scenario
   *  tried against all the units' runs (shrink attempts count too, so it may reach the end early)
   *  and names the unit running now. */
  constructor(
    private io: Io,
    private units: number,
    private runs: number,
    parallel = false,
  ) {
    // Worker threads do not report each try; the bar then just says the campaign is running.
    if (parallel) io.err(`checking ${units} units on worker threads...`);
  }
  at(id: string) {
    this.id = id;
    if (Date.now() - this.last > 100) this.draw();
  }
  tick() {
    this.tries++;
    const now = Date.now();
    if (now - this.last > 100) this.draw();
  }
  private draw() {
    this.last = Date.now();
    const w = 24;
    const total = this.units * this.runs;
    const filled = Math.min(w, Math.round((this.tries / total) * w));
    this.io.err(`\r[${'#'.repeat(filled)}${'.'.repeat(w - filled)}] ${Math.min(this.tries, total)}/${total} scenarios, ${this.units} units; now ${this.id}\x1b[K`);
  }
  done() {
    this.io.err('\r\x1b[K');
  }
}
