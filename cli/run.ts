/** `hugecheck run SCENARIO.json`: the scenario on the model, a table, every expect checked. */
import pc from 'picocolors';
import { explainingBug } from '../checker/label';
import { judgeOnModel } from '../properties/judge';
import { formatMismatches, formatRunTable, plainStyle, type Style } from '../reports/table';
import type { Io } from './main';
import { loadPolicy, loadScenario } from './load';

export async function runCommand(file: string, opts: { policy: string; json?: boolean }, io: Io): Promise<number> {
  const scenario = loadScenario(file);
  const policy = loadPolicy(opts.policy);
  const { trace, violations } = judgeOnModel(scenario, policy);
  const failed = trace.mismatches.length > 0;
  if (opts.json) {
    io.out(JSON.stringify(trace, null, 2) + '\n');
    return failed ? 1 : 0;
  }
  const style: Style = io.isTTY ? { changed: pc.yellow, bad: (t) => pc.red(pc.bold(t)), dim: pc.dim } : plainStyle;
  const checked = scenario.steps.filter((s) => s.expect).length;
  io.out(`${scenario.name} on ${trace.runner}${scenario.description ? `: ${scenario.description}` : ''}\n\n`);
  io.out(formatRunTable(scenario, trace, style) + '\n\n');
  if (violations.size) {
    io.out(`invariants violated (hugecheck invariants explains each):\n`);
    for (const [id, v] of violations) {
      const bug = explainingBug(policy, id, scenario);
      io.out(`  ${id} at ${v.step === 'final' ? 'the final observation' : `step ${v.step}`}: ${v.message}${bug ? ` [known kernel bug: ${bug.id}]` : ''}\n`);
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
