/**
 * Differential fuzzing: generated scenarios run on the model and on the real kernel; a divergence
 * is shrunk (on the kernel) to a minimal scenario. The kernel session is passed in: this module
 * does no I/O of its own.
 */
import fc from 'fast-check';
import { scenarioArbitrary } from '../generator/arbitrary';
import type { Weights } from '../generator/commands';
import { execute } from '../run/machine';
import type { Policy } from '../model/policy';
import { reduceAsync } from '../shrinkers/reduce';
import type { Observation, Scenario, Trace } from '../scenario/types';
import { withExpectations } from '../scenario/expect';
import { firstDivergence, type Divergence } from './diff';

export interface KernelRunner {
  /** Set once a scenario changed the pool unexpectedly: no more runs. */
  damaged?: string;
  run(s: Scenario, opts?: { allowLeak?: boolean }): Promise<{ trace: Trace; skipped?: undefined; steps: number } | { skipped: string; trace?: undefined; steps: 0 }>;
}

export type ResultClass = 'ok' | 'errno' | 'SIGBUS' | 'SIGSEGV' | 'skipped';

export function resultClass(r: Observation['result']): ResultClass {
  return r === 'ok' || r === 'SIGBUS' || r === 'SIGSEGV' || r === 'skipped' ? r : 'errno';
}

export interface Coverage {
  /** op -> result class -> count of steps run on the kernel */
  table: Record<string, Partial<Record<ResultClass, number>>>;
}

export function addCoverage(cov: Coverage, s: Scenario, t: Trace): void {
  s.steps.forEach((st, i) => {
    const row = (cov.table[st.op] ??= {});
    const c = resultClass(t.steps[i]!.result);
    row[c] = (row[c] ?? 0) + 1;
  });
}

export interface FuzzDivergence {
  scenario: Scenario;
  divergence: Divergence;
  model: Pick<Trace, 'initial' | 'steps' | 'final'>;
  kernel: Trace;
}

export interface FuzzResult {
  generated: number;
  ran: number;
  steps: number;
  skipped: Map<string, number>;
  divergences: FuzzDivergence[];
  coverage: Coverage;
  interrupted: boolean;
}

export interface FuzzOptions {
  runs: number;
  seed: number;
  policy: Policy;
  weights?: Weights;
  maxCommands?: number;
  allowLeak?: boolean;
  /** Stop after this many divergences (each is shrunk on the kernel, which takes a while). */
  maxDivergences?: number;
  onProgress?: (done: number) => void;
  interrupted?: () => boolean;
}

/** A generated scenario whose run on the kernel failed (a hung step, a crashed driver): the error,
 *  with the scenario, so that it can be saved and run again on its own. */
export class FuzzRunFailed extends Error {
  constructor(
    readonly scenario: Scenario,
    readonly index: number,
    override readonly cause: unknown,
  ) {
    super(`generated scenario ${index} (${scenario.name}) failed on the kernel: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export async function fuzz(kernel: KernelRunner, opts: FuzzOptions): Promise<FuzzResult> {
  const samples = fc.sample(scenarioArbitrary({ weights: opts.weights, maxCommands: opts.maxCommands ?? 30 }), { numRuns: opts.runs, seed: opts.seed });
  const out: FuzzResult = { generated: samples.length, ran: 0, steps: 0, skipped: new Map(), divergences: [], coverage: { table: {} }, interrupted: false };
  for (const [i, s0] of samples.entries()) {
    if (opts.interrupted?.()) {
      out.interrupted = true;
      break;
    }
    const s = { ...s0, name: `fuzz-${opts.seed}-${i}` };
    let r;
    try {
      r = await kernel.run(s, { allowLeak: opts.allowLeak });
    } catch (e) {
      if (opts.interrupted?.()) throw e;
      throw new FuzzRunFailed(s, i, e);
    }
    opts.onProgress?.(i + 1);
    if (r.skipped !== undefined) {
      const reason = r.skipped.replace(/step \d+ /, 'a step ').replace(/\(Rsvd .*?\)/, '').slice(0, 90);
      out.skipped.set(reason, (out.skipped.get(reason) ?? 0) + 1);
      continue;
    }
    out.ran++;
    out.steps += r.steps;
    addCoverage(out.coverage, s, r.trace);
    const model = execute(s, opts.policy);
    if (kernel.damaged) {
      // Never shrink a divergence that damages the machine on the kernel: stop here.
      out.divergences.push({ scenario: s, divergence: firstDivergence(model, r.trace) ?? { step: 'final', field: 'pool', model: 'clean', kernel: 'changed' }, model, kernel: r.trace });
      out.interrupted = true;
      break;
    }
    if (!firstDivergence(model, r.trace)) continue;
    const diverges = async (c: Scenario) => {
      if (opts.interrupted?.()) return false;
      const k = await kernel.run(c, { allowLeak: opts.allowLeak });
      return k.skipped === undefined && firstDivergence(execute(c, opts.policy), k.trace) !== null;
    };
    const minimal = await reduceAsync(s, diverges, { maxEvaluations: 400 });
    const k = await kernel.run(minimal, { allowLeak: opts.allowLeak });
    if (k.skipped !== undefined) continue;
    const m = execute(minimal, opts.policy);
    const d = firstDivergence(m, k.trace);
    if (!d) continue; // flaky: did not reproduce
    const withExpect: Scenario = { ...minimal, name: `divergence-${opts.seed}-${i}`, steps: withExpectations(minimal, k.trace.steps) };
    out.divergences.push({ scenario: withExpect, divergence: d, model: m, kernel: k.trace });
    if (out.divergences.length >= (opts.maxDivergences ?? 5)) break;
  }
  return out;
}

export function formatCoverage(cov: Coverage): string {
  const classes: ResultClass[] = ['ok', 'errno', 'SIGBUS', 'SIGSEGV', 'skipped'];
  const ops = Object.keys(cov.table).sort();
  const rows = [['op', ...classes], ...ops.map((op) => [op, ...classes.map((c) => String(cov.table[op]![c] ?? 0))])];
  const w = classes.map((_, c) => Math.max(...rows.map((r) => r[c + 1]!.length)));
  const w0 = Math.max(...rows.map((r) => r[0]!.length));
  return rows.map((r) => [r[0]!.padEnd(w0), ...r.slice(1).map((x, c) => x.padStart(w[c]!))].join('  ')).join('\n');
}
