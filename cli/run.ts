/** `hugecheck run SCENARIO.json`: the scenario on the model, a table, every expect checked. */
import pc from 'picocolors';
import { describeLabel, labelViolation } from '../checker/label';
import type { Policy } from '../model/policy';
import type { Violation } from '../properties/invariant';
import { judgeTrace } from '../properties/judge';
import { judgeOnModel } from '../run/model';
import type { Trace } from '../scenario/types';
import { existsSync, writeFileSync } from 'fs';
import { withExpectations } from '../scenario/expect';
import { formatScenario } from '../reports/scenario-json';
import { UsageError } from '../io/errors';
import { withKernel } from './kernel-session';
import { formatMismatches, formatRunTable, plainStyle, type Style } from '../reports/table';
import type { Io } from './io';
import { TOOL } from '../formats';
import { loadPolicy, loadScenario } from '../io/load';

export async function runCommand(file: string, opts: { policy: string; json?: boolean; kernel?: boolean; allowLeak?: boolean; record?: string; kernelModel?: string }, io: Io): Promise<number> {
  if (opts.kernelModel !== undefined && !opts.kernel) throw new UsageError('--kernel-model needs --kernel');
  if (opts.record !== undefined && !opts.kernel) throw new UsageError('--record needs --kernel: a golden\'s expectations are what the kernel did');
  if (opts.record !== undefined && existsSync(opts.record)) throw new UsageError(`--record ${opts.record}: the file exists (nothing was run; remove it or name another)`);
  const scenario = loadScenario(file);
  const policy = loadPolicy(opts.policy);
  let trace: Trace;
  let violations: Map<string, Violation>;
  /** With --kernel: the running kernel's model (what labels the violations as known bugs). */
  let kernelModel: Policy = policy;
  if (opts.kernel) {
    const r = await withKernel(
      io,
      async (s) => {
        kernelModel = s.model;
        return s.run(scenario, { allowLeak: opts.allowLeak });
      },
      { kernelModel: opts.kernelModel },
    );
    if (r.skipped !== undefined) throw new UsageError(`not run on the kernel: ${r.skipped}`);
    trace = r.trace;
    violations = judgeTrace(scenario, trace);
    if (opts.record !== undefined) {
      // A golden of the kernel-runs kind (docs/golden-authoring.md): every step expects what this
      // kernel did.
      const steps = withExpectations(scenario, trace.steps);
      const clean = trace.steps.some((o) => o.counters.rsvd < 0) ? { requiresCleanPool: true } : {};
      const source = `a kernel run: Linux ${trace.runner.replace(/^kernel:/, '')}, ${new Date().toISOString().slice(0, 10)}, hugecheck run --kernel --record (expectations are what the kernel did)`;
      writeFileSync(opts.record, formatScenario({ format: scenario.format, name: scenario.name, ...(scenario.description ? { description: scenario.description } : {}), source, setup: scenario.setup, ...clean, ...(scenario.modelOnly ? { modelOnly: true } : {}), steps }) + '\n');
      io.err(`recorded ${opts.record}: ${steps.length} steps with the kernel's results as expectations\n`);
    }
  } else {
    ({ trace, violations } = judgeOnModel(scenario, policy));
  }
  const failed = trace.mismatches.length > 0;
  if (opts.json) {
    const { format, ...rest } = trace;
    io.out(JSON.stringify({ format, tool: TOOL, ...rest } satisfies Trace, null, 2) + '\n');
    return failed ? 1 : 0;
  }
  const style: Style = io.isTTY ? { changed: pc.yellow, bad: (t) => pc.red(pc.bold(t)), dim: pc.dim } : plainStyle;
  const checked = scenario.steps.filter((s) => s.expect).length;
  io.out(`${scenario.name} on ${trace.runner}${scenario.description ? `: ${scenario.description}` : ''}\n\n`);
  io.out(formatRunTable(scenario, trace, style) + '\n\n');
  if (violations.size) {
    io.out(`invariants violated (hugecheck invariants explains each):\n`);
    for (const [id, v] of violations) {
      const label = labelViolation(kernelModel, id, scenario);
      io.out(`  ${id} at ${v.step === 'final' ? 'the final observation' : `step ${v.step}`}: ${v.message}${label.knownBugs || label.inseparable ? ` [${describeLabel(label)}]` : ''}\n`);
    }
    io.out('\n');
  } else {
    io.out(`every invariant of the catalogue holds\n`);
  }
  if (failed) {
    io.out(`${trace.mismatches.length} mismatch${trace.mismatches.length === 1 ? '' : 'es'}:\n${formatMismatches(scenario, trace.mismatches)}\n`);
    return 1;
  }
  io.out(checked ? `all expectations hold (${checked} step${checked === 1 ? '' : 's'} checked)\n` : 'no step carries an expect: nothing was checked\n');
  return 0;
}
