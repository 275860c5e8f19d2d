/**
 * `hugecheck check` (the default command): every selected invariant checked over generated
 * scenarios on a policy; a summary per property; minimal counterexamples as runnable scenarios;
 * known kernel bugs labelled and not counted as failures.
 */
import { randomInt } from 'crypto';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import pc from 'picocolors';
import { checkProperty, finish, type PropertyResult } from '../checker/check';
import { DEFAULT_SHORTEST_BUDGET, describeShortest, shortestSummary, type ShortestSummary } from '../explore/shortest';
import { DEFAULT_WEIGHTS, parseWeights, type Weights } from '../generator/commands';
import { KNOWN_BUGS } from '../model/policies/known-bugs';
import { CATALOGUE, findInvariant } from '../properties/catalogue';
import type { Invariant } from '../properties/invariant';
import { writeArtifacts } from '../reports/artifacts';
import { checkDocument } from '../reports/documents';
import { formatScenario } from '../reports/scenario-json';
import type { Scenario } from '../scenario/types';
import { UsageError } from './errors';
import { loadPolicy } from './load';
import type { Io } from './main';

export interface CheckCliOptions {
  policy: string;
  runs: string;
  seed?: string;
  property?: string[];
  timeLimit?: string;
  json?: boolean;
  weights?: string;
  maxCommands?: string;
  save?: string;
  out?: string;
  shortest?: boolean;
  shortestBudget?: string;
}

export interface Report {
  format: 'hugecheck.report/1';
  policy: string;
  seed: number;
  runs: number;
  properties: Array<{ id: string; status: 'held' | 'violated'; violations: Array<{ knownBug?: string; replay: string; shortest?: ShortestSummary; counterexample: Scenario }> }>;
}

function positiveInt(v: string, flag: string, min = 1): number {
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`${flag} must be a whole number >= ${min}, got "${v}"`);
  return Number(v);
}

export async function checkCommand(opts: CheckCliOptions, io: Io): Promise<number> {
  const policy = loadPolicy(opts.policy);
  const runs = positiveInt(opts.runs, '--runs');
  const seed = opts.seed !== undefined ? positiveInt(opts.seed, '--seed', 0) : randomInt(0, 2 ** 31 - 1);
  const timeLimitMs = opts.timeLimit !== undefined ? positiveInt(opts.timeLimit, '--time-limit') * 1000 : undefined;
  const maxCommands = opts.maxCommands !== undefined ? positiveInt(opts.maxCommands, '--max-commands') : undefined;
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
  const invariants: Invariant[] = (opts.property ?? []).length
    ? opts.property!.map((id) => findInvariant(id) ?? fail(`unknown property "${id}" (known: ${CATALOGUE.map((i) => i.id).join(', ')})`))
    : [...CATALOGUE];

  const progress = io.isTTY && !opts.json ? new Progress(io, invariants.length) : undefined;
  const started = Date.now();
  const results: PropertyResult[] = [];
  for (const [k, inv] of invariants.entries()) {
    const left = timeLimitMs !== undefined ? Math.max(0, timeLimitMs - (Date.now() - started)) / (invariants.length - k) : undefined;
    progress?.start(inv.id, k);
    results.push(checkProperty(policy, inv, { runs, seed, weights, maxCommands, shortestBudget, timeLimitMs: left, onTry: () => progress?.tick() }));
  }
  progress?.done();
  const replay = (id: string) =>
    `hugecheck check --policy ${policy.name} --seed ${seed} --runs ${runs} --property ${id}` +
    (opts.weights ? ` --weights ${opts.weights}` : '') +
    (maxCommands !== undefined ? ` --max-commands ${maxCommands}` : '') +
    (opts.shortest ? ' --shortest' : opts.shortestBudget !== undefined ? ` --shortest-budget ${shortestBudget}` : '');
  const saved = new Map<Scenario, string>();
  if (opts.save) {
    mkdirSync(opts.save, { recursive: true });
    for (const r of results) {
      r.violations.forEach((v, i) => {
        const file = join(opts.save!, `${r.id}${r.violations.length > 1 ? `-${i + 1}` : ''}.json`);
        v.counterexample.name = `${r.id}-${policy.name.replace(/[^\w.-]+/g, '_')}-seed${seed}${r.violations.length > 1 ? `-${i + 1}` : ''}`;
        writeFileSync(file, formatScenario(v.counterexample) + '\n');
        saved.set(v.counterexample, file);
      });
    }
  }
  const unexpected = results.some((r) => r.unexpected);
  const report: Report = {
    format: 'hugecheck.report/1',
    policy: policy.name,
    seed,
    runs,
    properties: results.map((r) => ({ id: r.id, status: r.status, violations: r.violations.map((v) => ({ ...(v.knownBug ? { knownBug: v.knownBug } : {}), replay: replay(r.id), ...(v.shortest ? { shortest: shortestSummary(v.shortest) } : {}), counterexample: v.counterexample })) })),
  };
  let written: string[] = [];
  if (opts.out) {
    const named: Report = {
      ...report,
      properties: report.properties.map((p) => ({
        ...p,
        violations: p.violations.map((v, i) => ({ ...v, counterexample: { ...v.counterexample, name: `${p.id}-${policy.name.replace(/[^\w.-]+/g, '_')}-seed${seed}${p.violations.length > 1 ? `-${i + 1}` : ''}` } })),
      })),
    };
    const { doc, bases } = checkDocument(named, policy, opts.policy);
    written = writeArtifacts(opts.out, doc, bases);
  }
  if (opts.json) {
    io.out(JSON.stringify(report, null, 2) + '\n');
    return unexpected ? 1 : 0;
  }

  const c = io.isTTY ? pc : { green: String, yellow: String, red: String, bold: String, dim: String };
  io.out(`hugecheck check: policy ${policy.name}, seed ${seed}, ${runs} runs per property, ${invariants.length} propert${invariants.length === 1 ? 'y' : 'ies'}\n`);
  if (timeLimitMs !== undefined) io.out(`time limit ${timeLimitMs / 1000} s: the number of runs done depends on the machine, so this run is not reproducible by count\n`);
  io.out('\n');
  const width = Math.max(...results.map((r) => r.id.length));
  for (const r of results) {
    const known = r.violations.filter((v) => v.knownBug).map((v) => v.knownBug);
    const status = r.unexpected ? c.red(c.bold('VIOLATED')) : r.status === 'violated' ? c.yellow('known   ') : c.green('held    ');
    const what = r.unexpected
      ? `a violation no known bug explains${known.length ? ` (also known: ${known.join(', ')})` : ''}`
      : r.status === 'violated'
        ? `only by known kernel bugs: ${known.join(', ')}`
        : `held over ${r.runs} runs${r.interrupted ? ' (time limit)' : ''}`;
    io.out(`  ${status}  ${r.id.padEnd(width)}  ${what}\n`);
  }
  for (const r of results) {
    for (const v of r.violations) {
      const bug = KNOWN_BUGS.find((b) => b.id === v.knownBug);
      io.out(`\n${bug ? c.yellow(`${r.id}: known kernel bug ${bug.id}`) : c.red(c.bold(`${r.id}: VIOLATED`))}\n`);
      if (bug) io.out(`  ${bug.title} (${bug.reference})\n`);
      io.out(`  at ${v.violation.step === 'final' ? 'the final observation (after teardown)' : `step ${v.violation.step}`}: ${v.violation.message}\n`);
      io.out(`  minimal counterexample (${v.counterexample.steps.length} step${v.counterexample.steps.length === 1 ? '' : 's'}, each with what ${policy.name} produced):\n`);
      if (v.shortest) io.out(`  shortest: ${describeShortest(v.shortest, v.counterexample.steps.length)}\n`);
      io.out(formatScenario(v.counterexample).replace(/^/gm, '    ') + '\n');
      const file = saved.get(v.counterexample);
      io.out(`  replay the search: ${replay(r.id)}\n`);
      io.out(file ? `  run it: hugecheck run ${file} --policy ${policy.name}\n` : `  run it: save it to a file, then hugecheck run FILE --policy ${policy.name} (or use --save DIR)\n`);
    }
  }
  const held = results.filter((r) => r.status === 'held').length;
  const knownOnly = results.filter((r) => r.status === 'violated' && !r.unexpected).length;
  const bad = results.filter((r) => r.unexpected).length;
  if (written.length) io.out(`\nwrote ${written.length} files to ${opts.out} (per counterexample: .json, .md, .html, .c, .test.ts; and report.md, report.html)\n`);
  io.out(`\n${held} held, ${knownOnly} violated by known kernel bugs only, ${bad} with an unexpected violation\n`);
  return unexpected ? 1 : 0;
}

function fail(message: string): never {
  throw new UsageError(message);
}

/** A one-line progress bar on stderr (terminals only). */
class Progress {
  private tries = 0;
  private id = '';
  private k = 0;
  private last = 0;
  constructor(private io: Io, private total: number) {}
  start(id: string, k: number) {
    this.id = id;
    this.k = k;
    this.tries = 0;
    this.draw();
  }
  tick() {
    this.tries++;
    const now = Date.now();
    if (now - this.last > 100) this.draw();
  }
  private draw() {
    this.last = Date.now();
    const w = 24;
    const filled = Math.round((this.k / this.total) * w);
    this.io.err(`\r[${'#'.repeat(filled)}${'.'.repeat(w - filled)}] ${this.k + 1}/${this.total} ${this.id}: ${this.tries} scenarios\x1b[K`);
  }
  done() {
    this.io.err('\r\x1b[K');
  }
}
