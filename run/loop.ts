/**
 * The one run loop: a scenario's setup, its steps in order, the teardown, and the trace they make,
 * for the model (synchronous) and the kernel (asynchronous) alike. The loop is written once, as a
 * state machine that asks its runner for each observation (RunLoop); `runSync` and `runAsync`
 * answer it. Observers see each step's observation and the
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

/**
 * The loop itself, as a state machine: `answer` takes the runner's answer to the last ask and
 * returns the next ask (null once the final observation is in). Written by hand rather than as a
 * generator: resuming a generator at every step cost check a tenth of its speed (bench, check).
 */
export class RunLoop {
  /** -1 before the start; then the index of the step asked last; n once the finish is asked. */
  private at = -1;
  private initial: Counters | undefined;
  private readonly steps: Observation[] = [];
  private final: Observation | undefined;
  /** The step ask, one object updated in place (read before the next answer). */
  private readonly stepAsk: { kind: 'step'; i: number; step: Step } = { kind: 'step', i: 0, step: undefined as unknown as Step };

  constructor(
    private readonly scenario: Scenario,
    private readonly observers: readonly Observer[],
  ) {}

  first(): Ask {
    return START;
  }

  answer(a: Counters | Observation): Ask | null {
    const n = this.scenario.steps.length;
    const os = this.observers;
    if (this.at === -1) this.initial = a as Counters;
    else if (this.at < n) {
      const obs = a as Observation;
      this.steps.push(obs);
      for (let k = 0; k < os.length; k++) os[k]!.afterStep?.(this.at, obs);
    } else {
      this.final = a as Observation;
      for (let k = 0; k < os.length; k++) os[k]!.afterTeardown?.(this.final);
      return null;
    }
    const i = ++this.at;
    if (i < n) {
      const step = this.scenario.steps[i]!;
      for (let k = 0; k < os.length; k++) os[k]!.beforeStep?.(i, step);
      this.stepAsk.i = i;
      this.stepAsk.step = step;
      return this.stepAsk;
    }
    for (let k = 0; k < os.length; k++) os[k]!.beforeTeardown?.(this.initial!, this.steps);
    return FINISH;
  }

  /** What the run observed, once `answer` returned null. */
  result(): { initial: Counters; steps: Observation[]; final: Observation } {
    return { initial: this.initial!, steps: this.steps, final: this.final! };
  }
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
export function runSync(scenario: Scenario, runner: Runner<'sync'>, observers: readonly Observer[] = NO_OBSERVERS): Trace {
  const loop = new RunLoop(scenario, observers);
  for (let ask: Ask | null = loop.first(); ask; ) ask = loop.answer(answerSync(runner, ask));
  return traceOf(scenario, runner.name, loop.result(), runner.baseline?.());
}

/** Runs a scenario on an asynchronous runner (the kernel). */
export async function runAsync(scenario: Scenario, runner: Runner<'async'>, observers: readonly Observer[] = NO_OBSERVERS): Promise<Trace> {
  const loop = new RunLoop(scenario, observers);
  for (let ask: Ask | null = loop.first(); ask; ) ask = loop.answer(await answerAsync(runner, ask));
  return traceOf(scenario, runner.name, loop.result(), runner.baseline?.());
}

const NO_OBSERVERS: readonly Observer[] = Object.freeze([]);

function answerSync(r: Runner<'sync'>, a: Ask): Counters | Observation {
  return a.kind === 'step' ? r.step(a.step, a.i) : a.kind === 'start' ? r.start() : r.finish();
}

function answerAsync(r: Runner<'async'>, a: Ask): Promise<Counters | Observation> {
  return a.kind === 'step' ? r.step(a.step, a.i) : a.kind === 'start' ? r.start() : r.finish();
}
