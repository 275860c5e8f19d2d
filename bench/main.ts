/**
 * `npm run bench`: how fast hugecheck finds bugs, in one table, written also to bench/results.json.
 * Every figure is the median of several runs (the runs are kept in the JSON). Sections:
 *  model     steps/s: the step function alone, with observations, with every invariant judged;
 *            dispatch with a switch against ts-pattern
 *  check     scenarios/s through checkProperty (generate, run, judge), and with 2 workers
 *  bugs      for every zoo, seed and mutant policy that breaks an invariant: median time to the
 *            first failure over 20 seeds, the length check ends at, explore's shortest, the ratio
 *  explore   distinct states/s of the default exploration (1 and 2 workers)
 *  memory    peak RSS of a 1,000,000-run check and of the default exploration (child processes)
 *  kernel    steps/s and scenarios/s on the real kernel (root and hugetlbfs only)
 * `npm run bench -- --quick` runs fewer rounds, 5 seeds and a 100,000-run memory check.
 * `npm run bench -- --only model,check` runs some sections (the others keep their figures in results.json).
 */
import { spawnSync } from 'child_process';
import fc from 'fast-check';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { cpus, release, totalmem } from 'os';
import { join } from 'path';
import { match } from 'ts-pattern';
import { checkProperty, DEFAULT_RUNS } from '../checker/check';
import { timeToFirstFailure } from './first-failure';
import { explore } from '../explore/bfs';
import { exploreParallel } from '../explore/parallel';
import { DEFAULT_DEPTH, DEFAULT_SCOPE } from '../explore/scope';
import { proveShortest } from '../explore/shortest';
import { scenarioArbitrary } from '../generator/arbitrary';
import { ROOT } from '../io/root';
import { Machine } from '../run/machine';
import { boundBefore } from '../scenario/bind';
import { POLICIES } from '../model/policies';
import { linux } from '../model/policies/linux';
import type { Policy } from '../model/policy';
import { CATALOGUE, findInvariant } from '../properties/catalogue';
import { judgeOnModel } from '../run/model';
import type { Scenario, Step } from '../scenario/types';
import { validateScenario } from '../scenario/validate';
import { longScenario } from './long-scenario';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyArg = argv.indexOf('--only');
const only = onlyArg >= 0 ? new Set(argv[onlyArg + 1]!.split(',')) : undefined;
const want = (s: string) => !only || only.has(s);
const ROUNDS = quick ? 3 : 5;
const SEEDS = quick ? 5 : 20;

interface Figure {
  section: string;
  name: string;
  value: number;
  unit: string;
  runs?: number[];
  target?: string;
  met?: boolean;
  note?: string;
  /** When it was measured (a run with --only keeps the other sections' figures). */
  date?: string;
}
const figures: Figure[] = [];
/** Commands per scenario of the check section's scenarios/s (the target's unit). */
const CHECK_COMMANDS = 20;
/** The sections in the order they run and are written. */
const SECTIONS = ['kernel', 'model', 'check', 'bugs', 'explore', 'memory'];
const rows: Array<Record<string, unknown>> = [];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
function seconds(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}
async function secondsAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}
/** Median of `ROUNDS` rates after one warm-up: `work / seconds`. */
function rate(work: number, fn: () => void): { value: number; runs: number[] } {
  fn();
  const runs = Array.from({ length: ROUNDS }, () => work / seconds(fn));
  return { value: median(runs), runs };
}
/** Set in a child process that runs a whole section (`--child section:NAME`): its figures go to
 *  stdout as JSON lines for the parent to put. */
let figuresToParent = false;
function put(f: Figure): void {
  if (figuresToParent) {
    process.stdout.write(`FIGURE ${JSON.stringify(f)}\n`);
    return;
  }
  figures.push(f);
  const target = f.target ? `  target ${f.target}: ${f.met ? 'met' : 'NOT met'}` : '';
  console.log(`  ${f.name.padEnd(46)} ${fmt(f.value, f.value < 10 ? 2 : 0).padStart(12)} ${f.unit}${target}${f.note ? `  (${f.note})` : ''}`);
}

function versions() {
  const v = (p: string) => {
    try {
      return (JSON.parse(readFileSync(join(ROOT, 'node_modules', p, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'absent';
    }
  };
  return { node: process.version, hugecheck: (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version, typescript: v('typescript'), 'fast-check': v('fast-check'), 'ts-pattern': v('ts-pattern') };
}

// ---- model ---------------------------------------------------------------------------------------
function modelSection(): void {
  console.log('\nmodel (policy linux, one thread)');
  const LENGTH = quick ? 50_000 : 200_000;
  const scenario = validateScenario(longScenario(LENGTH, 42));
  const steps = scenario.steps;
  // A run reuses the bindings the validator made (bind once, scenario/bind.ts), as execute does.
  const prebound = boundBefore(scenario);
  const stepOnly = rate(LENGTH, () => {
    const m = new Machine(linux, scenario.setup, prebound);
    for (const st of steps) m.step(st);
  });
  put({ section: 'model', name: 'steps/s, step function only', value: stepOnly.value, unit: 'steps/s', runs: stepOnly.runs, target: '>= 1,000,000', met: stepOnly.value >= 1e6 });
  const observed = rate(LENGTH, () => {
    const m = new Machine(linux, scenario.setup, prebound);
    for (const st of steps) m.observe(m.step(st));
  });
  put({ section: 'model', name: 'steps/s, with observations', value: observed.value, unit: 'steps/s', runs: observed.runs });
  // Every invariant judged on the trace (per-step facts and state checks included).
  const JUDGED = quick ? 20_000 : 50_000;
  const judgedScenario = { ...scenario, steps: steps.slice(0, JUDGED) };
  const judged = rate(JUDGED, () => void judgeOnModel(judgedScenario, linux, CATALOGUE));
  put({ section: 'model', name: `steps/s, all ${CATALOGUE.length} invariants judged`, value: judged.value, unit: 'steps/s', runs: judged.runs });

  const sw = (s: Step) => {
    switch (s.op) {
      case 'read': return 1;
      case 'write': return 2;
      case 'mmap': return 3;
      case 'munmap': return 4;
      default: return 0;
    }
  };
  const tp = (s: Step) => match(s).with({ op: 'read' }, () => 1).with({ op: 'write' }, () => 2).with({ op: 'mmap' }, () => 3).with({ op: 'munmap' }, () => 4).otherwise(() => 0);
  let sink = 0;
  const a = rate(LENGTH, () => { for (const st of steps) sink += sw(st); });
  const b = rate(LENGTH, () => { for (const st of steps) sink += tp(st); });
  put({ section: 'model', name: 'dispatch with a switch', value: 1e9 / a.value, unit: 'ns/step', runs: a.runs.map((r) => 1e9 / r) });
  put({ section: 'model', name: 'dispatch with ts-pattern', value: 1e9 / b.value, unit: 'ns/step', runs: b.runs.map((r) => 1e9 / r), note: 'why the hot step uses a switch' });
  if (sink === -1) console.log('');
}

// ---- check ---------------------------------------------------------------------------------------
async function checkSection(): Promise<void> {
  console.log('\ncheck (policy linux-fixed: every run passes, so every run is a full generate-run-judge)');
  // Timed in a fresh process, as `hugecheck check` runs: the model section's 200,000-step scenario
  // (and any scenarios this script keeps) make V8 allocate check's short-lived objects in the old
  // generation (allocation-site pretenuring), up to 25 % slower: this script's cost, not check's.
  const one = childJson<{ value: number; runs: number[]; meanSteps: number }>('check-rate');
  const meanSteps = one.meanSteps;
  put({ section: 'check', name: `scenarios/s (${CHECK_COMMANDS} commands, mean ${fmt(meanSteps, 1)} steps)`, value: one.value, unit: 'scenarios/s', runs: one.runs, target: '>= 20,000', met: one.value >= 20_000 });
  put({ section: 'check', name: 'steps/s through check', value: one.value * meanSteps, unit: 'steps/s' });

  // Worker threads, as a user meets them: `hugecheck check` started afresh (a warm single thread
  // in this process would be unfair to workers that start cold), outputs compared byte for byte.
  const RUNS_PER_UNIT = 10_000;
  const cli = (w: number) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'hugecheck.js'), 'check', '--policy', 'linux-fixed', '--seed', '1', '--repeat', '2', '--runs', String(RUNS_PER_UNIT), '--workers', String(w), '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    // Exit 1 is a finding (linux-fixed breaks private-isolation under these seeds: golden k15), not a failure.
    if (r.status !== 0 && r.status !== 1) throw new Error(`check --workers ${w} failed (exit ${r.status}): ${r.stderr}`);
    return { secs: Number(process.hrtime.bigint() - t0) / 1e9, out: r.stdout };
  };
  const times: Record<number, number[]> = { 1: [], 2: [] };
  let same = true;
  let ref: string | undefined;
  for (let r = 0; r < (quick ? 1 : 3); r++) {
    for (const w of [1, 2]) {
      const { secs, out } = cli(w);
      times[w]!.push(secs);
      if (ref === undefined) ref = out;
      else if (out !== ref) same = false;
    }
  }
  const total = 2 * CATALOGUE.length * RUNS_PER_UNIT;
  const w1 = total / median(times[1]!);
  const w2 = total / median(times[2]!);
  put({ section: 'check', name: `hugecheck check, ${fmt(total)} runs, 1 worker`, value: w1, unit: 'scenarios/s', runs: times[1]!.map((t) => total / t), note: `${fmt(median(times[1]!), 1)} s with start-up` });
  put({ section: 'check', name: `hugecheck check, ${fmt(total)} runs, 2 workers`, value: w2, unit: 'scenarios/s', runs: times[2]!.map((t) => total / t), target: 'faster than 1, same report', met: w2 > w1 && same, note: `${fmt(w2 / w1, 2)}x; reports ${same ? 'identical' : 'DIFFER'}` });
}

// ---- bugs ----------------------------------------------------------------------------------------
function bugsSection(): void {
  console.log(`\nbugs: every zoo, seed and mutant policy that breaks an invariant (${SEEDS} seeds each, ${DEFAULT_RUNS} runs per property)`);
  const policies = [...POLICIES.values()].filter((p) => !p.name.startsWith('fix/') && p.name !== 'linux' && p.name !== 'linux-fixed');
  console.log(`  ${'policy'.padEnd(46)} ${'first failure'.padStart(14)} ${'check'.padStart(6)} ${'shortest'.padStart(9)} ${'ratio'.padStart(6)}  invariant`);
  for (const policy of policies) {
    const firsts: number[] = [];
    const lengths: number[] = [];
    const shortest: number[] = [];
    let invariant: string | undefined;
    let caught = 0;
    let notProved = 0;
    let why: string | undefined;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const f = timeToFirstFailure(policy, seed);
      firsts.push(f.ms);
      if (!f.invariant) continue;
      caught++;
      invariant ??= f.invariant;
      const inv = findInvariant(f.invariant)!;
      const r = checkProperty(policy, inv, { runs: DEFAULT_RUNS, seed });
      const v = r.violations.find((x) => !x.knownBugs);
      if (!v) continue;
      lengths.push(v.counterexample.steps.length);
      // explore's shortest in the counterexample's scope, searched afresh without a budget.
      const s = proveShortest(policy, inv, v.counterexample);
      if (s.kind === 'proved') shortest.push(v.counterexample.steps.length);
      else if (s.kind === 'shorter') shortest.push(s.scenario.steps.length);
      else {
        notProved++;
        why ??= s.kind === 'unsupported' ? s.reason : s.kind;
      }
    }
    if (!caught) continue;
    if (!lengths.length) why ??= 'check under the same seeds labelled every violation it kept with a known bug';
    const ratio = lengths.length && shortest.length === lengths.length ? Math.max(...lengths.map((l, i) => l / shortest[i]!)) : NaN;
    const row = { policy: policy.name, invariant, caught, seeds: SEEDS, firstFailureMs: median(firsts), firstFailureRuns: firsts, checkLength: median(lengths), shortestLength: shortest.length ? median(shortest) : null, ratio: Number.isNaN(ratio) ? null : ratio, notProved, ...(why ? { notProvedWhy: why } : {}) };
    rows.push(row);
    console.log(`  ${policy.name.padEnd(46)} ${`${fmt(row.firstFailureMs, 1)} ms`.padStart(14)} ${String(lengths.length ? row.checkLength : '-').padStart(6)} ${String(row.shortestLength ?? '-').padStart(9)} ${(Number.isNaN(ratio) ? 'n/a' : ratio.toFixed(2)).padStart(6)}  ${invariant}${caught < SEEDS ? ` (caught under ${caught} of ${SEEDS} seeds)` : ''}${notProved ? ` (${notProved} not proved: ${why})` : ''}`);
  }
  const zoo = rows.filter((r) => String(r.policy).startsWith('bug/'));
  const worstZoo = Math.max(...zoo.map((r) => r.firstFailureMs as number));
  const worstFirst = Math.max(...rows.map((r) => r.firstFailureMs as number));
  put({ section: 'bugs', name: 'slowest median time to first failure, zoo', value: worstZoo, unit: 'ms', target: '< 1,000 ms for every zoo bug', met: worstZoo < 1000 });
  const slow = rows.filter((r) => (r.caught as number) < SEEDS || (r.firstFailureMs as number) >= 1000).map((r) => `${r.policy} (${r.caught} of ${SEEDS} seeds, median ${fmt(r.firstFailureMs as number)} ms)`);
  put({ section: 'bugs', name: 'slowest median time to first failure, all', value: worstFirst, unit: 'ms' });
  put({ section: 'bugs', name: `policies caught under every seed, median first failure under 1 s (of ${rows.length})`, value: rows.length - slow.length, unit: 'policies', target: 'every one', met: slow.length === 0, ...(slow.length ? { note: `not: ${slow.join('; ')}` } : {}) });
  const rated = rows.filter((r) => r.ratio !== null);
  const worstRatio = Math.max(...rated.map((r) => r.ratio as number));
  const unrated = rows.filter((r) => r.ratio === null).map((r) => `${r.policy} (${r.notProvedWhy})`);
  put({ section: 'bugs', name: `worst check length / shortest (${rated.length} policies)`, value: worstRatio, unit: '', target: '1.00', met: worstRatio === 1, ...(unrated.length ? { note: `no ratio for ${unrated.join('; ')}` } : {}) });
}

// ---- explore -------------------------------------------------------------------------------------
async function exploreSection(): Promise<void> {
  console.log(`\nexplore (policy linux-fixed, default scope, depth ${DEFAULT_DEPTH})`);
  const p = POLICIES.get('linux-fixed')!;
  const runs1: number[] = [];
  const runs2: number[] = [];
  let distinct = 0;
  let ms = 0;
  for (let r = 0; r < (quick ? 1 : 3); r++) {
    const a = explore(p, { depth: DEFAULT_DEPTH, scope: DEFAULT_SCOPE });
    distinct = a.distinct;
    ms = a.ms;
    runs1.push((a.distinct / a.ms) * 1000);
    const b = await exploreParallel('linux-fixed', p, { depth: DEFAULT_DEPTH, scope: DEFAULT_SCOPE, workers: 2 });
    if (b.distinct !== a.distinct || b.explored !== a.explored) throw new Error('explore with 2 workers differs from 1');
    runs2.push((b.distinct / b.ms) * 1000);
  }
  put({ section: 'explore', name: `distinct states/s, 1 worker (${fmt(distinct)} states)`, value: median(runs1), unit: 'states/s', runs: runs1, target: 'default scope < 60 s', met: ms < 60_000 });
  put({ section: 'explore', name: 'distinct states/s, 2 workers', value: median(runs2), unit: 'states/s', runs: runs2, note: 'workers start cold: they pay off on longer searches' });
  const deeper = await secondsAsync(() => exploreParallel('linux-fixed', p, { depth: DEFAULT_DEPTH + 1, scope: DEFAULT_SCOPE, workers: 2 }));
  const deeper1 = quick ? NaN : seconds(() => explore(p, { depth: DEFAULT_DEPTH + 1, scope: DEFAULT_SCOPE }));
  if (!quick) put({ section: 'explore', name: `depth ${DEFAULT_DEPTH + 1}: 2 workers against 1`, value: deeper1 / deeper, unit: 'x faster', note: `${fmt(deeper1, 1)} s against ${fmt(deeper, 1)} s` });
}

// ---- memory --------------------------------------------------------------------------------------
/** Runs a part of the bench in a fresh process (`--child KIND`): its last output line, parsed. */
function childOutput(kind: string): string {
  const r = spawnSync(process.execPath, [__filename, '--child', kind, ...(quick ? ['--quick'] : [])], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`bench child ${kind} failed: ${r.stderr}`);
  return r.stdout;
}
function childJson<T>(kind: string): T {
  return JSON.parse(childOutput(kind).trim().split('\n').pop()!) as T;
}
const child = (kind: string) => childJson<{ ms: number; maxRssMiB: number; detail: string }>(kind);

function memorySection(): void {
  console.log('\nmemory (peak resident set of a child process)');
  const c = child('check');
  put({ section: 'memory', name: `check, ${c.detail}`, value: c.maxRssMiB, unit: 'MiB', note: `${fmt(c.ms / 1000, 1)} s` });
  const e = child('explore');
  put({ section: 'memory', name: `explore, ${e.detail}`, value: e.maxRssMiB, unit: 'MiB', note: `${fmt(e.ms / 1000, 1)} s` });
}

/** Runs a section in a fresh process and puts the figures it prints. */
function sectionInChild(name: string): void {
  for (const line of childOutput(`section:${name}`).replace(/\n$/, '').split('\n')) {
    if (line.startsWith('FIGURE ')) put(JSON.parse(line.slice(7)) as Figure);
    else console.log(line);
  }
}

async function runChild(kind: string): Promise<void> {
  if (kind === 'section:model') {
    figuresToParent = true;
    modelSection();
    return;
  }
  if (kind === 'check-rate') {
    // check's own loop on scenarios of 20 commands; a few resolve to fewer steps (a command on a
    // name that no longer exists is dropped), so the mean length goes with the figure.
    const MAX = CHECK_COMMANDS;
    const meanSteps = ((sample) => sample.reduce((n, s) => n + s.steps.length, 0) / sample.length)(fc.sample(scenarioArbitrary({ maxCommands: MAX, minCommands: MAX }), { numRuns: 2000, seed: 1 }));
    const RUNS = quick ? 500 : 2000;
    const policy = POLICIES.get('linux-fixed')!;
    const one = rate(RUNS * CATALOGUE.length, () => {
      for (const inv of CATALOGUE) checkProperty(policy, inv, { runs: RUNS, seed: 1, maxCommands: MAX, minCommands: MAX });
    });
    console.log(JSON.stringify({ ...one, meanSteps }));
    return;
  }
  const t0 = Date.now();
  let detail = '';
  if (kind === 'check') {
    // 1,000,000 runs in all: every property of the catalogue, linux-fixed (no run stops early).
    const total = quick ? 100_000 : 1_000_000;
    const runs = Math.ceil(total / CATALOGUE.length);
    const policy = POLICIES.get('linux-fixed')!;
    for (const inv of CATALOGUE) checkProperty(policy, inv, { runs, seed: 1 });
    detail = `${fmt(runs * CATALOGUE.length)} runs (linux-fixed, ${CATALOGUE.length} properties x ${fmt(runs)})`;
  } else {
    const r = explore(POLICIES.get('linux-fixed')!, { depth: DEFAULT_DEPTH, scope: DEFAULT_SCOPE });
    detail = `default scope, depth ${DEFAULT_DEPTH} (${fmt(r.distinct)} states)`;
  }
  console.log(JSON.stringify({ ms: Date.now() - t0, maxRssMiB: process.resourceUsage().maxRSS / 1024, detail }));
}

// ---- kernel --------------------------------------------------------------------------------------
async function kernelSection(): Promise<void> {
  console.log('\nkernel oracle');
  const { kernelUsability } = await import('../kernel/usable');
  const { KernelSession } = await import('../kernel/session');
  const u = kernelUsability();
  if (!u.ok) {
    console.log(`  skipped: ${u.reason}`);
    return;
  }
  // Rounds of different generated scenarios (same seeds each time the bench runs), one session.
  const PER_ROUND = quick ? 100 : 200;
  const scenarios = fc.sample(scenarioArbitrary({ maxCommands: 30 }), { numRuns: PER_ROUND * ROUNDS, seed: 42 });
  const session = await KernelSession.open();
  const stepRates: number[] = [];
  const scenarioRates: number[] = [];
  let steps = 0;
  let ran = 0;
  try {
    for (let r = 0; r < ROUNDS; r++) {
      let roundSteps = 0;
      let roundRan = 0;
      const t0 = process.hrtime.bigint();
      for (const s of scenarios.slice(r * PER_ROUND, (r + 1) * PER_ROUND)) {
        const res = await session.run(s);
        if (res.skipped !== undefined) continue;
        roundRan++;
        roundSteps += res.steps;
      }
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      stepRates.push(roundSteps / secs);
      scenarioRates.push(roundRan / secs);
      steps += roundSteps;
      ran += roundRan;
    }
  } finally {
    const problems = await session.close();
    if (problems.length) console.log(`  WARNING: ${problems.join('; ')}`);
  }
  console.log(`  Linux ${session.release}; ${ran} generated scenarios run (the others refused as hazards), ${steps} steps with each scenario's setup and teardown, in ${ROUNDS} rounds`);
  const sps = median(stepRates);
  put({ section: 'kernel', name: 'steps/s', value: sps, unit: 'steps/s', runs: stepRates, target: '>= 2,000', met: sps >= 2000 });
  put({ section: 'kernel', name: 'scenarios/s', value: median(scenarioRates), unit: 'scenarios/s', runs: scenarioRates });
}

async function main(): Promise<void> {
  const childArg = argv.indexOf('--child');
  if (childArg >= 0) return runChild(argv[childArg + 1]!);
  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), kernel: release(), ...versions() };
  console.log(`hugecheck benchmark${quick ? ' (--quick)' : ''}: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Linux ${machine.kernel}`);
  console.log(`  node ${machine.node}, hugecheck ${machine.hugecheck}, typescript ${machine.typescript}, fast-check ${machine['fast-check']}, ts-pattern ${machine['ts-pattern']}; medians of ${ROUNDS} runs after a warm-up unless said`);
  const started = Date.now();
  // The kernel first: it waits on system calls, and a heap grown by the other sections slows it.
  if (want('kernel')) await kernelSection();
  // The model section runs in a fresh process: the kernel section's heap (and any section's
  // long-lived objects) make V8 pretenure the step function's short-lived objects, which cost it
  // up to a fifth in this process only.
  if (want('model')) sectionInChild('model');
  if (want('check')) await checkSection();
  if (want('bugs')) bugsSection();
  if (want('explore')) await exploreSection();
  if (want('memory')) memorySection();
  const missed = figures.filter((f) => f.met === false);
  console.log(`\n${figures.filter((f) => f.target).length - missed.length} of ${figures.filter((f) => f.target).length} targets met${missed.length ? `; not met: ${missed.map((f) => `${f.section} ${f.name}`).join('; ')}` : ''} (${fmt((Date.now() - started) / 1000, 0)} s)`);
  const out = join(ROOT, 'bench', 'results.json');
  mkdirSync(join(ROOT, 'bench'), { recursive: true });
  const date = new Date().toISOString();
  for (const f of figures) f.date = date;
  // With --only, the other sections' figures (and the bugs table, unless bugs ran) stay as they
  // were, each with the date it was measured.
  // A --quick run and a full one are not mixed: then only this run's figures are written.
  const prior = only && existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as { date?: string; quick?: boolean; figures?: Figure[]; bugs?: unknown[] }) : undefined;
  const old = prior && prior.quick === quick ? prior : undefined;
  const kept = (old?.figures ?? []).filter((f) => !want(f.section)).map((f) => ({ ...f, date: f.date ?? old?.date }));
  const bugs = old && !want('bugs') ? (old.bugs ?? []) : rows;
  const order = (f: Figure) => SECTIONS.indexOf(f.section);
  const all = [...kept, ...figures].sort((a, b) => order(a) - order(b)); // stable: each section's own order stays
  writeFileSync(out, JSON.stringify({ format: 'hugecheck.bench/1', date, quick, machine, figures: all, bugs }, null, 2) + '\n');
  console.log(`wrote ${out}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
