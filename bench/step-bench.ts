/**
 * `npm run bench`: model steps per second on a long random-looking scenario (target: at least
 * 1,000,000 steps/s single-threaded), with and without recording the trace, and the cost of
 * dispatching a step with ts-pattern versus a switch (why the hot step uses a switch).
 */
import { match } from 'ts-pattern';
import { Machine } from '../model/machine';
import { linux } from '../model/policies/linux';
import type { Step } from '../scenario/types';
import { validateScenario } from '../scenario/validate';
import { longScenario } from './long-scenario';

const LENGTH = Number(process.env.BENCH_STEPS ?? 200_000);
const ROUNDS = 5;

const scenario = validateScenario(longScenario(LENGTH, 42)); // validated like any user scenario
const steps = scenario.steps;

function timeIt(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function best(fn: () => void): number {
  fn(); // warm-up
  let b = Infinity;
  for (let i = 0; i < ROUNDS; i++) b = Math.min(b, timeIt(fn));
  return b;
}

const results: Record<string, number> = {};
let kinds: Record<string, number> = {};
const stepOnly = best(() => {
  const m = new Machine(linux, scenario.setup);
  const counts: Record<string, number> = {};
  for (const st of steps) {
    const r = m.step(st);
    counts[r] = (counts[r] ?? 0) + 1;
  }
  kinds = counts;
});
const withTrace = best(() => {
  const m = new Machine(linux, scenario.setup);
  const obs = new Array(steps.length);
  for (let i = 0; i < steps.length; i++) obs[i] = m.observe(m.step(steps[i]!));
});

function switchDispatch(s: Step): number {
  switch (s.op) {
    case 'read': return 1;
    case 'write': return 2;
    case 'mmap': return 3;
    case 'munmap': return 4;
    default: return 0;
  }
}
function patternDispatch(s: Step): number {
  return match(s)
    .with({ op: 'read' }, () => 1)
    .with({ op: 'write' }, () => 2)
    .with({ op: 'mmap' }, () => 3)
    .with({ op: 'munmap' }, () => 4)
    .otherwise(() => 0);
}
let sink = 0;
const sw = best(() => { for (const st of steps) sink += switchDispatch(st); });
const tp = best(() => { for (const st of steps) sink += patternDispatch(st); });

const heapBefore = process.memoryUsage().heapUsed;
const m = new Machine(linux, scenario.setup);
for (const st of steps) m.step(st);
const heapAfter = process.memoryUsage().heapUsed;

results['model steps/s (step only)'] = LENGTH / stepOnly;
results['model steps/s (with observations)'] = LENGTH / withTrace;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`hugecheck model benchmark — ${LENGTH.toLocaleString('en-US')} steps, policy linux, best of ${ROUNDS} (node ${process.version})`);
console.log(`  step results: ${Object.entries(kinds).map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log(`  steps/s, step function only:      ${fmt(results['model steps/s (step only)']!)}  (${((stepOnly / LENGTH) * 1e9).toFixed(0)} ns/step)`);
console.log(`  steps/s, with observations:       ${fmt(results['model steps/s (with observations)']!)}  (${((withTrace / LENGTH) * 1e9).toFixed(0)} ns/step)`);
console.log(`  dispatch: switch ${((sw / LENGTH) * 1e9).toFixed(1)} ns/step, ts-pattern ${((tp / LENGTH) * 1e9).toFixed(1)} ns/step`);
console.log(`  heap growth over one run: ${((heapAfter - heapBefore) / 1024 / 1024).toFixed(1)} MiB (live state plus garbage not yet collected)`);
const target = 1_000_000;
console.log(`  target ${fmt(target)} steps/s (step only): ${results['model steps/s (step only)']! >= target ? 'met' : 'NOT met'}`);
if (sink === -1) console.log('');

// ---- the kernel oracle (root and hugetlbfs only) ------------------------------------------------
import fc from 'fast-check';
import { scenarioArbitrary } from '../generator/arbitrary';
import { KernelSession } from '../kernel/session';
import { kernelUsability } from '../kernel/usable';

async function kernelBench(): Promise<void> {
  const u = kernelUsability();
  if (!u.ok) {
    console.log(`kernel benchmark skipped: ${u.reason}`);
    return;
  }
  const scenarios = fc.sample(scenarioArbitrary({ maxCommands: 30 }), { numRuns: 500, seed: 42 });
  const session = await KernelSession.open();
  let steps = 0;
  let ran = 0;
  const t0 = process.hrtime.bigint();
  try {
    for (const s of scenarios) {
      const r = await session.run(s);
      if (r.skipped !== undefined) continue;
      ran++;
      steps += r.steps;
    }
  } finally {
    const problems = await session.close();
    if (problems.length) console.log(`  WARNING: ${problems.join('; ')}`);
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`kernel oracle on ${session.release} — ${ran} generated scenarios, ${steps} steps (setup and teardown of each included)`);
  console.log(`  steps/s:     ${Math.round(steps / secs).toLocaleString('en-US')}  (target 2,000: ${steps / secs >= 2000 ? 'met' : 'NOT met'})`);
  console.log(`  scenarios/s: ${Math.round(ran / secs).toLocaleString('en-US')}  (target 50: ${ran / secs >= 50 ? 'met' : 'NOT met'})`);
}

void kernelBench();
