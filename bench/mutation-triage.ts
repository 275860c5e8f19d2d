/**
 * `npm run mutation:triage`: what each mutant that survived `npm run mutation` does, measured
 * rather than guessed. Stryker compiles every mutant of model/ into one instrumented copy of the
 * project (its sandbox, `.stryker-tmp/sandbox-*`, kept by `cleanTempDir: false`) and switches one on
 * through `globalThis.__stryker__.activeMutant`. This script loads that copy and, for each survivor
 * of `.mutation/mutation.json`:
 *
 * 1. reached: did the kill command (`hugecheck check --policy linux-fixed --seed 1`) execute the
 *    mutated code at all? (Stryker's own coverage counters, read after one run of that command with
 *    no mutant active.)
 * 2. observable: over `--scenarios` generated scenarios (classic and swarm generators, seeds of
 *    their own), does the mutant change any trace (a result, a value read, a counter, a statfs
 *    figure, after any step or after teardown) against linux-fixed? The first scenario that differs
 *    is reduced (shrinkers/reduce.ts) to a minimal one.
 * 3. catchable: on some scenario of that scan, does an invariant of the catalogue break under the
 *    mutant? If so the check could kill it and only its budget or its generator missed it (a gap of
 *    the generator); the scenario is reduced too.
 *
 * A survivor that is observable but never catchable is a gap of the catalogue (or a behaviour the
 * invariants rightly allow: the triage in bench/mutation-triage.json says which); one that is never
 * observable is a candidate equivalent mutant, to be confirmed by reading it.
 *
 *   npm run mutation:triage [-- --scenarios 8000] [-- --ids 12,40] [-- --sandbox DIR]
 *   npm run mutation:triage -- --show ID SCENARIO.json   (one scenario, linux-fixed against mutant ID)
 *   npm run mutation:triage -- --rekill [RUNS]           (the kill command again for each survivor)
 *
 * Writes .mutation/triage-raw.json and prints one line per survivor. Deterministic for a given
 * sandbox and options.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative, resolve } from 'path';
import type fcType from 'fast-check';
import type { Drawn, GeneratorOptions } from '../generator/arbitrary';
import type { Policy } from '../model/policy';
import type { Invariant } from '../properties/invariant';
import type { Scenario } from '../scenario/types';
import { identify, SURVIVED, type MutationReport } from './mutation-score';
import { arg, argv } from './args';

const ROOT = resolve(__dirname, '..', '..');
const SCENARIOS = Number(arg('--scenarios') ?? 8_000);
const ONLY = arg('--ids')?.split(',');
const REPORT = resolve(arg('--report') ?? join(ROOT, '.mutation', 'mutation.json'));
const OUT = resolve(arg('--out') ?? join(ROOT, '.mutation', 'triage-raw.json'));
/** Evaluations of mutated code per scenario before it counts as a hang (Stryker's hit limit). */
const HIT_LIMIT = 2_000_000;

function newestSandbox(): string {
  const explicit = arg('--sandbox');
  if (explicit) return resolve(explicit);
  const dir = join(ROOT, '.stryker-tmp');
  const boxes = existsSync(dir) ? readdirSync(dir).filter((d) => d.startsWith('sandbox-')).map((d) => join(dir, d)) : [];
  if (!boxes.length) throw new Error(`no Stryker sandbox under ${dir}: run \`npm run mutation\` with "cleanTempDir": false first`);
  return boxes.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
}

/** Mutant ids whose code the kill command executed, from Stryker's coverage counters. */
function reachedByCheck(sandbox: string): Map<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'hugecheck-triage-'));
  const out = join(dir, 'coverage.json');
  const preload = join(dir, 'dump.js');
  writeFileSync(
    preload,
    `process.on('exit', () => { const ns = globalThis.__stryker__ || {}; require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify((ns.mutantCoverage || {}).static || {})); });\n`,
  );
  const env = { ...process.env };
  delete env.__STRYKER_ACTIVE_MUTANT__;
  const r = spawnSync(process.execPath, ['-r', preload, 'bin/hugecheck.js', 'check', '--policy', 'linux-fixed', '--seed', '1'], { cwd: sandbox, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the kill command fails with no mutant active (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return new Map(Object.entries(JSON.parse(readFileSync(out, 'utf8')) as Record<string, number>));
}

export interface RawTriage {
  id: string;
  file: string;
  line: number;
  fn: string;
  mutator: string;
  original: string;
  replacement: string;
  nth: number;
  /** Times the kill command executed the mutated code (0: never reached). */
  reached: number;
  /** Scenarios scanned until the first difference (or all of them). */
  scanned: number;
  /** The first difference found, on a minimal scenario. */
  differs?: { class: string; step: number | string; mutant: unknown; linuxFixed: unknown; scenario: Scenario };
  /** A scenario on which an invariant breaks under the mutant, minimal, with the invariants. */
  catchable?: { invariants: string[]; scenario: Scenario; scanned: number };
  /** The mutant threw or hung on some scenario (the check would have been killed by it there). */
  crashes?: string;
  /** Goldens (scenarios/golden, on linux) whose expectations the mutant breaks: the conformance
   *  suite kills it even where the check cannot (code that linux-fixed replaces with a fix). */
  goldens: string[];
}

function main(): void {
  const sandbox = newestSandbox();
  const report = JSON.parse(readFileSync(REPORT, 'utf8')) as MutationReport;
  const load = <T>(p: string): T => require(join(sandbox, 'dist', p)) as T;
  const { linuxFixed } = load<{ linuxFixed: Policy }>('model/policies/fixes.js');
  const { execute } = load<typeof import('../run/machine')>('run/machine.js');
  const { drawnArbitrary } = load<typeof import('../generator/arbitrary')>('generator/arbitrary.js');
  const { firstDifference } = load<typeof import('../checker/diff-policy')>('checker/diff-policy.js');
  const { reduce } = load<typeof import('../shrinkers/reduce')>('shrinkers/reduce.js');
  const { judgeOnModel } = load<typeof import('../run/model')>('run/model.js');
  const { CATALOGUE } = load<{ CATALOGUE: readonly Invariant[] }>('properties/catalogue.js');
  const { linux } = load<{ linux: Policy }>('model/policies/linux.js');
  const { parseScenarioText } = load<typeof import('../scenario/validate')>('scenario/validate.js');
  const goldenFiles = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? goldenFiles(join(dir, d.name)) : d.name.endsWith('.json') ? [join(dir, d.name)] : []));
  // Goldens the sandbox's (possibly older) vocabulary cannot read are left out.
  const goldens = goldenFiles(join(ROOT, 'scenarios', 'golden')).sort().flatMap((f) => {
    try {
      return [{ file: relative(ROOT, f), scenario: parseScenarioText(readFileSync(f, 'utf8'), f) }];
    } catch {
      return [];
    }
  });
  const { finish } = load<typeof import('../checker/check')>('checker/check.js');
  const fc = require(join(sandbox, 'node_modules', 'fast-check')) as typeof fcType;
  const ns = (globalThis as unknown as { __stryker__?: { activeMutant?: string; hitCount?: number; hitLimit?: number } }).__stryker__;
  if (!ns) throw new Error(`${sandbox} is not a Stryker sandbox (no instrumented model)`);

  /** Runs `f` with mutant `id` switched on; a hang becomes an exception. */
  const withMutant = <T>(id: string, f: () => T): T => {
    ns.activeMutant = id;
    ns.hitCount = 0;
    ns.hitLimit = HIT_LIMIT;
    try {
      return f();
    } finally {
      ns.activeMutant = undefined;
      ns.hitCount = undefined;
      ns.hitLimit = undefined;
    }
  };
  const diff = (id: string, s: Scenario) => {
    const ref = execute(s, linuxFixed);
    const mut = withMutant(id, () => execute(s, linuxFixed));
    return firstDifference(s, mut, ref);
  };
  const violated = (id: string, s: Scenario): string[] => [...withMutant(id, () => judgeOnModel(s, linuxFixed, CATALOGUE)).violations.keys()];

  // --rekill [RUNS]: the kill command again for each survivor, in this process, with the catalogue
  // and generator of the sandbox as it is now (after `npm run mutation`, copy the tree's files but
  // the mutated ones into the sandbox and build it: docs/mutation.md). Which survivors the current
  // check kills, without a whole Stryker run.
  if (argv.includes('--rekill')) {
    const { killVerdict } = load<typeof import('./mutation-kill')>('bench/mutation-kill.js');
    const runsArg = Number(argv[argv.indexOf('--rekill') + 1]);
    const runs = Number.isFinite(runsArg) && runsArg > 0 ? runsArg : undefined;
    const out: Array<{ id: string; file: string; line: number; killedBy: string | null; error?: string }> = [];
    for (const x of identify(report)) {
      if (!SURVIVED.has(x.m.status) || (ONLY && !ONLY.includes(x.m.id))) continue;
      let killedBy: string | null = null;
      let error: string | undefined;
      try {
        killedBy = withMutant(x.m.id, () => killVerdict(linuxFixed, runs));
      } catch (e) {
        error = (e as Error).message.split('\n')[0]!;
        killedBy = '(throws)';
      }
      out.push({ id: x.m.id, file: x.file, line: x.m.location.start.line, killedBy, ...(error ? { error } : {}) });
      console.log(`${x.m.id.padStart(5)} ${x.file}:${x.m.location.start.line} ${x.fn} ${x.m.mutatorName}: ${killedBy ? `killed (${killedBy})` : 'survives'}`);
    }
    writeFileSync(join(ROOT, '.mutation', 'rekill.json'), JSON.stringify(out, null, 1) + '\n');
    console.log(`\n${out.filter((o) => o.killedBy).length} of ${out.length} survivors killed now${runs ? ` (${runs} runs per property)` : ''}`);
    return;
  }

  // --show ID FILE: one scenario, linux-fixed against the mutant, side by side, with the invariants
  // each trace breaks (to read a survivor's behaviour while triaging it).
  const show = arg('--show');
  if (show) {
    const file = argv[argv.indexOf('--show') + 2];
    if (!file) throw new Error('--show ID FILE: which scenario?');
    const { sideBySide } = load<typeof import('../reports/side-by-side')>('reports/side-by-side.js');
    const s = parseScenarioText(readFileSync(file, 'utf8'), file);
    const ref = execute(s, linuxFixed);
    const mut = withMutant(show, () => execute(s, linuxFixed));
    console.log(sideBySide(s, ref, mut, null).replace(/^#(\s+)op(\s+)model(\s+)kernel/, '#$1op$2linux-fixed$3mutant ' + show));
    console.log(`difference: ${JSON.stringify(firstDifference(s, mut, ref))}`);
    console.log(`invariants broken under the mutant: ${violated(show, s).join(', ') || 'none'}; under linux-fixed: ${[...judgeOnModel(s, linuxFixed, CATALOGUE).violations.keys()].join(', ') || 'none'}`);
    return;
  }

  // The scenarios every mutant is tried on: classic and swarm generation, 20-command and 40-command
  // scenarios, each configuration with seeds of its own.
  const configs: GeneratorOptions[] = [{}, { swarm: true }, { maxCommands: 20 }, { swarm: true, maxCommands: 40 }];
  const per = Math.ceil(SCENARIOS / configs.length);
  const pool: Scenario[] = [];
  configs.forEach((c, i) => {
    for (const d of fc.sample(drawnArbitrary(c) as fcType.Arbitrary<Drawn>, { numRuns: per, seed: 7919 * (i + 1) })) pool.push(d.scenario);
  });
  // Interleave the configurations, so that a scan that stops early has seen each of them.
  const scenarios: Scenario[] = [];
  for (let i = 0; i < per; i++) for (let c = 0; c < configs.length; c++) if (pool[c * per + i]) scenarios.push(pool[c * per + i]!);

  console.log(`sandbox ${sandbox}; reading which mutants the kill command reaches ...`);
  const reached = reachedByCheck(sandbox);
  const entries: RawTriage[] = [];
  for (const x of identify(report)) {
    const m = x.m;
    if (!SURVIVED.has(m.status)) continue;
    if (ONLY && !ONLY.includes(m.id)) continue;
    {
      const e: RawTriage = {
        id: m.id, file: x.file, line: m.location.start.line, fn: x.fn, mutator: m.mutatorName, original: x.original, replacement: x.replacement, nth: x.nth,
        reached: reached.get(m.id) ?? 0, scanned: 0, goldens: [],
      };
      try {
        for (const g of goldens) if (withMutant(m.id, () => judgeOnModel(g.scenario, linux, []).trace.mismatches.length > 0)) e.goldens.push(g.file);
      } catch (err) {
        e.goldens.push(`(throws: ${(err as Error).message.split('\n')[0]})`);
      }
      try {
        for (const s of scenarios) {
          e.scanned++;
          const d = diff(m.id, s);
          if (!d) continue;
          if (!e.differs) {
            const small = reduce(s, (c) => diff(m.id, c) !== null, { maxEvaluations: 4000 });
            const d2 = diff(m.id, small)!;
            e.differs = { class: d2.class, step: d2.step, mutant: d2.policy, linuxFixed: d2.against, scenario: withMutant(m.id, () => finish(small, linuxFixed, `mutant-${m.id}`)) };
          }
          const inv = violated(m.id, s);
          if (inv.length) {
            const small = reduce(s, (c) => violated(m.id, c).length > 0, { maxEvaluations: 4000 });
            e.catchable = { invariants: violated(m.id, small), scenario: withMutant(m.id, () => finish(small, linuxFixed, `mutant-${m.id}`)), scanned: e.scanned };
            break;
          }
        }
      } catch (err) {
        e.crashes = (err as Error).message.split('\n')[0]!;
      }
      entries.push(e);
      const verdict = e.crashes ? `crashes (${e.crashes})` : e.catchable ? `catchable: ${e.catchable.invariants.join(', ')} (${e.catchable.scenario.steps.length} steps)` : e.differs ? `observable, no invariant: ${e.differs.class} (${e.differs.scenario.steps.length} steps)` : 'no difference';
      console.log(`${m.id.padStart(5)} ${x.file}:${e.line} ${x.fn} ${m.mutatorName} ${JSON.stringify(e.original).slice(0, 50)} -> ${JSON.stringify(e.replacement).slice(0, 40)}  reached ${e.reached}  ${verdict}; goldens failing: ${e.goldens.length}`);
    }
  }
  writeFileSync(OUT, JSON.stringify({ sandbox, scenarios: scenarios.length, entries }, null, 1) + '\n');
  const n = (p: (e: RawTriage) => boolean) => entries.filter(p).length;
  console.log(
    `\n${entries.length} survivors: ${n((e) => e.reached === 0)} never reached by the check; ${n((e) => !!e.catchable)} catchable by an invariant (a generator gap); ` +
      `${n((e) => !e.catchable && !!e.differs)} observable but no invariant breaks; ${n((e) => !e.catchable && !e.differs && !e.crashes)} no difference in ${scenarios.length} scenarios; ${n((e) => !!e.crashes)} crash. Written to ${OUT}`,
  );
}

main();
