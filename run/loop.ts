/**
 * The one run loop: a scenario's setup, its steps in order, the teardown, and the trace they make,
 * for the model (synchronous) and the kernel (asynchronous) alike. The loop is written once as a
 * generator that asks its runner for each observation (the reduction and the search are written the
 * same way); `runSync` and `runAsync` answer it. Observers see each step's observation and the
 * moment before the teardown; they replace the runners' own hooks (state invariants, exploration's
 * state capture, the reports' call records, the hazard check). This is the only place a `Trace` is
 * built and the steps' `expect` checked.
 */
import { checkExpectation } from '../scenario/expect';
import { TRACE_FORMAT, type Counters, type Mismatch, type Observation, type Scenario, type Step, type Trace } from '../scenario/types';

/** What the loop asks its runner, in this order: start once, each step, finish once. */
export type Ask = { readonly kind: 'start' } | { readonly kind: 'step'; readonly i: number; readonly step: Step } | { readonly kind: 'finish' };

export interface Observer {
  /** Step `i` is about to run. */
  beforeStep?(i: number, step: Step): void;
  /** Step `i` ran and was observed. */
  afterStep?(i: number, obs: Observation): void;
  /** After the last step, before the teardown (the runner's state is the scenario's end state). */
  beforeTeardown?(initial: Counters, steps: readonly Observation[]): void;
  /** The final observation, after the teardown. */
  afterTeardown?(final: Observation): void;
}

/** A runner answering the loop: the model's Machine or the kernel's KernelMachine behind it. */
export interface Runner<R> {
  /** `model:<policy>` or `kernel:<release>`. */
  readonly name: string;
  start(): R extends 'sync' ? Counters : Promise<Counters>;
  step(step: Step, i: number): R extends 'sync' ? Observation : Promise<Observation>;
  /** The teardown, then the final observation. */
  finish(): R extends 'sync' ? Observation : Promise<Observation>;
  /** Kernel runs: the idle machine's leaked reservations that the counters were compensated for. */
  baseline?(): Counters | undefined;
}

const START: Ask = { kind: 'start' };
const FINISH: Ask = { kind: 'finish' };

/** The loop itself. */
export function* runLoop(scenario: Scenario, observers: readonly Observer[]): Generator<Ask, { initial: Counters; steps: Observation[]; final: Observation }, Counters | Observation> {
  const initial = (yield START) as Counters;
  const steps: Observation[] = [];
  const n = scenario.steps.length;
  for (let i = 0; i < n; i++) {
    const step = scenario.steps[i]!;
    for (const o of observers) o.beforeStep?.(i, step);
    const obs = (yield { kind: 'step', i, step }) as Observation;
    steps.push(obs);
    for (const o of observers) o.afterStep?.(i, obs);
  }
  for (const o of observers) o.beforeTeardown?.(initial, steps);
  const final = (yield FINISH) as Observation;
  for (const o of observers) o.afterTeardown?.(final);
  return { initial, steps, final };
}

/** The trace of a run: the one place a Trace is made, its mismatches checked against each step's
 *  `expect` (a scenario without expectations has none to check). */
export function traceOf(scenario: Scenario, runner: string, r: { initial: Counters; steps: Observation[]; final: Observation }, baseline?: Counters): Trace {
  const mismatches: Mismatch[] = [];
  for (let i = 0; i < scenario.steps.length; i++) {
    const e = scenario.steps[i]!.expect;
    if (e) mismatches.push(...checkExpectation(i, e, r.steps[i]!));
  }
  if (baseline) return { format: TRACE_FORMAT, scenario: scenario.name, runner, baseline, initial: r.initial, steps: r.steps, final: r.final, mismatches };
  return { format: TRACE_FORMAT, scenario: scenario.name, runner, initial: r.initial, steps: r.steps, final: r.final, mismatches };
}

/** Runs a scenario on a synchronous runner (the model). */
export function runSync(scenario: Scenario, runner: Runner<'sync'>, observers: readonly Observer[] = []): Trace {
  const loop = runLoop(scenario, observers);
  let next = loop.next();
  while (!next.done) next = loop.next(answerSync(runner, next.value));
  return traceOf(scenario, runner.name, next.value, runner.baseline?.());
}

/** Runs a scenario on an asynchronous runner (the kernel). */
export async function runAsync(scenario: Scenario, runner: Runner<'async'>, observers: readonly Observer[] = []): Promise<Trace> {
  const loop = runLoop(scenario, observers);
  let next = loop.next();
  while (!next.done) next = loop.next(await answerAsync(runner, next.value));
  return traceOf(scenario, runner.name, next.value, runner.baseline?.());
}

function answerSync(r: Runner<'sync'>, a: Ask): Counters | Observation {
  return a.kind === 'step' ? r.step(a.step, a.i) : a.kind === 'start' ? r.start() : r.finish();
}

function answerAsync(r: Runner<'async'>, a: Ask): Promise<Counters | Observation> {
  return a.kind === 'step' ? r.step(a.step, a.i) : a.kind === 'start' ? r.start() : r.finish();
}
