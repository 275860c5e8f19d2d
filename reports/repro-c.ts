/**
 * `hugecheck repro FILE.json`: a scenario as a standalone C program (libc only) that performs it on
 * a real kernel, LTP-style. One file: kernel/core.c (shared with the kernel driver) and
 * kernel/repro-runtime.c pasted in, then the scenario as straight-line calls, one block per step:
 *
 *     begin(3, "p0: write a[0] = 1", "write", NULL);
 *     observed(op_write("p0", "a", 0, 1));
 *     expect_result("ok");
 *     expect_counters(1, 0, 0, 1);
 *     end_step();
 *
 * Expectations: what the step's `expect` says; fields it leaves out are filled from the model's
 * prediction (`expectFrom`, default the `linux` policy), unless `expectFrom` is null.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { match } from 'ts-pattern';
import { kernelHazard, kernelLimits } from '../kernel/admission';
import { ROOT } from '../kernel/build';
import { findHazards } from '../model/hazards';
import type { Policy } from '../model/policy';
import { documentedPartialFailures } from '../properties/invariants/error-atomicity';
import { judgeOnModel } from '../properties/judge';
import type { Expectation, Observation, Scenario, Step } from '../scenario/types';
import { describeStep } from './describe';
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

const PROT = { rw: 0, r: 1, none: 2 } as const;

/** The op call of a step (kernel/repro-runtime.c). */
export function opCall(step: Step): string {
  const q = cString;
  return match(step)
    .with({ op: 'setPool' }, (s) => `op_set_pool(${s.pages})`)
    .with({ op: 'setOvercommit' }, (s) => `op_set_overcommit(${s.pages})`)
    .with({ op: 'mount' }, (s) => `op_mount(${q(s.mount)}, ${s.size ?? -1}, ${s.minSize ?? -1})`)
    .with({ op: 'umount' }, (s) => `op_umount(${q(s.mount)})`)
    .with({ op: 'create' }, (s) => `op_create(${q(s.file)}, ${q(s.mount)})`)
    .with({ op: 'unlink' }, (s) => `op_unlink(${q(s.file)})`)
    .with({ op: 'truncate' }, (s) => `op_truncate(${q(s.file)}, ${s.pages})`)
    .with({ op: 'fallocate' }, (s) => `op_fallocate(${q(s.file)}, ${s.offset}, ${s.pages}, ${s.punch ? 1 : 0})`)
    .with(
      { op: 'mmap' },
      (s) =>
        `op_mmap(${q(s.proc)}, ${q(s.map)}, ${s.pages}, ${s.share === 'shared' ? 1 : 0}, ${s.file !== undefined ? q(s.file) : 'NULL'}, ${s.offset}, ${s.noreserve ? 1 : 0}, ${s.populate ? 1 : 0}, ${PROT[s.prot]})`,
    )
    .with({ op: 'munmap' }, (s) => `op_munmap(${q(s.proc)}, ${q(s.map)}, ${s.offset}, ${s.pages})`)
    .with({ op: 'mremap' }, (s) => `op_mremap(${q(s.proc)}, ${q(s.map)}, ${s.offset}, ${s.oldPages}, ${s.newPages}, ${s.to !== undefined ? q(s.to) : 'NULL'})`)
    .with({ op: 'madvise' }, (s) => `op_madvise(${q(s.proc)}, ${q(s.map)}, ${s.offset}, ${s.pages}, ${s.advice === 'remove' ? 1 : 0})`)
    .with({ op: 'mprotect' }, (s) => `op_mprotect(${q(s.proc)}, ${q(s.map)}, ${s.offset}, ${s.pages}, ${PROT[s.prot]})`)
    .with({ op: 'read' }, (s) => `op_read(${q(s.proc)}, ${q(s.map)}, ${s.page})`)
    .with({ op: 'write' }, (s) => `op_write(${q(s.proc)}, ${q(s.map)}, ${s.page}, ${s.value})`)
    .with({ op: 'fork' }, (s) => `op_fork(${q(s.proc)}, ${q(s.child)})`)
    .with({ op: 'exit' }, (s) => `op_exit(${q(s.proc)})`)
    .with({ op: 'shmget' }, (s) => `op_shmget(${q(s.seg)}, ${s.pages}, ${s.noreserve ? 1 : 0})`)
    .with({ op: 'shmat' }, (s) => `op_shmat(${q(s.proc)}, ${q(s.seg)}, ${q(s.map)})`)
    .with({ op: 'shmrm' }, (s) => `op_shmrm(${q(s.seg)})`)
    .exhaustive();
}

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

const source = (name: string) => readFileSync(join(ROOT, 'kernel', name), 'utf8');

/** The C program for `scenario`. Throws ReproError when the kernel driver's limits forbid it. */
export function generateRepro(scenario: Scenario, opts: ReproOptions): string {
  const limit = kernelLimits(scenario);
  if (limit) throw new ReproError(`the scenario needs ${limit}`);
  scenario.steps.forEach((st, i) => {
    for (const [field, v] of Object.entries(st)) {
      if (['proc', 'map', 'child', 'file', 'mount', 'seg', 'to'].includes(field) && typeof v === 'string' && Buffer.byteLength(v) > 39) {
        throw new ReproError(`step ${i}, field "${field}": the name "${v}" is longer than the 39 bytes a reproducer keeps`);
      }
    }
  });
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

  const body: string[] = [];
  scenario.steps.forEach((step, i) => {
    const desc = describeStep(step);
    const partial = documentedPartialFailures(step);
    const e = opts.expectFrom ? mergedExpectation(step.expect, predicted!.trace.steps[i]) : (step.expect ?? {});
    body.push(
      `\t/* step ${i}: ${comment(desc)} */`,
      `\tif (begin(${i}, ${cString(desc)}, ${cString(step.op)}, ${partial.length ? cString(partial.join('|')) : 'NULL'})) {`,
      `\t\tobserved(${opCall(step)});`,
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
