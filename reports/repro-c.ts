/**
 * `hugecheck repro FILE.json`: a scenario as a standalone C program (libc only) that performs it on
 * a real kernel, LTP-style. One file: kernel/core.c (shared with the kernel driver) and
 * kernel/repro-runtime.c pasted in, then the scenario as straight-line calls, one block per step:
 *
 *     if (begin(3, "p0: write a[0] = 1", "write", NULL)) {
 *         static const int need[] = {0, 2, -1}, conflict[] = {-1}, ...;
 *         observed(can_run(need, conflict) ? settle(op_write(0, 2, 0, 1), create, ...) : R_SKIPPED);
 *         expect_result("ok");
 *         expect_counters(1, 0, 0, 1);
 *         end_step();
 *     }
 *
 * Names are handles: the binder (scenario/bind.ts) numbers every creation of a name, and the
 * runtime's one liveness table (`can_run`, `settle`) decides what is skipped.
 * Expectations: what the step's `expect` says; fields it leaves out are filled from the model's
 * prediction (`expectFrom`, default the `linux` policy), unless `expectFrom` is null.
 */
import { kernelHazard, kernelLimits } from '../kernel/admission';
import { packageText } from '../io/root';
import { findHazards } from '../run/hazards';
import type { Policy } from '../model/policy';
import { documentedPartialFailures } from '../properties/invariants/error-atomicity';
import { judgeOnModel } from '../run/model';
import type { Expectation, Observation, Scenario, Step } from '../scenario/types';
import { describeStep } from './describe';
import { OPS } from '../ops';
import { Binder, type BoundStep } from '../scenario/bind';
import { formatScenario } from './scenario-json';

export class ReproError extends Error {}

/** The invariants a reproducer checks itself (kernel/repro-runtime.c): those that read only counters. */
export const C_CHECKED_INVARIANTS = ['counters-nonnegative', 'reserve-backed', 'error-atomicity', 'quiescent-clean'];

export interface ReproOptions {
  /** Policy whose prediction fills what `expect` leaves out; null: check only what `expect` says. */
  expectFrom: Policy | null;
  /** Where the scenario came from (for the header). */
  source?: string;
}

/** A C string literal (UTF-8 bytes beyond ASCII as hex escapes, each closed so no digit follows). */
export function cString(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (c === '"' || c === '\\') out += `\\${c}`;
    else if (b >= 0x20 && b < 0x7f) out += c;
    else out += `\\x${b.toString(16).padStart(2, '0')}""`;
  }
  return `"${out}"`.replace(/""$/, '');
}

type CFn = (step: Step, h: Record<string, number>) => string;

/** A scenario bound once (scenario/bind.ts): its handles, and per step its bound names. */
export function bindScenario(scenario: Scenario): { binder: Binder; bound: BoundStep[] } {
  const binder = new Binder();
  return { binder, bound: scenario.steps.map((st, i) => binder.bind(st, i)) };
}

/** The op calls of a scenario's steps (kernel/repro-runtime.c), names as handles (ops/, `c`). */
export function opCalls(scenario: Scenario): string[] {
  const { bound } = bindScenario(scenario);
  return scenario.steps.map((st, i) => (OPS[st.op].c as CFn)(st, bound[i]!.h));
}

const NS_C: Record<string, string> = { proc: 'NS_PROC', map: 'NS_MAP', file: 'NS_FILE', mount: 'NS_MOUNT', seg: 'NS_SEG' };
const cList = (xs: readonly number[]) => `{${[...xs, -1].join(', ')}}`;

/** The expectation a step is checked against: `expect` over the model's observation. */
export function mergedExpectation(declared: Expectation | undefined, predicted: Observation | undefined): Expectation {
  if (!predicted) return declared ?? {};
  const fromModel: Expectation = { result: predicted.result, counters: { ...predicted.counters } };
  if (predicted.value !== undefined) fromModel.value = predicted.value;
  const mounts: Record<string, { blocks?: number | null; bfree?: number | null }> = {};
  for (const [name, st] of Object.entries(predicted.mounts)) if (st.blocks !== null) mounts[name] = { ...st };
  for (const [name, st] of Object.entries(declared?.mounts ?? {})) mounts[name] = { ...mounts[name], ...st };
  return {
    ...fromModel,
    ...(declared?.result !== undefined ? { result: declared.result } : {}),
    ...(declared?.value !== undefined ? { value: declared.value } : {}),
    counters: { ...fromModel.counters, ...declared?.counters },
    ...(Object.keys(mounts).length ? { mounts } : {}),
  } as Expectation;
}

function expectLines(e: Expectation): string[] {
  const out: string[] = [];
  if (e.result !== undefined) out.push(`expect_result(${cString(e.result)});`);
  if (e.value !== undefined) out.push(`expect_value(${e.value});`);
  const c = e.counters ?? {};
  if (c.total !== undefined && c.free !== undefined && c.rsvd !== undefined && c.surp !== undefined) {
    out.push(`expect_counters(${c.total}, ${c.free}, ${c.rsvd}, ${c.surp}); /* Total, Free, Rsvd, Surp */`);
  } else {
    (['total', 'free', 'rsvd', 'surp'] as const).forEach((k, i) => {
      if (c[k] !== undefined) out.push(`expect_counter(${i}, ${c[k]}); /* ${k} */`);
    });
  }
  const stat = (v: number | null | undefined) => (v === undefined ? 'NOT_EXPECTED' : v === null ? 'STAT_NULL' : String(v));
  for (const [name, st] of Object.entries(e.mounts ?? {})) out.push(`expect_mount(${cString(name)}, ${stat(st.blocks)}, ${stat(st.bfree)}); /* statfs blocks, bfree */`);
  return out;
}

const comment = (text: string) => text.replace(/\*\//g, '* /').replace(/\/\*/g, '/ *');

const source = (name: string) => packageText('kernel', name);

/** The C program for `scenario`. Throws ReproError when the kernel driver's limits forbid it. */
export function generateRepro(scenario: Scenario, opts: ReproOptions): string {
  const limit = kernelLimits(scenario);
  if (limit) throw new ReproError(`the scenario needs ${limit}`);
  const predicted = opts.expectFrom ? judgeOnModel(scenario, opts.expectFrom) : null;
  const hazard = kernelHazard(scenario);
  const hz = findHazards(scenario);
  const requiresClean = scenario.requiresCleanPool === true || hz.unbackedSteps.length > 0;
  // On a machine with leaked reservations such a scenario runs up to its first step that drives Rsvd
  // out of [0, Free] (the outcome is the same up to there), provided that prefix tears down cleanly.
  const first = hz.unbackedSteps[0] ?? -1;
  const lastOnLeaked = first >= 0 && !kernelHazard({ ...scenario, steps: scenario.steps.slice(0, first + 1) }) ? first : -1;

  const head: string[] = [
    '/*',
    ` * hugecheck reproducer for the scenario "${comment(scenario.name)}"${opts.source ? ` (${comment(opts.source)})` : ''}.`,
  ];
  if (scenario.description) head.push(...wrapComment(scenario.description));
  head.push(
    ' *',
    ' * Generated by `hugecheck repro`. Standalone (libc only). Build and run as root:',
    ' *     cc -O2 -Wall -o repro repro.c && ./repro',
    ' * It sets up its own huge page pool, performs each step, prints PASS or FAIL per step (the result,',
    ' * value and HugePages counters against what the scenario expects) and VIOLATED for each invariant',
    ' * the kernel breaks, then restores the pool settings and removes everything it made.',
    ' * Exit: 0 every step as expected; 1 a step differs; 2 could not run; 3 every step as expected and',
    ' * an invariant broke (the bug reproduced); 32 not run (not root, no hugetlbfs, pool in use, would leak).',
    ` * Expectations: each step's "expect"${opts.expectFrom ? `, the rest as the hugecheck model (policy ${comment(opts.expectFrom.name)}) predicts` : ' only'}.`,
  );
  if (predicted) {
    const v = [...predicted.violations.entries()].filter(([id]) => C_CHECKED_INVARIANTS.includes(id));
    head.push(
      ` * The model predicts: ${v.length ? v.map(([id, x]) => `${id} broken ${x.step === 'final' ? 'after teardown' : `at step ${x.step}`}`).join('; ') : 'no invariant this program checks is broken'}.`,
    );
  }
  if (hazard) head.push(' *', ` * WARNING: ${comment(hazard.replace(/; pass --allow-leak.*$/, ''))}.`, ' * The program refuses to run unless given --allow-leak.');
  head.push(' *', ' * The scenario (hugecheck.scenario/1):', ...formatScenario(scenario).split('\n').map((l) => ` *   ${comment(l)}`), ' */');

  const { binder, bound } = bindScenario(scenario);
  const body: string[] = [];
  scenario.steps.forEach((step, i) => {
    const desc = describeStep(step);
    const partial = documentedPartialFailures(step);
    const e = opts.expectFrom ? mergedExpectation(step.expect, predicted!.trace.steps[i]) : (step.expect ?? {});
    const b = bound[i]!;
    body.push(
      `\t/* step ${i}: ${comment(desc)} */`,
      `\tif (begin(${i}, ${cString(desc)}, ${cString(step.op)}, ${partial.length ? cString(partial.join('|')) : 'NULL'})) {`,
      `\t\tstatic const int need[] = ${cList(b.needs)}, conflict[] = ${cList(b.conflicts)}, create[] = ${cList(b.creates)}, from[] = ${cList(b.from)}, end_run[] = ${cList(b.endsRun)}, end_ok[] = ${cList(b.endsOk)};`,
      `\t\tobserved(can_run(need, conflict) ? settle(${(OPS[step.op].c as CFn)(step, b.h)}, create, from, end_run, end_ok) : R_SKIPPED);`,
      ...expectLines(e).map((l) => `\t\t${l}`),
      '\t\tend_step();',
      '\t}',
      '',
    );
  });

  return [
    ...head,
    '',
    source('core.c'),
    '/* ---- the scenario\'s set-up ------------------------------------------------------------------ */',
    '#define SCENARIO_NAME ' + cString(scenario.name),
    `static const long SETUP_NR = ${scenario.setup.nr_hugepages};`,
    `static const long SETUP_OVERCOMMIT = ${scenario.setup.nr_overcommit_hugepages};`,
    `static const char *const LEAK_HAZARD = ${hazard ? cString(hazard.replace(/; pass --allow-leak.*$/, '')) : 'NULL'};`,
    `static const int REQUIRES_CLEAN_POOL = ${requiresClean ? 1 : 0};`,
    `static const int LEAKED_MACHINE_LAST_STEP = ${lastOnLeaked}; /* with leaked reservations, run up to this step (-1: refuse) */`,
    'static void scenario(void);',
    '/* The scenario\'s names as handles (hugecheck\'s binder, scenario/bind.ts): one per creation of a name. */',
    'enum { NS_PROC, NS_MAP, NS_FILE, NS_MOUNT, NS_SEG };',
    `#define N_HANDLES ${binder.handles.length}`,
    `static const char *const HANDLE_NAME[N_HANDLES] = {${binder.handles.map((x) => cString(x.name)).join(', ')}};`,
    `static const unsigned char HANDLE_NS[N_HANDLES] = {${binder.handles.map((x) => NS_C[x.ns]).join(', ')}};`,
    '',
    source('repro-runtime.c'),
    '/* ---- the scenario ------------------------------------------------------------------------- */',
    'static void scenario(void) {',
    ...body,
    '}',
    '',
  ].join('\n');
}

function wrapComment(text: string): string[] {
  const out: string[] = [];
  let line = '';
  for (const w of comment(text).split(/\s+/)) {
    if (line && line.length + w.length + 1 > 96) {
      out.push(` * ${line}`);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(` * ${line}`);
  return out;
}
