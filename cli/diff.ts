/** `hugecheck diff SCENARIO.json`: the scenario on the model and on the kernel, first divergence. */
import pc from 'picocolors';
import { firstDivergence, type Divergence } from '../checker/diff';
import { execute } from '../model/machine';
import { describeStep } from '../reports/describe';
import type { Counters, Observation, Scenario, Trace } from '../scenario/types';
import { UsageError } from './errors';
import { withKernel } from './kernel-session';
import { loadPolicy, loadScenario } from './load';
import type { Io } from './main';

const c4 = (c: Counters) => `${c.total} ${c.free} ${c.rsvd} ${c.surp}`;
const obs = (o: Observation) => `${o.result}${o.value !== undefined ? `=${o.value}` : ''} [${c4(o.counters)}]`;

export function sideBySide(s: Scenario, model: Pick<Trace, 'initial' | 'steps' | 'final'>, kernel: Pick<Trace, 'initial' | 'steps' | 'final'>, d: Divergence | null, mark: (t: string) => string = (t) => t): string {
  const rows: string[][] = [['#', 'op', 'model', 'kernel']];
  rows.push(['', 'initial', `[${c4(model.initial)}]`, `[${c4(kernel.initial)}]`]);
  s.steps.forEach((st, i) => rows.push([String(i), describeStep(st), obs(model.steps[i]!), obs(kernel.steps[i]!)]));
  rows.push(['', 'final', obs(model.final), obs(kernel.final)]);
  const w = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r, k) => {
      const line = r.map((x, c) => x.padEnd(w[c]!)).join('  ').trimEnd();
      const step = k === 1 ? 'initial' : k === rows.length - 1 ? 'final' : k - 2;
      return d && d.step === step ? mark(`${line}  <-- ${d.field}`) : line;
    })
    .join('\n');
}

export async function diffCommand(file: string, opts: { policy: string; allowLeak?: boolean; json?: boolean }, io: Io): Promise<number> {
  const scenario = loadScenario(file);
  const policy = loadPolicy(opts.policy);
  const model = execute(scenario, policy);
  const r = await withKernel(io, (s) => s.run(scenario, { allowLeak: opts.allowLeak }));
  if (r.skipped !== undefined) throw new UsageError(`not run on the kernel: ${r.skipped}`);
  const d = firstDivergence(model, r.trace);
  if (opts.json) {
    io.out(JSON.stringify({ format: 'hugecheck.diff/1', scenario: scenario.name, model: `model:${policy.name}`, kernel: r.trace.runner, divergence: d }, null, 2) + '\n');
    return d ? 1 : 0;
  }
  io.out(`${scenario.name}: model:${policy.name} against ${r.trace.runner}\n\n`);
  io.out(sideBySide(scenario, model, r.trace, d, io.isTTY ? (t) => pc.red(pc.bold(t)) : undefined) + '\n\n');
  if (!d) {
    io.out(`no divergence: model and kernel agree on all ${scenario.steps.length} steps and the final observation\n`);
    return 0;
  }
  io.out(`first divergence at ${typeof d.step === 'number' ? `step ${d.step} (${scenario.steps[d.step]!.op})` : `the ${d.step} observation`}: ${d.field} model ${JSON.stringify(d.model)}, kernel ${JSON.stringify(d.kernel)}\n`);
  return 1;
}
