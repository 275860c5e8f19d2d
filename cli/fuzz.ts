/** `hugecheck fuzz`: generated scenarios on the model and on the kernel; divergences shrunk. */
import { randomInt } from 'crypto';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { formatCoverage, fuzz, FuzzRunFailed } from '../checker/fuzz';
import { parseWeights } from '../generator/commands';
import { formatScenario } from '../reports/scenario-json';
import { sideBySide } from '../reports/side-by-side';
import { UsageError } from '../io/errors';
import { withKernel } from './kernel-session';
import { loadPolicy } from '../io/load';
import type { Io } from './io';
import type { Policy } from '../model/policy';

export async function fuzzCommand(opts: { runs: string; seed?: string; policy?: string; kernelModel?: string; allowLeak?: boolean; weights?: string; maxCommands?: string; save?: string }, io: Io): Promise<number> {
  const num = (v: string, flag: string, min: number) => {
    if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`${flag} must be a whole number >= ${min}, got "${v}"`);
    return Number(v);
  };
  const runs = num(opts.runs, '--runs', 1);
  const seed = opts.seed !== undefined ? num(opts.seed, '--seed', 0) : randomInt(0, 2 ** 31 - 1);
  const given = opts.policy !== undefined ? loadPolicy(opts.policy) : undefined;
  /** The model compared with the kernel: --policy, or the running kernel's model (set once the session is open). */
  let policy: Policy | undefined = given;
  let weights;
  try {
    weights = opts.weights ? parseWeights(opts.weights) : undefined;
  } catch (e) {
    throw new UsageError(`--weights: ${(e as Error).message}`);
  }
  const maxCommands = opts.maxCommands !== undefined ? num(opts.maxCommands, '--max-commands', 1) : undefined;
  const started = Date.now();
  let result;
  try {
    result = await withKernel(
      io,
      (session, interrupted) => {
        policy = given ?? session.model;
        return fuzz(session, {
          runs, seed, policy, weights, maxCommands, allowLeak: opts.allowLeak, interrupted,
          onProgress: (n) => {
            if (io.isTTY && n % 10 === 0) io.err(`\r${n}/${runs} scenarios\x1b[K`);
          },
        });
      },
      { kernelModel: opts.kernelModel },
    );
  } catch (e) {
    if (!(e instanceof FuzzRunFailed)) throw e;
    // The scenario that stopped the run is kept, to be run again on its own (the session has
    // restored the machine already); then the kernel's error ends the command as before.
    if (io.isTTY) io.err('\r\x1b[K');
    const text = formatScenario(e.scenario) + '\n';
    if (opts.save) {
      mkdirSync(opts.save, { recursive: true });
      const f = join(opts.save, `${e.scenario.name}.json`);
      writeFileSync(f, text);
      io.err(`hugecheck fuzz: ${e.message}; the scenario is saved in ${f} (hugecheck run --kernel ${f})\n`);
    } else {
      io.err(`hugecheck fuzz: ${e.message}; the scenario (--save DIR keeps it in a file):\n${text}`);
    }
    throw e.cause;
  }
  if (io.isTTY) io.err('\r\x1b[K');
  const secs = (Date.now() - started) / 1000;
  io.out(`hugecheck fuzz: model:${policy!.name} against the kernel, seed ${seed}, ${runs} generated scenarios\n`);
  io.out(`ran ${result.ran} scenarios (${result.steps} steps) on the kernel in ${secs.toFixed(1)} s; ${result.divergences.length} divergence${result.divergences.length === 1 ? '' : 's'}\n`);
  for (const [reason, n] of result.skipped) io.out(`  not run: ${n} × ${reason}\n`);
  io.out(`\ncoverage (steps run on the kernel, by op and result):\n${formatCoverage(result.coverage)}\n`);
  if (opts.save && result.divergences.length) mkdirSync(opts.save, { recursive: true });
  for (const d of result.divergences) {
    io.out(`\ndivergence (${d.scenario.steps.length} steps after shrinking): ${typeof d.divergence.step === 'number' ? `step ${d.divergence.step}` : d.divergence.step}, ${d.divergence.field}: model ${JSON.stringify(d.divergence.model)}, kernel ${JSON.stringify(d.divergence.kernel)}\n`);
    io.out(sideBySide(d.scenario, d.model, d.kernel, d.divergence) + '\n');
    io.out('scenario (expect = what the kernel did):\n' + formatScenario(d.scenario) + '\n');
    if (opts.save) {
      const f = join(opts.save, `${d.scenario.name}.json`);
      writeFileSync(f, formatScenario(d.scenario) + '\n');
      io.out(`saved: ${f} (hugecheck diff ${f})\n`);
    }
  }
  io.out(`\nreplay: hugecheck fuzz --runs ${runs} --seed ${seed}${opts.policy !== undefined ? ` --policy ${opts.policy}` : ''}${opts.kernelModel !== undefined ? ` --kernel-model ${opts.kernelModel}` : ''}${opts.weights ? ` --weights ${opts.weights}` : ''}${maxCommands !== undefined ? ` --max-commands ${maxCommands}` : ''}\n`);
  return result.divergences.length ? 1 : 0;
}
