/** `hugecheck diff SCENARIO.json`: the scenario on the model and on the kernel, first divergence. */
import pc from 'picocolors';
import { firstDivergence } from '../checker/diff';
import { execute } from '../run/machine';
import { sideBySide } from '../reports/side-by-side';
import { UsageError } from '../io/errors';
import { withKernel } from './kernel-session';
import { loadPolicy, loadScenario } from '../io/load';
import type { Io } from './io';
import { DIFF_FORMAT, TOOL, type DiffDocument } from '../formats';

export async function diffCommand(file: string, opts: { policy?: string; kernelModel?: string; allowLeak?: boolean; json?: boolean }, io: Io): Promise<number> {
  const scenario = loadScenario(file);
  const given = opts.policy !== undefined ? loadPolicy(opts.policy) : undefined;
  const { r, policy } = await withKernel(io, async (s) => ({ r: await s.run(scenario, { allowLeak: opts.allowLeak }), policy: given ?? s.model }), { kernelModel: opts.kernelModel });
  if (r.skipped !== undefined) throw new UsageError(`not run on the kernel: ${r.skipped}`);
  const model = execute(scenario, policy);
  const d = firstDivergence(model, r.trace);
  if (opts.json) {
    io.out(JSON.stringify({ format: DIFF_FORMAT, tool: TOOL, scenario: scenario.name, model: `model:${policy.name}`, kernel: r.trace.runner, divergence: d } satisfies DiffDocument, null, 2) + '\n');
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
